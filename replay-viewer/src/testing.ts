/**
 * `@vantage/replay-viewer/testing` — helpers for tests, fixtures and benchmarks: a
 * {@link ReplayStream} from wire batches (decoded and sorted as the collector does), and the
 * replay-from-start reference the player is checked and benchmarked against.
 */
import { createWireValidators, type VantageEvent, type WireBatch } from '@vantage/sdk-core/schema';
import type { ReplayStream } from './stream.js';

export { replayFromStart } from './player.js';

/**
 * Decode wire batches into the stream the collector serves: every event validated and decoded
 * (mesh ids resolved to strings), sorted by time (stable: same-time events keep their order).
 * Throws a `Vantage:` error on an invalid batch or event: fixtures must be clean.
 */
export function streamFromBatches(batches: readonly WireBatch[], startedAt?: number): ReplayStream {
  const first = batches[0];
  if (first === undefined) throw new RangeError('Vantage: streamFromBatches needs at least one batch');
  const validators = createWireValidators();
  const events: VantageEvent[] = [];
  for (const batch of batches) {
    const problem = validators.checkEnvelope(batch);
    if (problem !== null) throw new Error(`Vantage: invalid batch ${batch.seq}: ${JSON.stringify(problem)}`);
    for (const raw of batch.events) {
      const result = validators.decodeEvent(raw, batch);
      if (!result.ok) throw new Error(`Vantage: invalid event in batch ${batch.seq}: ${result.detail}`);
      events.push(result.event);
    }
  }
  events.sort((a, b) => a.t - b.t);
  const start = startedAt ?? events[0]?.t ?? first.t0;
  return { session: { id: first.sid, scene: first.scene, startedAt: new Date(start).toISOString() }, events };
}

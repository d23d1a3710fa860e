/**
 * The benchmark's input: realistic recorded sessions from the fixtures simulator, cut into
 * batches the way the SDK's send queue cuts them when it flushes on 50 queued events. The
 * interval flush is pushed past the longest session, so every batch but a session's last is
 * exactly 50 events; only those full batches are kept.
 */
import { simulateVisitors } from '@vantage/fixtures';
import type { WireBatch } from '@vantage/sdk-core/schema';

/** Events per batch: the SDK flushes its queue when this many are queued. */
export const BATCH_EVENTS = 50;

/** Longer than any simulated session (15 min at most), so the interval timer never flushes. */
const NO_INTERVAL_FLUSH_MS = 86_400_000;

/** The full batches of one simulated session. */
export interface SessionSample {
  readonly sid: string;
  readonly batches: readonly WireBatch[];
}

/** Simulated sessions and their 50-event batches. */
export interface BatchSample {
  readonly sessions: readonly SessionSample[];
  /** Every 50-event batch, session after session, in send order. */
  readonly batches: readonly WireBatch[];
  /** Batches the sessions produced in all, including each one's last, shorter batch. */
  readonly allBatches: number;
}

/** Simulate `sessions` visitors (deterministic for `seed`) and keep their 50-event batches. */
export function simulateBatches(sessions: number, seed: number): BatchSample {
  const kept: SessionSample[] = [];
  const batches: WireBatch[] = [];
  let allBatches = 0;
  for (const session of simulateVisitors({ sessions, seed, maxBatchEvents: BATCH_EVENTS, flushIntervalMs: NO_INTERVAL_FLUSH_MS })) {
    allBatches += session.batches.length;
    const full = session.batches.filter((b) => b.events.length === BATCH_EVENTS);
    kept.push({ sid: session.sid, batches: full });
    batches.push(...full);
  }
  if (batches.length === 0) throw new Error(`bench: ${sessions} simulated sessions gave no ${BATCH_EVENTS}-event batch`);
  return { sessions: kept, batches, allBatches };
}

/** Every `stride`-th batch, so a smaller sample still spans all sessions. */
export function spreadSample(batches: readonly WireBatch[], size: number): WireBatch[] {
  if (batches.length <= size) return [...batches];
  const stride = batches.length / size;
  return Array.from({ length: size }, (_, i) => batches[Math.floor(i * stride)] as WireBatch);
}

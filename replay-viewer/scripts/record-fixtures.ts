/**
 * Records the replay fixtures: sessions of the simulator (`@vantage/fixtures`) on the sofa,
 * decoded as the collector serves them, written to `replay-viewer/fixtures/*.json`. The
 * simulator is deterministic, so running this again writes the same files.
 *
 *   npm run record-fixtures -w @vantage/replay-viewer
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulateSessionDetails, type SimulateSessionOptions } from '@vantage/fixtures';
import { streamFromBatches } from '../src/testing.js';

/** The recorded sessions: file name → simulator options (seeds chosen for variety, see below). */
const SESSIONS: Record<string, SimulateSessionOptions> = {
  // Desktop, every opt-in channel: gaze, hover dwell, a runtime error, picks, custom events, gaps.
  'sofa-desktop': { seed: 100, durationMs: 100_000, optIn: true, device: 'desktop', buyer: true, sid: 'replay-fixture-desktop' },
  // Mobile, the default channels only (no gaze, no hover dwell): taps, pinches, long reads.
  'sofa-mobile': { seed: 8, durationMs: 75_000, device: 'mobile', sid: 'replay-fixture-mobile' },
};

for (const [name, options] of Object.entries(SESSIONS)) {
  const session = simulateSessionDetails(options);
  const stream = streamFromBatches(session.batches, session.startMs);
  const lines = stream.events.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  const recorded = `${JSON.stringify({ simulator: options, activities: session.activities })}`;
  const text = `{\n  "recorded": ${recorded},\n  "session": ${JSON.stringify(stream.session)},\n  "events": [\n${lines}\n  ]\n}\n`;
  const file = fileURLToPath(new URL(`../fixtures/${name}.json`, import.meta.url));
  writeFileSync(file, text);
  const counts: Record<string, number> = {};
  for (const e of stream.events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  process.stdout.write(`${name}: ${stream.events.length} events, ${text.length} bytes, ${JSON.stringify(counts)}\n`);
}

/**
 * Forked by `decode-validate.ts`: times one decoder or validator in a process of its own, so its
 * JIT feedback is its own, as in a collector that only ever runs one of them.
 */
import { createContender } from './contenders.js';
import { timeContenders, type TimingResult } from './timing.js';
import { serveOneJob } from './worker-side.js';
import type { TimingJob } from './worker-protocol.js';

/** Target length of one timed round (ms). */
const ROUND_MS = 150;

serveOneJob<TimingJob, TimingResult>((job) => {
  const [result] = timeContenders([createContender(job.contender, job.batches)], {
    rounds: job.rounds,
    warmupRounds: 3,
    roundMs: ROUND_MS,
    unitsPerRun: job.batches.length,
  });
  if (!result) throw new Error('bench: nothing was timed');
  return result;
});

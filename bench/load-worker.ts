/**
 * The load generator, forked by `ingest.ts` so it runs in its own process: `runLoad` from the
 * fixtures over `createBodySource` (fresh session ids on every pass, so nothing is a duplicate;
 * times shifted to now). The warm-up and the measured run draw from the same source, so no
 * batch of the measured run repeats one of the warm-up.
 */
import { createBodySource, runLoad } from '@vantage/fixtures';
import { cpuBetween, takeCpuSnapshot } from './cpu-usage.js';
import { serveOneJob } from './worker-side.js';
import type { LoadJob, LoadReport } from './worker-protocol.js';

serveOneJob<LoadJob, LoadReport>(async (job) => {
  const next = createBodySource(job.batches, { contentType: job.contentType, fresh: true, shiftMs: job.shiftMs });
  const wait = (job.startAtMs ?? 0) - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const options = { url: job.url, key: job.key, concurrency: job.concurrency, contentType: job.contentType, batches: next };
  const warmup = job.warmupMs > 0 ? await runLoad({ ...options, durationMs: job.warmupMs }) : null;
  const before = takeCpuSnapshot(job.serverPid);
  const measured = await runLoad({ ...options, durationMs: job.durationMs });
  return { warmup, measured, cpu: cpuBetween(before, takeCpuSnapshot(job.serverPid)) };
});

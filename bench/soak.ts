/**
 * The soak (`npm run bench -- --soak 10m`): steady load on one collector for a long time, its
 * memory read from `/proc/<pid>/status` every few seconds (no endpoint in the collector), then
 * the count check. Memory "grows without bound" when its floor rises over the second half of the
 * run (after start-up, JIT warm-up and the heap settling) faster than a threshold: the second
 * half is cut into four windows of at least a minute, and a straight line is fitted to the lowest
 * RSS of each window. The lows are where garbage collection left the heap; a fit to every sample would
 * follow the garbage collector's saw-tooth (tens of MB up, then down, every minute or two under
 * load) instead of the trend; a window must be longer than one tooth to hold a low. So a run
 * whose second half is shorter than four minutes (a soak under 8 min) is not judged.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from '@vantage/fixtures';
import type { WireBatch } from '@vantage/sdk-core/schema';
import { startPostgres } from '../test/postgres-server.js';
import type { Cleanup } from './cleanup.js';
import { startCollectorProcess } from './collector-process.js';
import { countStored, createDatabase, storageProblems, type StoredCounts } from './database-counts.js';
import type { ExitStatus } from './processes.js';
import { forkBenchModule } from './processes.js';
import { row, type TableRow } from './report.js';
import { linearFit } from './stats.js';
import { unwrapAnswer } from './worker-side.js';
import type { LoadJob, LoadReport, WorkerAnswer } from './worker-protocol.js';

/** Memory of a process at one moment (KiB, as /proc reports it). */
export interface MemorySample {
  /** Since the load started (ms). */
  readonly atMs: number;
  /** `VmRSS`: resident memory. */
  readonly rssKiB: number;
  /** `RssAnon`: resident anonymous memory — the V8 heap and native allocations, without mapped files. */
  readonly anonKiB: number;
}

/** `VmRSS` and `RssAnon` of a `/proc/<pid>/status` text (KiB), or null when either is missing. */
export function parseProcStatus(text: string): { rssKiB: number; anonKiB: number } | null {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  };
  const rssKiB = field('VmRSS');
  const anonKiB = field('RssAnon');
  return rssKiB === null || anonKiB === null ? null : { rssKiB, anonKiB };
}

/** Whether memory grew without bound, from the samples' second half. */
export interface MemoryVerdict {
  /** Slope of a line fitted to the lowest RSS of each window of the second half (MB/min; MB = 2^20 bytes): what is judged. */
  readonly rssSlopeMbPerMin: number;
  /** The same for anonymous memory. */
  readonly anonSlopeMbPerMin: number;
  /** Slope of a line fitted to every RSS sample of the second half (MB/min), saw-tooth included; for reference. */
  readonly rssAllSamplesSlopeMbPerMin: number;
  /** Windows of the second half, each giving its lowest sample. */
  readonly windows: number;
  readonly thresholdMbPerMin: number;
  /** Length of the second half (ms). */
  readonly judgedOverMs: number;
  /** True: RSS rose faster than the threshold; false: it did not; null: too short or too few samples to judge. */
  readonly grows: boolean | null;
}

/** The shortest second half judged (ms): four windows of a minute. */
export const MIN_JUDGED_MS = 240_000;

/** Shortest window whose lowest sample is taken (ms): longer than a garbage-collection cycle under load. */
export const MIN_WINDOW_MS = 60_000;
/** Windows the second half is cut into, at most. */
const MAX_WINDOWS = 4;

/** The lowest sample of each window of `samples` (by `kib`), windows of `windowMs` from the first sample. */
function windowLows(samples: readonly MemorySample[], windowMs: number, kib: (s: MemorySample) => number): Array<{ x: number; y: number }> {
  const lows = new Map<number, MemorySample>();
  const start = samples[0]?.atMs ?? 0;
  for (const s of samples) {
    const w = Math.floor((s.atMs - start) / windowMs);
    const low = lows.get(w);
    if (!low || kib(s) < kib(low)) lows.set(w, s);
  }
  return [...lows.values()].map((s) => ({ x: s.atMs / 60_000, y: kib(s) / 1024 }));
}

/** Fit the second half of `samples` and compare the slope of its RSS floor with `thresholdMbPerMin`. */
export function judgeMemory(samples: readonly MemorySample[], thresholdMbPerMin: number): MemoryVerdict {
  const end = samples.at(-1)?.atMs ?? 0;
  const half = samples.filter((s) => s.atMs >= end / 2);
  const judgedOverMs = half.length > 0 ? end - (half[0] as MemorySample).atMs : 0;
  // The last sample opens a window of its own when the half divides evenly; nudge the width so it does not.
  const windowMs = Math.max(MIN_WINDOW_MS, judgedOverMs / MAX_WINDOWS + 1);
  const floorSlope = (kib: (s: MemorySample) => number) => linearFit(windowLows(half, windowMs, kib)).slope;
  const rssSlopeMbPerMin = floorSlope((s) => s.rssKiB);
  const anonSlopeMbPerMin = floorSlope((s) => s.anonKiB);
  const rssAllSamplesSlopeMbPerMin = linearFit(half.map((s) => ({ x: s.atMs / 60_000, y: s.rssKiB / 1024 }))).slope;
  const windows = windowLows(half, windowMs, (s) => s.rssKiB).length;
  const judged = judgedOverMs >= MIN_JUDGED_MS && windows >= 3 && Number.isFinite(rssSlopeMbPerMin);
  return {
    rssSlopeMbPerMin,
    anonSlopeMbPerMin,
    rssAllSamplesSlopeMbPerMin,
    windows,
    thresholdMbPerMin,
    judgedOverMs,
    grows: judged ? rssSlopeMbPerMin > thresholdMbPerMin : null,
  };
}

/** Settings of the soak. */
export interface SoakOptions {
  readonly batches: readonly WireBatch[];
  readonly contentType: string;
  readonly durationMs: number;
  readonly concurrency: number;
  readonly sampleMs: number;
  readonly maxGrowthMbPerMin: number;
  readonly cleanup: Cleanup;
  readonly progress: (line: string) => void;
}

/** What the soak measured. */
export interface SoakResult {
  readonly durationMs: number;
  readonly concurrency: number;
  readonly measured: LoadResult;
  readonly samples: readonly MemorySample[];
  readonly verdict: MemoryVerdict;
  readonly stored: StoredCounts;
  readonly exit: ExitStatus;
  readonly serverLog: readonly string[];
  /** Lost or extra events, failed requests, an unclean exit, memory growing without bound. */
  readonly problems: readonly string[];
}

/** Longest the collector may take to drain and exit after SIGTERM (ms). */
const DRAIN_GRACE_MS = 30_000;
/** Longest the load generator may run beyond the soak: start-up and the last requests (ms). */
const LOAD_SLACK_MS = 90_000;

/** Start PostgreSQL and one collector, load it steadily while sampling its memory, count, stop. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  options.progress('starting PostgreSQL (initdb in a temporary folder)');
  const pg = await startPostgres();
  const stopPostgres = options.cleanup.defer('stop PostgreSQL', () => pg.stop());
  const dataDir = await mkdtemp(join(tmpdir(), 'vantage-bench-collector-'));
  const removeDataDir = options.cleanup.defer('remove the collector data folder', () => rm(dataDir, { recursive: true, force: true }));
  let stopCollector: (() => Promise<void>) | undefined;
  try {
    const databaseUrl = await createDatabase(pg.url, 'vantage_bench_soak');
    const collector = await startCollectorProcess({ databaseUrl, dataDir });
    const collectorStop = options.cleanup.defer('stop the collector', () => collector.child.stop(DRAIN_GRACE_MS));
    stopCollector = collectorStop;
    const pid = collector.child.pid;
    const samples: MemorySample[] = [];
    const startedAt = Date.now();
    let lastReport = startedAt;
    const sample = () => {
      if (pid === undefined) return;
      let parsed: ReturnType<typeof parseProcStatus> = null;
      try {
        parsed = parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        return; // Not Linux, or the process is gone; the count check says what happened.
      }
      if (!parsed) return;
      const now = Date.now();
      samples.push({ atMs: now - startedAt, ...parsed });
      if (now - lastReport >= 60_000) {
        lastReport = now;
        options.progress(`  ${((now - startedAt) / 60_000).toFixed(1)} min: RSS ${(parsed.rssKiB / 1024).toFixed(1)} MB, anonymous ${(parsed.anonKiB / 1024).toFixed(1)} MB`);
      }
    };
    sample();
    const sampler = setInterval(sample, options.sampleMs);
    const worker = forkBenchModule('load generator', './load-worker.ts');
    let report: LoadReport;
    try {
      const lastSentAt = Math.max(...options.batches.map((b) => b.sentAt));
      const job: LoadJob = {
        url: `${collector.url}/api/v1/collect`,
        key: collector.publishableKey,
        contentType: options.contentType,
        concurrency: options.concurrency,
        warmupMs: 0,
        durationMs: options.durationMs,
        shiftMs: Date.now() - lastSentAt,
        batches: options.batches,
        serverPid: pid,
      };
      report = unwrapAnswer(worker.name, await worker.ask<WorkerAnswer<LoadReport>>(job, options.durationMs + LOAD_SLACK_MS));
    } finally {
      sample();
      clearInterval(sampler);
      await worker.stop(5_000);
      options.progress('  stopping the collector (SIGTERM: it drains what it acknowledged)');
      await collectorStop();
    }
    const exit = await collector.child.exited;
    const { commits: _commits, flushes: _flushes, ...counts } = await countStored(databaseUrl, collector.projectId);
    const stored: StoredCounts = { ...counts, acknowledgedEvents: report.measured.acceptedEvents, acknowledgedBatches: report.measured.ok };
    const verdict = judgeMemory(samples, options.maxGrowthMbPerMin);
    const problems = storageProblems(stored, report);
    if (Object.keys(report.measured.errors).length > 0) problems.push(`failed requests ${JSON.stringify(report.measured.errors)}`);
    if (exit.code !== 0) problems.push(`the collector exited with ${exit.signal ?? `code ${exit.code}`} after SIGTERM`);
    if (verdict.grows) {
      problems.push(`the collector's RSS floor grew ${verdict.rssSlopeMbPerMin.toFixed(2)} MB/min over the soak's second half (threshold ${verdict.thresholdMbPerMin} MB/min)`);
    }
    return {
      durationMs: options.durationMs,
      concurrency: options.concurrency,
      measured: report.measured,
      samples,
      verdict,
      stored,
      exit,
      serverLog: [...collector.child.stderr],
      problems,
    };
  } finally {
    await stopCollector?.();
    await removeDataDir();
    await stopPostgres();
  }
}

/** Progress lines for the result. */
export function describeSoak(result: SoakResult): string[] {
  const v = result.verdict;
  const first = result.samples[0];
  const last = result.samples.at(-1);
  const peak = Math.max(...result.samples.map((s) => s.rssKiB));
  const mb = (kib: number | undefined) => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MB`);
  const judged =
    v.grows === null
      ? `not judged (second half ${(v.judgedOverMs / 60_000).toFixed(1)} min; at least ${MIN_JUDGED_MS / 60_000} min needed)`
      : v.grows
        ? 'GROWS without bound'
        : 'bounded';
  return [
    `${Math.round(result.measured.eventsPerSecond)} events/s for ${(result.measured.elapsedMs / 60_000).toFixed(1)} min, p50 ${result.measured.latencyP50Ms.toFixed(1)} ms, p99 ${result.measured.latencyP99Ms.toFixed(1)} ms`,
    `RSS ${mb(first?.rssKiB)} at the start, ${mb(last?.rssKiB)} at the end, peak ${mb(peak)}; ${result.samples.length} samples`,
    `second half, lowest of each of ${v.windows} windows: RSS ${v.rssSlopeMbPerMin.toFixed(2)} MB/min, anonymous ${v.anonSlopeMbPerMin.toFixed(2)} MB/min ` +
      `(threshold ${v.thresholdMbPerMin} MB/min; every sample: ${v.rssAllSamplesSlopeMbPerMin.toFixed(2)} MB/min): ${judged}`,
    `stored ${result.stored.hourlyEvents} of ${result.stored.acknowledgedEvents} acknowledged events`,
  ];
}

/** The rows for the soak. */
export function soakRows(result: SoakResult): TableRow[] {
  const v = result.verdict;
  const minutes = Math.round(result.durationMs / 6_000) / 10;
  const growth = row(`soak ${minutes} min: collector RSS floor growth over the second half (MB/min)`, v.rssSlopeMbPerMin, v.thresholdMbPerMin, 'threshold', 2);
  return [
    { ...growth, goal: v.grows === null ? 'too short to judge' : `≤ ${v.thresholdMbPerMin} MB/min`, met: v.grows === null ? null : !v.grows },
    row(`soak ${minutes} min: events stored / acknowledged`, result.stored.hourlyEvents, result.stored.acknowledgedEvents, 'acknowledged with 202', 0, {
      text: '= 1 (exactly)',
      met: (r) => r === 1,
    }),
  ];
}

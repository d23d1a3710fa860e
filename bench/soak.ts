/**
 * The soak (`npm run bench -- --soak 10m`): steady load on one collector for a long time, its
 * memory read two ways, then the count check.
 *
 * - **Live memory, judged.** The soak's collector alone runs with `--expose-gc` and a preloaded
 *   probe (`soak-heap-probe.mjs`) that every {@link HEAP_PROBE_MS} forces a full garbage collection
 *   and writes what is left: V8's used heap plus `external` (buffers). A straight line is fitted
 *   to every reading of the run's second half (after start-up, JIT warm-up, and most of the
 *   bounded caches filling). Memory "grows without bound" when that line rises faster than the
 *   threshold. After a full collection there is no saw-tooth to see past, and no committed but
 *   unused pages: what rises is what the process holds. (At the soak's ~2,000 requests a second,
 *   the default 2 MB/min is ~17 bytes kept per request.)
 * - **RSS, for reference**, from `/proc/<pid>/status` every few seconds (no endpoint in the
 *   collector): a line fitted to the lowest RSS of each of four windows of the second half (a fit
 *   to every sample would follow the garbage collector's saw-tooth). RSS also counts the
 *   old-generation pages V8 keeps committed after the heap has levelled off, and rose for minutes
 *   after the live heap had stopped (see docs/scaling.md): it is what an operator's graphs show,
 *   not what decides. Without probe readings (a collector that could not load it) the RSS floor is
 *   judged instead, and the verdict says so.
 *
 * A run whose second half is shorter than four minutes (a soak under 8 min) is not judged.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadResult } from '@vantage/fixtures';
import type { WireBatch } from '@vantage/sdk-core/schema';
import { startPostgres } from '../test/postgres-server.js';
import type { Cleanup } from './cleanup.js';
import { startCollectorProcess } from './collector-process.js';
import { countStored, createDatabase, storageProblems, type StoredCounts } from './database-counts.js';
import type { ExitStatus } from './processes.js';
import { forkBenchModule, REPO_ROOT } from './processes.js';
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

/** What the collector held after a forced full garbage collection (see the module comment). */
export interface HeapSample {
  /** Since the load started (ms). */
  readonly atMs: number;
  /** V8's used heap plus `external` memory (KiB). */
  readonly liveKiB: number;
}

/** The probe's lines (`{"at", "heapUsed", "external"}`, bytes) as samples since `startedAt` (epoch ms); other lines are skipped. */
export function parseHeapLines(text: string, startedAt: number): HeapSample[] {
  const out: HeapSample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as { at?: unknown; heapUsed?: unknown; external?: unknown };
      if (typeof r.at === 'number' && typeof r.heapUsed === 'number' && typeof r.external === 'number') {
        out.push({ atMs: r.at - startedAt, liveKiB: (r.heapUsed + r.external) / 1024 });
      }
    } catch {
      // A line cut short by the collector's exit.
    }
  }
  return out;
}

/** Whether memory grew without bound, from the samples' second half. */
export interface MemoryVerdict {
  /** What `grows` was decided on: the live heap's line, or (without probe readings) the RSS floor's. */
  readonly judgedOn: 'live-heap' | 'rss-floor';
  /** Slope of a line fitted to every live-heap reading of the second half (MB/min; MB = 2^20 bytes); NaN without readings. */
  readonly liveSlopeMbPerMin: number;
  /** Live-heap readings in the second half. */
  readonly liveSamples: number;
  /** Slope of a line fitted to the lowest RSS of each window of the second half (MB/min). */
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
  /** True: the judged memory rose faster than the threshold; false: it did not; null: too short or too few samples to judge. */
  readonly grows: boolean | null;
}

/** How often the probe collects garbage and reads the heap in the soak's collector (ms). */
export const HEAP_PROBE_MS = 30_000;
/** Live-heap readings the second half needs for the live heap to be judged. */
const MIN_LIVE_SAMPLES = 4;

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

/**
 * Fit the second half of the run and compare the slope of the live heap (`heap`; without enough
 * readings, of the RSS floor from `samples`) with `thresholdMbPerMin`.
 */
export function judgeMemory(samples: readonly MemorySample[], thresholdMbPerMin: number, heap: readonly HeapSample[] = []): MemoryVerdict {
  const end = Math.max(samples.at(-1)?.atMs ?? 0, heap.at(-1)?.atMs ?? 0);
  const half = samples.filter((s) => s.atMs >= end / 2);
  const judgedOverMs = half.length > 0 ? end - (half[0] as MemorySample).atMs : 0;
  // The last sample opens a window of its own when the half divides evenly; nudge the width so it does not.
  const windowMs = Math.max(MIN_WINDOW_MS, judgedOverMs / MAX_WINDOWS + 1);
  const floorSlope = (kib: (s: MemorySample) => number) => linearFit(windowLows(half, windowMs, kib)).slope;
  const rssSlopeMbPerMin = floorSlope((s) => s.rssKiB);
  const anonSlopeMbPerMin = floorSlope((s) => s.anonKiB);
  const rssAllSamplesSlopeMbPerMin = linearFit(half.map((s) => ({ x: s.atMs / 60_000, y: s.rssKiB / 1024 }))).slope;
  const windows = windowLows(half, windowMs, (s) => s.rssKiB).length;
  const liveHalf = heap.filter((s) => s.atMs >= end / 2);
  const liveSlopeMbPerMin = linearFit(liveHalf.map((s) => ({ x: s.atMs / 60_000, y: s.liveKiB / 1024 }))).slope;
  const judgedOn = liveHalf.length >= MIN_LIVE_SAMPLES && Number.isFinite(liveSlopeMbPerMin) ? 'live-heap' : 'rss-floor';
  const slope = judgedOn === 'live-heap' ? liveSlopeMbPerMin : rssSlopeMbPerMin;
  const judged = judgedOverMs >= MIN_JUDGED_MS && windows >= 3 && Number.isFinite(slope);
  return {
    judgedOn,
    liveSlopeMbPerMin,
    liveSamples: liveHalf.length,
    rssSlopeMbPerMin,
    anonSlopeMbPerMin,
    rssAllSamplesSlopeMbPerMin,
    windows,
    thresholdMbPerMin,
    judgedOverMs,
    grows: judged ? slope > thresholdMbPerMin : null,
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
  readonly heap: readonly HeapSample[];
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
    const heapFile = join(dataDir, 'heap.ndjson');
    const collector = await startCollectorProcess({
      databaseUrl,
      dataDir,
      env: { VANTAGE_BENCH_HEAP_FILE: heapFile, VANTAGE_BENCH_HEAP_MS: String(HEAP_PROBE_MS) },
      nodeFlags: ['--expose-gc', '--import', pathToFileURL(join(REPO_ROOT, 'bench/soak-heap-probe.mjs')).href],
    });
    const collectorStop = options.cleanup.defer('stop the collector', () => collector.child.stop(DRAIN_GRACE_MS));
    stopCollector = collectorStop;
    const pid = collector.child.pid;
    const samples: MemorySample[] = [];
    const startedAt = Date.now();
    const readHeap = (): HeapSample[] => {
      try {
        return parseHeapLines(readFileSync(heapFile, 'utf8'), startedAt);
      } catch {
        return []; // No reading yet.
      }
    };
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
        const live = readHeap().at(-1);
        const liveText = live ? `, live heap ${(live.liveKiB / 1024).toFixed(1)} MB` : '';
        options.progress(`  ${((now - startedAt) / 60_000).toFixed(1)} min: RSS ${(parsed.rssKiB / 1024).toFixed(1)} MB, anonymous ${(parsed.anonKiB / 1024).toFixed(1)} MB${liveText}`);
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
    const heap = readHeap();
    const verdict = judgeMemory(samples, options.maxGrowthMbPerMin, heap);
    const problems = storageProblems(stored, report);
    if (Object.keys(report.measured.errors).length > 0) problems.push(`failed requests ${JSON.stringify(report.measured.errors)}`);
    if (exit.code !== 0) problems.push(`the collector exited with ${exit.signal ?? `code ${exit.code}`} after SIGTERM`);
    if (verdict.grows) {
      const what = verdict.judgedOn === 'live-heap' ? `live heap grew ${verdict.liveSlopeMbPerMin.toFixed(2)}` : `RSS floor grew ${verdict.rssSlopeMbPerMin.toFixed(2)}`;
      problems.push(`the collector's ${what} MB/min over the soak's second half (threshold ${verdict.thresholdMbPerMin} MB/min)`);
    }
    if (verdict.judgedOn === 'rss-floor') problems.push(`the heap probe gave ${heap.length} readings: the RSS floor was judged instead of the live heap`);
    return {
      durationMs: options.durationMs,
      concurrency: options.concurrency,
      measured: report.measured,
      samples,
      heap,
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
  const verdict =
    v.grows === null
      ? `not judged (second half ${(v.judgedOverMs / 60_000).toFixed(1)} min; at least ${MIN_JUDGED_MS / 60_000} min needed)`
      : v.grows
        ? 'GROWS without bound'
        : 'bounded';
  const judged = (on: MemoryVerdict['judgedOn']) => (v.judgedOn === on ? `: judged, ${verdict}` : ', for reference');
  return [
    `${Math.round(result.measured.eventsPerSecond)} events/s for ${(result.measured.elapsedMs / 60_000).toFixed(1)} min, p50 ${result.measured.latencyP50Ms.toFixed(1)} ms, p99 ${result.measured.latencyP99Ms.toFixed(1)} ms`,
    `live heap after a full GC every ${HEAP_PROBE_MS / 1000} s: ${mb(result.heap[0]?.liveKiB)} at the first reading, ${mb(result.heap.at(-1)?.liveKiB)} at the last; ` +
      `second half ${v.liveSlopeMbPerMin.toFixed(2)} MB/min over ${v.liveSamples} readings (threshold ${v.thresholdMbPerMin} MB/min)${judged('live-heap')}`,
    `RSS ${mb(first?.rssKiB)} at the start, ${mb(last?.rssKiB)} at the end, peak ${mb(peak)}; ${result.samples.length} samples`,
    `second half, lowest of each of ${v.windows} windows: RSS ${v.rssSlopeMbPerMin.toFixed(2)} MB/min, anonymous ${v.anonSlopeMbPerMin.toFixed(2)} MB/min ` +
      `(every sample: ${v.rssAllSamplesSlopeMbPerMin.toFixed(2)} MB/min)${judged('rss-floor')}`,
    `stored ${result.stored.hourlyEvents} of ${result.stored.acknowledgedEvents} acknowledged events`,
  ];
}

/** The rows for the soak: the judged growth, the other one for reference, and the count. */
export function soakRows(result: SoakResult): TableRow[] {
  const v = result.verdict;
  const minutes = Math.round(result.durationMs / 6_000) / 10;
  const judged = (r: TableRow): TableRow => ({ ...r, goal: v.grows === null ? 'too short to judge' : `≤ ${v.thresholdMbPerMin} MB/min`, met: v.grows === null ? null : !v.grows });
  const live = row(`soak ${minutes} min: collector live heap growth over the second half, after a full GC every ${HEAP_PROBE_MS / 1000} s (MB/min)`, v.liveSlopeMbPerMin, v.thresholdMbPerMin, 'threshold', 2);
  const rss = row(`soak ${minutes} min: collector RSS floor growth over the second half (MB/min)`, v.rssSlopeMbPerMin, v.thresholdMbPerMin, 'threshold', 2);
  return [
    v.judgedOn === 'live-heap' ? judged(live) : { ...live, goal: 'no probe readings', met: null },
    v.judgedOn === 'rss-floor' ? judged(rss) : { ...rss, goal: 'for reference (not judged)', met: null },
    row(`soak ${minutes} min: events stored / acknowledged`, result.stored.hourlyEvents, result.stored.acknowledgedEvents, 'acknowledged with 202', 0, {
      text: '= 1 (exactly)',
      met: (r) => r === 1,
    }),
  ];
}

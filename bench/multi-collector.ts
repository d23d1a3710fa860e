/**
 * Two collector processes on one PostgreSQL: collectors keep no state of their own (the dedup
 * ledger, rate limits and live fan-out are in the database), so a second process behind a load
 * balancer should add capacity without losing or doubling an event. Here each collector gets its
 * own load generator (half the concurrency each, so as many requests are in flight as against
 * the single collector), with the sample's sessions split between them; both generators start at
 * the same wall-clock moment. Afterwards every acknowledged event must be stored exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from '@vantage/fixtures';
import type { WireBatch } from '@vantage/sdk-core/schema';
import { startPostgres } from '../test/postgres-server.js';
import type { Cleanup } from './cleanup.js';
import { startCollectorProcess, type CollectorProcess } from './collector-process.js';
import { countStored, createDatabase, storageProblems, type StoredCounts } from './database-counts.js';
import type { ServerRun } from './ingest.js';
import { forkBenchModule, type ExitStatus } from './processes.js';
import { row, type TableRow } from './report.js';
import { unwrapAnswer } from './worker-side.js';
import type { LoadJob, LoadReport, WorkerAnswer } from './worker-protocol.js';

/** Settings of the two-collector run. */
export interface MultiCollectorOptions {
  readonly batches: readonly WireBatch[];
  readonly contentType: string;
  /** Requests in flight over both collectors together. */
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly cleanup: Cleanup;
  readonly progress: (line: string) => void;
}

/** One collector's share of the load. */
export interface CollectorShare {
  readonly measured: LoadResult;
  /** The collector's CPU time during the measured run (ms), or null. */
  readonly serverCpuMs: number | null;
  readonly exit: ExitStatus;
}

/** What two collectors did together. */
export interface MultiCollectorResult {
  readonly collectors: number;
  readonly concurrencyEach: number;
  readonly shares: readonly CollectorShare[];
  /** Both collectors' measured runs as one. */
  readonly measured: LoadResult;
  readonly stored: StoredCounts;
  readonly serverLog: readonly string[];
  readonly problems: readonly string[];
}

/** Longest a load generator may run beyond its start, warm-up and duration (ms). */
const LOAD_SLACK_MS = 90_000;
/** Time for both load generators to start before they begin together (ms). */
const START_TOGETHER_MS = 5_000;
/** Longest a collector may take to drain and exit after SIGTERM (ms). */
const DRAIN_GRACE_MS = 30_000;

/**
 * Several load runs taken side by side as one: counts and rates add up, the elapsed time is the
 * longest and the latency percentiles are the worst of the parts (the merged distribution is not
 * kept). Null for no runs.
 */
export function mergeLoadResults(results: ReadonlyArray<LoadResult | null>): LoadResult | null {
  const parts = results.filter((r): r is LoadResult => r !== null);
  if (parts.length === 0) return null;
  const errors: Record<string, number> = {};
  for (const part of parts) for (const [k, n] of Object.entries(part.errors)) errors[k] = (errors[k] ?? 0) + n;
  const sum = (f: (r: LoadResult) => number) => parts.reduce((s, r) => s + f(r), 0);
  return {
    requests: sum((r) => r.requests),
    events: sum((r) => r.events),
    errors,
    ok: sum((r) => r.ok),
    acceptedEvents: sum((r) => r.acceptedEvents),
    latencyP50Ms: Math.max(...parts.map((r) => r.latencyP50Ms)),
    latencyP99Ms: Math.max(...parts.map((r) => r.latencyP99Ms)),
    eventsPerSecond: sum((r) => r.eventsPerSecond),
    elapsedMs: Math.max(...parts.map((r) => r.elapsedMs)),
  };
}

/** `batches` split into `parts` groups by session, so no two groups send the same session. */
export function splitBySession(batches: readonly WireBatch[], parts: number): WireBatch[][] {
  const groups: WireBatch[][] = Array.from({ length: parts }, () => []);
  const sessionIndex = new Map<string, number>();
  for (const batch of batches) {
    let index = sessionIndex.get(batch.sid);
    if (index === undefined) {
      index = sessionIndex.size % parts;
      sessionIndex.set(batch.sid, index);
    }
    groups[index]?.push(batch);
  }
  return groups;
}

async function drive(collector: CollectorProcess, batches: readonly WireBatch[], concurrency: number, startAtMs: number, options: MultiCollectorOptions): Promise<LoadReport> {
  const worker = forkBenchModule('load generator', './load-worker.ts');
  try {
    const lastSentAt = Math.max(...batches.map((b) => b.sentAt));
    const job: LoadJob = {
      url: `${collector.url}/api/v1/collect`,
      key: collector.publishableKey,
      contentType: options.contentType,
      concurrency,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      shiftMs: Date.now() - lastSentAt,
      batches,
      serverPid: collector.child.pid,
      startAtMs,
    };
    const timeout = START_TOGETHER_MS + options.warmupMs + options.durationMs + LOAD_SLACK_MS;
    return unwrapAnswer(worker.name, await worker.ask<WorkerAnswer<LoadReport>>(job, timeout));
  } finally {
    await worker.stop(5_000);
  }
}

/** Start PostgreSQL and two collectors on one database, load both, count, stop everything. */
export async function runMultiCollector(options: MultiCollectorOptions): Promise<MultiCollectorResult> {
  const count = 2;
  options.progress('starting PostgreSQL (initdb in a temporary folder)');
  const pg = await startPostgres();
  const stopPostgres = options.cleanup.defer('stop PostgreSQL', () => pg.stop());
  const dirs: string[] = [];
  const stops: Array<() => Promise<unknown>> = [];
  const removeDirs = options.cleanup.defer('remove the collectors’ data folders', () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  try {
    const databaseUrl = await createDatabase(pg.url, 'vantage_bench_two_collectors');
    const collectors: CollectorProcess[] = [];
    for (let i = 0; i < count; i++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'vantage-bench-collector-'));
      dirs.push(dataDir);
      const first = collectors[0];
      const collector = await startCollectorProcess({ databaseUrl, dataDir, joining: first && { projectId: first.projectId, publishableKey: first.publishableKey, secretKey: first.secretKey } });
      collectors.push(collector);
      stops.push(options.cleanup.defer(`stop collector ${i + 1}`, () => collector.child.stop(DRAIN_GRACE_MS)));
    }
    const concurrencyEach = Math.max(1, Math.round(options.concurrency / count));
    options.progress(`${count} collectors on one database, ${concurrencyEach} requests in flight to each, ${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s`);
    const groups = splitBySession(options.batches, count);
    const startAtMs = Date.now() + START_TOGETHER_MS;
    let reports: LoadReport[];
    try {
      reports = await Promise.all(collectors.map((c, i) => drive(c, groups[i] ?? [], concurrencyEach, startAtMs, options)));
    } finally {
      options.progress('  stopping both collectors (SIGTERM: each drains what it acknowledged)');
      await Promise.all(stops.map((stop) => stop()));
    }
    const exits = await Promise.all(collectors.map((c) => c.child.exited));
    const first = collectors[0] as CollectorProcess;
    const { commits: _commits, flushes: _flushes, ...counts } = await countStored(databaseUrl, first.projectId);
    const measured = mergeLoadResults(reports.map((r) => r.measured)) as LoadResult;
    const warmup = mergeLoadResults(reports.map((r) => r.warmup));
    const stored: StoredCounts = {
      ...counts,
      acknowledgedEvents: (warmup?.acceptedEvents ?? 0) + measured.acceptedEvents,
      acknowledgedBatches: (warmup?.ok ?? 0) + measured.ok,
    };
    const problems = storageProblems(stored, { warmup, measured, cpu: (reports[0] as LoadReport).cpu });
    for (const [phase, result] of [['warm-up', warmup], ['measured run', measured]] as const) {
      if (result && Object.keys(result.errors).length > 0) problems.push(`${phase}: failed requests ${JSON.stringify(result.errors)}`);
    }
    exits.forEach((exit, i) => {
      if (exit.code !== 0) problems.push(`collector ${i + 1} exited with ${exit.signal ?? `code ${exit.code}`} after SIGTERM`);
    });
    const shares = reports.map((r, i) => ({ measured: r.measured, serverCpuMs: r.cpu.serverMs, exit: exits[i] as ExitStatus }));
    const serverLog = collectors.flatMap((c, i) => c.child.stderr.map((line) => `collector ${i + 1}: ${line}`));
    return { collectors: count, concurrencyEach, shares, measured, stored, serverLog, problems };
  } finally {
    await Promise.allSettled(stops.map((stop) => stop()));
    await removeDirs();
    await stopPostgres();
  }
}

/** Progress lines for the result, next to the single collector of the same run. */
export function describeMultiCollector(result: MultiCollectorResult, single: ServerRun | undefined): string[] {
  const m = result.measured;
  const lines = result.shares.map(
    (s, i) =>
      `collector ${i + 1}: ${Math.round(s.measured.eventsPerSecond)} events/s, p50 ${s.measured.latencyP50Ms.toFixed(1)} ms, p99 ${s.measured.latencyP99Ms.toFixed(1)} ms` +
      (s.serverCpuMs === null ? '' : `, CPU ${((100 * s.serverCpuMs) / s.measured.elapsedMs).toFixed(0)} % of a core`),
  );
  const vsSingle = single ? ` (${(m.eventsPerSecond / single.measured.eventsPerSecond).toFixed(2)} × the single collector's ${Math.round(single.measured.eventsPerSecond)})` : '';
  lines.push(`together: ${Math.round(m.eventsPerSecond)} events/s${vsSingle}`);
  lines.push(`stored ${result.stored.hourlyEvents} of ${result.stored.acknowledgedEvents} acknowledged events, ${result.stored.ledgerBatches} of ${result.stored.acknowledgedBatches} batches`);
  return lines;
}

/** The rows for two collectors, against the single collector of the same run. */
export function multiCollectorRows(result: MultiCollectorResult, single: ServerRun | undefined): TableRow[] {
  const m = result.measured;
  const label = 'one collector, same run';
  return [
    row(`${result.collectors} collectors on one PostgreSQL, events/s together`, m.eventsPerSecond, single?.measured.eventsPerSecond ?? Number.NaN, label, 0),
    row(`${result.collectors} collectors, p99 latency (ms, the worse of the two)`, m.latencyP99Ms, single?.measured.latencyP99Ms ?? Number.NaN, label, 1),
    row(`${result.collectors} collectors, events stored / acknowledged`, result.stored.hourlyEvents, result.stored.acknowledgedEvents, 'acknowledged with 202', 0, {
      text: '= 1 (exactly)',
      met: (r) => r === 1,
    }),
  ];
}

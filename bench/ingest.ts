/**
 * Ingest throughput on a real PostgreSQL server. For each body type, the same load (same bodies,
 * concurrency and duration, from a separate load-generator process) goes first to the bare
 * baseline server, then to the collector on a fresh database. After the collector has drained
 * and exited, the events it stored are counted back from the database: every acknowledged event
 * must be there, exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTOR_NODE_FLAGS } from '@vantage/collector';
import type { LoadResult } from '@vantage/fixtures';
import type { WireBatch } from '@vantage/sdk-core/schema';
import { startPostgres, type PostgresServer } from '../test/postgres-server.js';
import { postgresCpuMs, postmasterPid } from './postgres-cpu.js';
import type { Cleanup } from './cleanup.js';
import { startCollectorProcess } from './collector-process.js';
import { countStored, createDatabase, storageProblems, trackFlushes, walCounters, type PostgresActivity, type StoredCounts } from './database-counts.js';
import { snapshotStoredBytes, storedBytesBetween, type StoredBytes } from './stored-bytes.js';
import type { CpuUsage } from './cpu-usage.js';
import { forkBenchModule, type ExitStatus } from './processes.js';
import { unwrapAnswer } from './worker-side.js';
import type { BareServerReady, LoadJob, LoadReport, WorkerAnswer } from './worker-protocol.js';

/** Which server a run measured. */
export type ServerKind = 'vantage' | 'bare';

/** One server under one load. */
export interface ServerRun {
  readonly server: ServerKind;
  readonly contentType: string;
  /** Requests the load generator kept in flight. */
  readonly concurrency: number;
  readonly warmup: LoadResult | null;
  readonly measured: LoadResult;
  /** 2xx answers per second of the measured run. */
  readonly requestsPerSecond: number;
  /** CPU time during the measured run: the server, the load generator, the rest. */
  readonly cpu: CpuUsage;
  /** Collector runs only: whether raw session streams were kept (`ENABLE_RAW_SESSION_RETENTION=true`). */
  readonly rawRetention?: boolean;
  /** Collector runs only. */
  readonly stored?: StoredCounts;
  /** Collector runs only: what the load added to the database, per event. */
  readonly storedBytes?: StoredBytes;
  readonly postgres?: PostgresActivity;
  readonly exit?: ExitStatus;
  /** Warnings and errors the collector logged (stderr, LOG_LEVEL=warn). */
  readonly serverLog: readonly string[];
  /** What went wrong: lost or extra events, failed requests, an unclean exit. Empty when all is well. */
  readonly problems: readonly string[];
}

/** Settings of the ingest benchmark. */
export interface IngestOptions {
  readonly batches: readonly WireBatch[];
  readonly contentTypes: readonly string[];
  readonly concurrency: number;
  /**
   * Also load both servers with this many requests in flight (msgpack, raw retention off) when
   * it is above `concurrency`: enough that the collector's thread, not the load generator's
   * window, sets its rate. 0 skips it.
   */
  readonly saturationConcurrency?: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly cpuProfileDir?: string | undefined;
  /** Also load a collector with raw retention on, for the first body type only. Default false. */
  readonly rawRetention?: boolean;
  readonly cleanup: Cleanup;
  readonly progress: (line: string) => void;
}

/** Longest the load generator may run beyond warm-up + duration: start-up and the last requests (ms). */
const LOAD_SLACK_MS = 90_000;
/** Longest the collector may take to drain and exit after SIGTERM (ms). */
const DRAIN_GRACE_MS = 30_000;

/** Run the load generator against `url` and return its report. */
async function drive(url: string, key: string, serverPid: number | undefined, contentType: string, options: IngestOptions): Promise<LoadReport> {
  const worker = forkBenchModule('load generator', './load-worker.ts');
  try {
    const lastSentAt = Math.max(...options.batches.map((b) => b.sentAt));
    const job: LoadJob = {
      url: `${url}/api/v1/collect`,
      key,
      contentType,
      concurrency: options.concurrency,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      shiftMs: Date.now() - lastSentAt,
      batches: options.batches,
      serverPid,
    };
    const timeout = options.warmupMs + options.durationMs + LOAD_SLACK_MS;
    return unwrapAnswer(worker.name, await worker.ask<WorkerAnswer<LoadReport>>(job, timeout));
  } finally {
    await worker.stop(5_000);
  }
}

function requestProblems(report: LoadReport): string[] {
  const problems: string[] = [];
  for (const [phase, result] of [['warm-up', report.warmup], ['measured run', report.measured]] as const) {
    if (result && Object.keys(result.errors).length > 0) problems.push(`${phase}: failed requests ${JSON.stringify(result.errors)}`);
  }
  return problems;
}

function runOf(server: ServerKind, contentType: string, concurrency: number, report: LoadReport, extra: Partial<ServerRun> = {}): ServerRun {
  const m = report.measured;
  return {
    server,
    contentType,
    concurrency,
    warmup: report.warmup,
    measured: m,
    requestsPerSecond: m.elapsedMs > 0 ? (m.ok * 1000) / m.elapsedMs : 0,
    cpu: report.cpu,
    serverLog: [],
    problems: requestProblems(report),
    ...extra,
  };
}

async function runBare(contentType: string, options: IngestOptions): Promise<ServerRun> {
  // The collector's Node flags, so both servers run on the same heap settings.
  const server = forkBenchModule('bare server', './bare-server.ts', process.env, COLLECTOR_NODE_FLAGS);
  const stopServer = options.cleanup.defer('stop the bare server', () => server.stop(5_000));
  try {
    const { port } = unwrapAnswer(server.name, await server.ask<WorkerAnswer<BareServerReady>>({}, 30_000));
    const report = await drive(`http://127.0.0.1:${port}`, 'pk_bare_baseline', server.pid, contentType, options);
    return runOf('bare', contentType, options.concurrency, report);
  } finally {
    await stopServer();
  }
}

async function runCollector(pg: PostgresServer, database: string, contentType: string, options: IngestOptions, rawRetention = false): Promise<ServerRun> {
  const databaseUrl = await createDatabase(pg.url, database);
  await trackFlushes(databaseUrl);
  const dataDir = await mkdtemp(join(tmpdir(), 'vantage-bench-collector-'));
  const removeDataDir = options.cleanup.defer('remove the collector data folder', () => rm(dataDir, { recursive: true, force: true }));
  try {
    const walBefore = await walCounters(pg.url);
    const postmaster = await postmasterPid(databaseUrl);
    const collector = await startCollectorProcess({ databaseUrl: databaseUrl, dataDir, cpuProfileDir: options.cpuProfileDir, env: rawRetention ? { ENABLE_RAW_SESSION_RETENTION: 'true' } : {} });
    const bytesBefore = await snapshotStoredBytes(databaseUrl);
    const stopCollector = options.cleanup.defer('stop the collector', () => collector.child.stop(DRAIN_GRACE_MS));
    let report: LoadReport;
    // Read while the collector's connections live: a backend's CPU time leaves with it.
    const postgresCpuBefore = postgresCpuMs(postmaster);
    let postgresCpuAfter: number | null = null;
    try {
      report = await drive(collector.url, collector.publishableKey, collector.child.pid, contentType, options);
      postgresCpuAfter = postgresCpuMs(postmaster);
    } finally {
      options.progress('  stopping the collector (SIGTERM: it drains what it acknowledged)');
      await stopCollector();
    }
    const exit = await collector.child.exited;
    const { commits, flushes, ...counts } = await countStored(databaseUrl, collector.projectId);
    const walAfter = await walCounters(pg.url);
    const postgresActivity: PostgresActivity = { commits, flushes, walSyncs: walAfter.syncs - walBefore.syncs, walBytes: walAfter.bytes - walBefore.bytes,
      cpuMs: postgresCpuBefore === null || postgresCpuAfter === null ? null : postgresCpuAfter - postgresCpuBefore,
    };
    const stored: StoredCounts = {
      ...counts,
      acknowledgedEvents: (report.warmup?.acceptedEvents ?? 0) + report.measured.acceptedEvents,
      acknowledgedBatches: (report.warmup?.ok ?? 0) + report.measured.ok,
    };
    const storedBytes = storedBytesBetween(bytesBefore, await snapshotStoredBytes(databaseUrl), counts.hourlyEvents);
    const run = runOf('vantage', contentType, options.concurrency, report, { rawRetention, stored, storedBytes, postgres: postgresActivity, exit, serverLog: [...collector.child.stderr] });
    const problems = [...run.problems, ...storageProblems(stored, report)];
    if (exit.code !== 0) problems.push(`the collector exited with ${exit.signal ?? `code ${exit.code}`} after SIGTERM`);
    return { ...run, problems };
  } finally {
    await removeDataDir();
  }
}

/** CPU time of the server per event of the measured run (µs), or NaN. */
export function serverCpuPerEventUs(run: ServerRun): number {
  const events = (run.measured.eventsPerSecond * run.measured.elapsedMs) / 1000;
  return run.cpu.serverMs === null || events === 0 ? Number.NaN : (run.cpu.serverMs * 1000) / events;
}

function describeRun(run: ServerRun): string[] {
  const m = run.measured;
  const c = run.cpu;
  const share = (ms: number | null) => (ms === null ? 'n/a' : `${((100 * ms) / c.wallMs).toFixed(0)} %`);
  const lines = [
    `${run.server === 'vantage' ? `Vantage collector${run.rawRetention ? ' (raw retention on)' : ''}` : 'bare node:http'}: ${Math.round(m.eventsPerSecond)} events/s, ` +
      `${Math.round(run.requestsPerSecond)} requests/s, p50 ${m.latencyP50Ms.toFixed(1)} ms, p99 ${m.latencyP99Ms.toFixed(1)} ms`,
    `  CPU (of ${c.cores} cores = ${c.cores * 100} %): server ${share(c.serverMs)}, load generator ${share(c.loadGeneratorMs)}, ` +
      `other ${share(c.otherMs)}, idle ${share(c.cores * c.wallMs - c.machineBusyMs)}; server ${serverCpuPerEventUs(run).toFixed(2)} µs CPU/event`,
  ];
  if (c.loadGeneratorMs > 0.9 * c.wallMs) {
    lines.push('  the load generator used a whole core: this is its ceiling, the server could take more');
  }
  if (run.stored) lines.push(`  stored ${run.stored.hourlyEvents} of ${run.stored.acknowledgedEvents} acknowledged events`);
  if (run.stored && run.postgres) {
    const p = run.postgres;
    lines.push(
      `  PostgreSQL: ${p.commits} commits, ${p.flushes === null ? 'flushes not counted' : `${p.flushes} flushes (${(run.stored.ledgerBatches / Math.max(1, p.flushes)).toFixed(1)} batches each)`}, ` +
        `${p.walSyncs} WAL fsyncs, ${(p.walBytes / run.stored.hourlyEvents).toFixed(1)} WAL bytes/event, ` +
        `${p.cpuMs === null ? 'CPU n/a' : `${((p.cpuMs * 1000) / run.stored.acknowledgedEvents).toFixed(2)} µs CPU/event (warm-up included; not the drain)`}`,
    );
  }
  if (run.storedBytes) {
    const b = run.storedBytes;
    const top = b.growthByTable.slice(0, 3).map((t) => `${t.table} ${(t.bytes / b.events).toFixed(1)}`).join(', ');
    lines.push(`  stored ${b.totalBytesPerEvent.toFixed(1)} B/event in all tables and indexes (${top}), raw streams ${b.streamBytesPerEvent.toFixed(1)} B/event`);
  }
  return lines;
}

/** `json` or `msgpack`, for progress lines and database names. */
function bodyLabel(contentType: string): string {
  return contentType.includes('json') ? 'json' : 'msgpack';
}

/** What {@link runIngest} measured. */
export interface IngestResult {
  /** Every body type on both servers at `concurrency` (and raw retention on, when asked). */
  readonly runs: ServerRun[];
  /**
   * Both servers at `saturationConcurrency`, the first body type, then the bare server once more at
   * `concurrency` (`bareAgain`: its rate varies by a third from run to run on a shared machine,
   * and the goal is judged on its best); null when not asked for.
   */
  readonly saturation: { readonly bare: ServerRun; readonly vantage: ServerRun; readonly bareAgain: ServerRun } | null;
}

/** Start PostgreSQL, run every body type against both servers, stop PostgreSQL. */
export async function runIngest(options: IngestOptions): Promise<IngestResult> {
  options.progress('starting PostgreSQL (initdb in a temporary folder)');
  const pg = await startPostgres();
  const stopPostgres = options.cleanup.defer('stop PostgreSQL', () => pg.stop());
  try {
    const runs: ServerRun[] = [];
    for (const contentType of options.contentTypes) {
      const label = bodyLabel(contentType);
      options.progress(`${label} bodies, concurrency ${options.concurrency}, ${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s:`);
      const bare = await runBare(contentType, options);
      for (const line of describeRun(bare)) options.progress(`  ${line}`);
      runs.push(bare);
      const vantage = await runCollector(pg, `vantage_bench_${label}`, contentType, options);
      for (const line of describeRun(vantage)) options.progress(`  ${line}`);
      runs.push(vantage);
      if (options.rawRetention && contentType === options.contentTypes[0]) {
        const raw = await runCollector(pg, `vantage_bench_${label}_raw`, contentType, options, true);
        for (const line of describeRun(raw)) options.progress(`  ${line}`);
        runs.push(raw);
      }
    }
    const saturationConcurrency = options.saturationConcurrency ?? 0;
    let saturation: IngestResult['saturation'] = null;
    const contentType = options.contentTypes[0];
    if (saturationConcurrency > options.concurrency && contentType !== undefined) {
      const heavy: IngestOptions = { ...options, concurrency: saturationConcurrency };
      options.progress(`${bodyLabel(contentType)} bodies, concurrency ${saturationConcurrency} (the collector's thread busy), ${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s:`);
      const bare = await runBare(contentType, heavy);
      for (const line of describeRun(bare)) options.progress(`  ${line}`);
      const vantage = await runCollector(pg, 'vantage_bench_saturation', contentType, heavy);
      for (const line of describeRun(vantage)) options.progress(`  ${line}`);
      options.progress(`${bodyLabel(contentType)} bodies, concurrency ${options.concurrency} again, the bare server only:`);
      const bareAgain = await runBare(contentType, options);
      for (const line of describeRun(bareAgain)) options.progress(`  ${line}`);
      saturation = { bare, vantage, bareAgain };
    }
    return { runs, saturation };
  } finally {
    await stopPostgres();
  }
}

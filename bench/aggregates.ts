/**
 * Issue 5's benchmark: the aggregates after a large ingest. On a fresh PostgreSQL server the
 * built collector (raw retention off, the default) ingests `events` simulated events — copies of
 * simulated sessions with every opt-in channel on, each from its own visitor and spread over the
 * 7 days before the run (`aggregates-traffic.ts`) — from several load-generator processes. Then:
 * the storage per accepted event (every table after VACUUM ANALYZE), and the latency of every
 * aggregate query next to a trivial authenticated route asked the same way (`query-latency.ts`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_VISITOR_SCENES, GLAM_VELVET_SOFA, simulateVisitors } from '@vantage/fixtures';
import { encodeBatchBytes } from '@vantage/sdk-core';
import { OPT_IN_CHANNELS } from '@vantage/sdk-core/schema';
import { startPostgres } from '../test/postgres-server.js';
import type { AggregateLoadJob, AggregateLoadReport } from './aggregates-load-worker.js';
import { SPREAD_MS, type TrafficSession } from './aggregates-traffic.js';
import type { Cleanup } from './cleanup.js';
import { startCollectorProcess, type CollectorProcess } from './collector-process.js';
import { createDatabase } from './database-counts.js';
import { cpuBetween, takeCpuSnapshot, type CpuUsage } from './cpu-usage.js';
import { postgresCpuMs, postmasterPid } from './postgres-cpu.js';
import { forkBenchModule, type ExitStatus } from './processes.js';
import { aggregateQueries, baselineQuery, measureQueries, QUERY_P95_GOAL_MS, type QueryLatency, type QuerySpec } from './query-latency.js';
import { accountStorage, measureTables, type StorageAccount } from './storage-bytes.js';
import { unwrapAnswer } from './worker-side.js';
import type { WorkerAnswer } from './worker-protocol.js';

/** Settings of the section (see `config.ts`, `BENCH_AGG_*`). */
export interface AggregatesOptions {
  readonly events: number;
  readonly sessions: number;
  readonly seed: number;
  readonly workers: number;
  readonly concurrency: number;
  readonly maxIngestMs: number;
  readonly rounds: number;
  readonly warmupRounds: number;
  readonly cleanup: Cleanup;
  readonly progress: (line: string) => void;
}

/** The ingest before the queries. */
export interface AggregateIngest {
  readonly requestedEvents: number;
  readonly workers: number;
  readonly concurrencyPerWorker: number;
  /** Wall time from the first request of any worker to the last answer of all (ms; process start-up not included). */
  readonly elapsedMs: number;
  readonly requests: number;
  readonly sentEvents: number;
  /** Sum of `accepted` of the 202 answers. */
  readonly acceptedEvents: number;
  readonly eventsPerSecond: number;
  readonly sessionCopies: number;
  /** Batches given up on after retries, by last answer. */
  readonly errors: Record<string, number>;
  /** Answers after which a batch was sent again (429, 5xx, network), by status. */
  readonly retried: Record<string, number>;
  /** CPU time during the ingest (load-generator start-up included): the collector's, and the whole machine's busy time. */
  readonly cpu: CpuUsage;
  /** PostgreSQL's CPU time during the ingest (ms; its processes that exited meanwhile not counted), or null. */
  readonly postgresCpuMs: number | null;
  /** The collector's CPU time per accepted event (µs). */
  readonly collectorCpuPerEventUs: number;
  readonly perWorker: readonly AggregateLoadReport[];
}

/** Everything the section measured. */
export interface AggregatesResult {
  readonly sample: { readonly sessions: number; readonly batches: number; readonly events: number; readonly wireBytesPerEvent: number };
  readonly ingest: AggregateIngest;
  readonly storage: StorageAccount;
  readonly queries: readonly QueryLatency[];
  readonly baseline: QueryLatency;
  readonly goalP95Ms: number;
  /** `totals.events` of the activity query over all scenes (the default window): must equal the accepted events. */
  readonly activityEvents: number | null;
  readonly exit: ExitStatus | null;
  readonly serverLog: readonly string[];
  readonly problems: readonly string[];
}

/** Issue 5's scale for the query benchmark: at least this many events ingested first. */
export const AGGREGATE_EVENTS_GOAL = 10_000_000;

/** The funnel whose report is timed: the sofa scene, its fabric clicked, a variant chosen, added to cart. */
const FUNNEL = {
  name: 'Sofa: fabric to cart',
  steps: [
    { kind: 'scene', scene: DEFAULT_VISITOR_SCENES[0] },
    { kind: 'mesh_click', mesh: 'GlamVelvetSofa_fabric' },
    { kind: 'custom', name: 'variant_selected' },
    { kind: 'custom', name: 'add_to_cart' },
  ],
};

/** Longest the collector may take to drain and exit after SIGTERM (ms). */
const DRAIN_GRACE_MS = 30_000;

/** Simulate the sessions to copy, every opt-in channel on, batched as the SDK batches (50 events or 5 s). */
function simulateTraffic(sessions: number, seed: number): TrafficSession[] {
  const out: TrafficSession[] = [];
  for (const s of simulateVisitors({ sessions, seed, optIn: true })) {
    out.push({ sid: s.sid, device: s.profile.device, chromium: s.profile.reportsHeap, batches: s.batches });
  }
  return out;
}

async function callJson(collector: CollectorProcess, method: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${collector.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${collector.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the message.
  }
  return { status: res.status, json };
}

/** Switch every opt-in channel on for the scenes and register the sofa's bounds; save the funnel. */
async function prepareProject(collector: CollectorProcess, scenes: readonly string[], problems: string[]): Promise<string> {
  const capture = Object.fromEntries(OPT_IN_CHANNELS.map((c) => [c, true]));
  const { min, max } = GLAM_VELVET_SOFA.bounds;
  for (const scene of scenes) {
    const put = await callJson(collector, 'PUT', `/api/v1/scenes/${encodeURIComponent(scene)}`, { capture, bounds: { min: [...min], max: [...max] } });
    if (put.status !== 200) throw new Error(`bench: PUT /api/v1/scenes/${scene} answered ${put.status}: ${JSON.stringify(put.json)}`);
  }
  const funnel = await callJson(collector, 'POST', '/api/v1/funnels', FUNNEL);
  const id = (funnel.json as { id?: unknown } | null)?.id;
  if (funnel.status !== 201 || typeof id !== 'string') {
    problems.push(`POST /api/v1/funnels answered ${funnel.status}: ${JSON.stringify(funnel.json).slice(0, 200)}`);
    return 'not-saved';
  }
  return id;
}

async function ingest(collector: CollectorProcess, postmaster: number | null, traffic: readonly TrafficSession[], options: AggregatesOptions): Promise<AggregateIngest> {
  const lastSentAt = Math.max(...traffic.flatMap((s) => s.batches.map((b) => b.sentAt)));
  const shiftMs = Date.now() - lastSentAt;
  const share = Math.ceil(options.events / options.workers);
  const workers = Array.from({ length: options.workers }, (_, i) => forkBenchModule(`aggregates load generator ${i + 1}`, './aggregates-load-worker.ts'));
  const stops = workers.map((w) => options.cleanup.defer(`stop ${w.name}`, () => w.stop(5_000)));
  const before = takeCpuSnapshot(collector.child.pid);
  const postgresBefore = postgresCpuMs(postmaster);
  try {
    const reports = await Promise.all(
      workers.map(async (worker, i) => {
        const job: AggregateLoadJob = {
          url: `${collector.url}/api/v1/collect`,
          key: collector.publishableKey,
          worker: i,
          sessions: traffic,
          events: Math.max(0, Math.min(share, options.events - i * share)),
          concurrency: options.concurrency,
          maxMs: options.maxIngestMs,
          shiftMs,
        };
        return unwrapAnswer(worker.name, await worker.ask<WorkerAnswer<AggregateLoadReport>>(job, options.maxIngestMs + 120_000));
      }),
    );
    const cpu = cpuBetween(before, takeCpuSnapshot(collector.child.pid));
    const postgresAfter = postgresCpuMs(postmaster);
    const elapsedMs = Math.max(...reports.map((r) => r.endedAt)) - Math.min(...reports.map((r) => r.startedAt));
    const sum = (f: (r: AggregateLoadReport) => number) => reports.reduce((n, r) => n + f(r), 0);
    const merge = (pick: (r: AggregateLoadReport) => Record<string, number>) => {
      const out: Record<string, number> = {};
      for (const r of reports) for (const [k, n] of Object.entries(pick(r))) out[k] = (out[k] ?? 0) + n;
      return out;
    };
    const acceptedEvents = sum((r) => r.acceptedEvents);
    return {
      requestedEvents: options.events,
      workers: options.workers,
      concurrencyPerWorker: options.concurrency,
      elapsedMs,
      requests: sum((r) => r.requests),
      sentEvents: sum((r) => r.events),
      acceptedEvents,
      eventsPerSecond: (acceptedEvents * 1000) / elapsedMs,
      sessionCopies: sum((r) => r.sessionCopies),
      errors: merge((r) => r.errors),
      retried: merge((r) => r.retried),
      cpu,
      postgresCpuMs: postgresBefore === null || postgresAfter === null ? null : postgresAfter - postgresBefore,
      collectorCpuPerEventUs: cpu.serverMs === null || acceptedEvents === 0 ? Number.NaN : (cpu.serverMs * 1000) / acceptedEvents,
      perWorker: reports,
    };
  } finally {
    await Promise.all(stops.map((stop) => stop()));
  }
}

const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : 'n/a');

/** Run the section; see the module comment. */
export async function runAggregates(options: AggregatesOptions): Promise<AggregatesResult> {
  const problems: string[] = [];
  options.progress(`simulating ${options.sessions} sessions with every opt-in channel on (seed ${options.seed}), batched as the SDK batches`);
  const traffic = simulateTraffic(options.sessions, options.seed);
  const batches = traffic.flatMap((s) => s.batches);
  const sampleEvents = batches.reduce((n, b) => n + b.events.length, 0);
  const wireBytes = batches.reduce((n, b) => n + encodeBatchBytes(b).byteLength, 0);
  const sample = { sessions: traffic.length, batches: batches.length, events: sampleEvents, wireBytesPerEvent: wireBytes / sampleEvents };
  options.progress(`  ${sampleEvents} events in ${batches.length} batches (${(sampleEvents / batches.length).toFixed(1)} events/batch, ${sample.wireBytesPerEvent.toFixed(1)} B/event on the wire)`);

  options.progress('starting PostgreSQL (initdb in a temporary folder)');
  const pg = await startPostgres();
  const stopPostgres = options.cleanup.defer('stop PostgreSQL (aggregates)', () => pg.stop());
  const dataDir = await mkdtemp(join(tmpdir(), 'vantage-bench-aggregates-'));
  const removeDataDir = options.cleanup.defer('remove the aggregates collector data folder', () => rm(dataDir, { recursive: true, force: true }));
  try {
    const databaseUrl = await createDatabase(pg.url, 'vantage_bench_aggregates');
    const collector = await startCollectorProcess({
      databaseUrl,
      dataDir,
      // One proxy hop: the load generators name each visitor's address in X-Forwarded-For.
      env: { ENABLE_RAW_SESSION_RETENTION: 'false', TRUST_PROXY: '1' },
    });
    const stopCollector = options.cleanup.defer('stop the aggregates collector', () => collector.child.stop(DRAIN_GRACE_MS));
    let result: Omit<AggregatesResult, 'exit' | 'serverLog' | 'problems'>;
    try {
      const scenes = [...new Set(traffic.map((s) => s.batches[0]?.scene).filter((s): s is string => s !== undefined))].sort();
      const funnelId = await prepareProject(collector, scenes, problems);

      options.progress(
        `ingesting ${options.events.toLocaleString('en-US')} events: ${options.workers} load generators × ${options.concurrency} requests in flight, ` +
          `each copy of a session from its own visitor, times spread over the last ${(SPREAD_MS / 86_400_000).toFixed(2)} days (at most ${Math.round(options.maxIngestMs / 1000)} s)`,
      );
      const load = await ingest(collector, await postmasterPid(databaseUrl), traffic, options);
      options.progress(
        `  ${load.acceptedEvents.toLocaleString('en-US')} events accepted in ${(load.elapsedMs / 1000).toFixed(1)} s: ${Math.round(load.eventsPerSecond).toLocaleString('en-US')} events/s, ` +
          `${load.requests.toLocaleString('en-US')} requests, ${load.sessionCopies.toLocaleString('en-US')} sessions`,
      );
      const c = load.cpu;
      const generators = load.perWorker.reduce((n, r) => n + r.cpuMs, 0);
      const share = (ms: number | null) => (ms === null ? 'n/a' : `${((100 * ms) / c.wallMs).toFixed(0)} %`);
      options.progress(
        `  CPU (of ${c.cores} cores = ${c.cores * 100} %): collector ${share(c.serverMs)}, PostgreSQL ${share(load.postgresCpuMs)}, load generators ${share(generators)}, ` +
          `other processes ${share(c.machineBusyMs - (c.serverMs ?? 0) - (load.postgresCpuMs ?? 0) - generators)}, ` +
          `idle ${share(c.cores * c.wallMs - c.machineBusyMs)}; collector ${load.collectorCpuPerEventUs.toFixed(1)} µs CPU/event`,
      );
      if (Object.keys(load.retried).length > 0) problems.push(`ingest: answers that made the load generators send a batch again ${JSON.stringify(load.retried)}`);
      if (Object.keys(load.errors).length > 0) problems.push(`ingest: batches given up on after retries ${JSON.stringify(load.errors)}`);
      if (load.acceptedEvents !== load.sentEvents) problems.push(`ingest: ${load.sentEvents - load.acceptedEvents} of ${load.sentEvents} sent events were not accepted`);

      options.progress('VACUUM ANALYZE, then the size of every table');
      const storage = accountStorage(await measureTables(databaseUrl), load.acceptedEvents);
      options.progress(`  ${(storage.totalBytes / 2 ** 20).toFixed(1)} MiB in ${storage.tables.length} tables: ${storage.bytesPerEvent.toFixed(2)} B per accepted event; largest:`);
      for (const t of storage.tables.slice(0, 6)) {
        options.progress(`    ${t.table.padEnd(32)} ${(t.totalBytes / 2 ** 20).toFixed(1).padStart(8)} MiB  ${t.bytesPerEvent.toFixed(2).padStart(6)} B/event  ${t.rows.toLocaleString('en-US').padStart(11)} rows`);
      }

      const scene = DEFAULT_VISITOR_SCENES[0] as string;
      const queries = aggregateQueries({ scene, funnelId });
      const baselineSpec = baselineQuery(scene);
      options.progress(`timing ${queries.length} queries and the baseline: ${options.warmupRounds} warm-up rounds, then ${options.rounds}, one request at a time`);
      let activityEvents: number | null = null;
      const onFirstAnswer = (q: QuerySpec, body: unknown) => {
        if (q.path === '/api/v1/activity?interval=hour') {
          const events = (body as { totals?: { events?: unknown } } | null)?.totals?.events;
          activityEvents = typeof events === 'number' ? events : null;
        }
      };
      const measured = await measureQueries({
        baseUrl: collector.url,
        keys: { sk: collector.secretKey, pk: collector.publishableKey },
        queries: [...queries, baselineSpec],
        warmupRounds: options.warmupRounds,
        rounds: options.rounds,
        onFirstAnswer,
      });
      const baseline = measured[measured.length - 1] as QueryLatency;
      const timed = measured.slice(0, -1);
      for (const q of measured) {
        const mark = q === baseline ? '' : q.p95Ms < QUERY_P95_GOAL_MS ? '  ✓' : '  ✗';
        options.progress(`  ${q.label.padEnd(48)} p50 ${fmt(q.p50Ms).padStart(6)}  p95 ${fmt(q.p95Ms).padStart(6)}  p99 ${fmt(q.p99Ms).padStart(6)} ms  ${String(q.bodyBytes).padStart(7)} B${mark}`);
        if (Object.keys(q.failures).length > 0) problems.push(`${q.path}: answers other than 200 ${JSON.stringify(q.failures)}`);
      }
      if (activityEvents !== load.acceptedEvents) {
        problems.push(`GET /api/v1/activity counts ${String(activityEvents)} events in the default window; ${load.acceptedEvents} were accepted`);
      }
      result = { sample, ingest: load, storage, queries: timed, baseline, goalP95Ms: QUERY_P95_GOAL_MS, activityEvents };
    } finally {
      options.progress('stopping the collector');
      await stopCollector();
    }
    const exit = await collector.child.exited;
    if (exit.code !== 0) problems.push(`the collector exited with ${exit.signal ?? `code ${exit.code}`} after SIGTERM`);
    return { ...result, exit, serverLog: [...collector.child.stderr], problems };
  } finally {
    await removeDataDir();
    await stopPostgres();
  }
}

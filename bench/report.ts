/**
 * Turning measurements into the comparison table: one row per measure with our number, the
 * baseline measured in the same run, their ratio and the goal; printed as markdown for the README.
 */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { AGGREGATE_EVENTS_GOAL, type AggregatesResult } from './aggregates.js';
import { BUNDLE_GOAL_BYTES, DEMO_WIRE_GOAL_BYTES, FRAME_COST_GOAL_MS, type ConnectorBenchResult } from './connector.js';
import { SEEK_GOAL_MS, type ReplayBenchResult } from './replay.js';
import type { R3fBenchResult } from './r3f.js';
import type { DecodeValidateResult } from './decode-validate.js';
import { serverCpuPerEventUs, type IngestResult, type ServerRun } from './ingest.js';
import { ratio } from './stats.js';
import { COMPETITOR_JSON_BYTES_PER_EVENT, MSGPACK_GOAL_BYTES_PER_EVENT, type WireSizeResult } from './wire-size.js';

/** One row of the comparison. */
export interface TableRow {
  readonly measure: string;
  readonly vantage: number;
  readonly baseline: number;
  /** How the baseline was obtained, e.g. "bare node:http". */
  readonly baselineLabel: string;
  /** `vantage / baseline`. */
  readonly ratio: number;
  /** The goal as text, or "—". */
  readonly goal: string;
  /** Whether the goal is met; null when there is none. */
  readonly met: boolean | null;
  /** Decimals to print the two values with. */
  readonly decimals: number;
}

/** Where the benchmark ran. */
export interface MachineInfo {
  readonly os: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryGiB: number;
  readonly node: string;
  /** 1-minute load average when the run started: anything else running skews the numbers. */
  readonly loadAverage: number;
}

/** This machine. */
export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    os: `${platform()} ${release()}`,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/** One row; `goal.met` is given the ratio. */
export function row(measure: string, vantage: number, baseline: number, baselineLabel: string, decimals: number, goal?: { text: string; met: (r: number) => boolean }): TableRow {
  const r = ratio(vantage, baseline);
  return { measure, vantage, baseline, baselineLabel, ratio: r, goal: goal?.text ?? '—', met: goal && Number.isFinite(r) ? goal.met(r) : null, decimals };
}

/** The rows for wire size. */
export function wireSizeRows(wire: WireSizeResult): TableRow[] {
  return [
    row('wire size, msgpack (B/event, 50-event batches, envelope included)', wire.msgpackBytesPerEvent, COMPETITOR_JSON_BYTES_PER_EVENT, 'competitor JSON, reference', 1, {
      text: `≤ ${MSGPACK_GOAL_BYTES_PER_EVENT} B/event`,
      met: () => wire.msgpackBytesPerEvent <= MSGPACK_GOAL_BYTES_PER_EVENT,
    }),
    row('wire size, JSON content type (B/event)', wire.jsonBytesPerEvent, COMPETITOR_JSON_BYTES_PER_EVENT, 'competitor JSON, reference', 1),
  ];
}

/** The rows for decoding and validation (µs per 50-event batch). */
export function decodeValidateRows(result: DecodeValidateResult): TableRow[] {
  const t = result.timings;
  const us = (name: keyof typeof t) => t[name].microsPerBatch.median;
  return [
    row('decode msgpack (µs/batch) vs JSON.parse', us('msgpack-unpack'), us('json-parse'), 'JSON.parse', 1),
    row('validate + decode events, ours (µs/batch) vs msgpack decode', us('ours'), us('msgpack-unpack'), 'msgpackr unpack', 1, {
      text: '< 1',
      met: (r) => r < 1,
    }),
    row('validate, ours (µs/batch) vs ajv 8', us('ours'), us('ajv'), 'ajv 8 on event objects', 1),
    row('validate, ours (µs/batch) vs zod 4', us('ours'), us('zod'), 'zod 4 on event objects', 1),
    row('validate event objects, TypeBox (µs/batch) vs ajv 8, same steps', us('typebox-objects'), us('ajv'), 'ajv 8', 1),
  ];
}

/** The rows for ingest: every body type measured on both servers. */
export function ingestRows(runs: readonly ServerRun[]): TableRow[] {
  const rows: TableRow[] = [];
  const types = [...new Set(runs.map((r) => r.contentType))];
  for (const contentType of types) {
    const ours = runs.find((r) => r.server === 'vantage' && !r.rawRetention && r.contentType === contentType);
    const bare = runs.find((r) => r.server === 'bare' && r.contentType === contentType);
    if (!ours || !bare) continue;
    const label = contentType.includes('json') ? 'JSON' : 'msgpack';
    const primary = label === 'msgpack';
    const base = 'bare node:http + decode';
    rows.push(
      row(`ingest ${label}, events/s (collector on PostgreSQL)`, ours.measured.eventsPerSecond, bare.measured.eventsPerSecond, base, 0,
        primary ? { text: '≥ 0.5', met: (r) => r >= 0.5 } : undefined),
      row(`ingest ${label}, requests/s`, ours.requestsPerSecond, bare.requestsPerSecond, base, 0),
      row(`ingest ${label}, p50 latency (ms)`, ours.measured.latencyP50Ms, bare.measured.latencyP50Ms, base, 1),
      row(`ingest ${label}, p99 latency (ms)`, ours.measured.latencyP99Ms, bare.measured.latencyP99Ms, base, 1),
      row(`ingest ${label}, server CPU per event (µs; PostgreSQL not included)`, serverCpuPerEventUs(ours), serverCpuPerEventUs(bare), base, 2),
    );
    const postgresCpuMs = ours.postgres?.cpuMs;
    if (ours.stored && postgresCpuMs !== undefined && postgresCpuMs !== null && ours.stored.acknowledgedEvents > 0) {
      const postgresUs = (postgresCpuMs * 1000) / ours.stored.acknowledgedEvents;
      rows.push(row(`ingest ${label}, collector + PostgreSQL CPU per event (µs)`, serverCpuPerEventUs(ours) + postgresUs, serverCpuPerEventUs(bare), base, 2));
    }
    if (ours.stored) {
      rows.push(row(`ingest ${label}, events stored / acknowledged`, ours.stored.hourlyEvents, ours.stored.acknowledgedEvents, 'acknowledged with 202', 0, {
        text: '= 1 (exactly)',
        met: (r) => r === 1,
      }));
    }
  }
  return rows;
}

/**
 * The rows for both servers with the saturation load's requests in flight (msgpack): the rate,
 * its latency and the collector's CPU per event, each against the bare server under the same
 * load; then the goal, judged strictly: the collector's best rate under either load against the
 * bare server's best of all its runs (`standard`: the msgpack runs at the usual load; `bareAgain`:
 * the bare server once more at that load).
 */
export function saturationRows(standard: readonly ServerRun[], saturation: NonNullable<IngestResult['saturation']>): TableRow[] {
  const { bare, vantage: ours } = saturation;
  const base = `bare node:http + decode, ${bare.concurrency} in flight`;
  const label = `ingest msgpack, ${ours.concurrency} in flight`;
  const rows = [
    row(`${label}, events/s (collector on PostgreSQL)`, ours.measured.eventsPerSecond, bare.measured.eventsPerSecond, base, 0),
    row(`${label}, p50 latency (ms)`, ours.measured.latencyP50Ms, bare.measured.latencyP50Ms, base, 1),
    row(`${label}, p99 latency (ms)`, ours.measured.latencyP99Ms, bare.measured.latencyP99Ms, base, 1),
    row(`${label}, server CPU per event (µs; PostgreSQL not included)`, serverCpuPerEventUs(ours), serverCpuPerEventUs(bare), base, 2),
  ];
  if (ours.stored) {
    rows.push(row(`${label}, events stored / acknowledged`, ours.stored.hourlyEvents, ours.stored.acknowledgedEvents, 'acknowledged with 202', 0, {
      text: '= 1 (exactly)',
      met: (r) => r === 1,
    }));
  }
  const same = (r: ServerRun, server: ServerRun['server']) => r.server === server && !r.rawRetention && r.contentType === ours.contentType;
  const ourRuns = [ours, ...standard.filter((r) => same(r, 'vantage'))];
  const bareRuns = [bare, ...standard.filter((r) => same(r, 'bare')), saturation.bareAgain];
  const best = (runs: readonly ServerRun[]) => runs.reduce((a, b) => (b.measured.eventsPerSecond > a.measured.eventsPerSecond ? b : a));
  const ourBest = best(ourRuns);
  const bareBest = best(bareRuns);
  const loads = [...new Set([...ourRuns, ...bareRuns].map((r) => r.concurrency))].sort((a, b) => a - b).join(' or ');
  rows.push(row(`ingest msgpack, best rate under either load (${loads} in flight; ours at ${ourBest.concurrency}), events/s`,
    ourBest.measured.eventsPerSecond, bareBest.measured.eventsPerSecond, `bare node:http + decode, its best (at ${bareBest.concurrency})`, 0,
    { text: '≥ 0.5', met: (r) => r >= 0.5 }));
  return rows;
}

function formatNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value === 1) return '1';
  return value >= 10 ? value.toFixed(0) : value.toPrecision(2);
}

/** The rows as a markdown table: measure, Vantage, baseline, ratio, goal (✓ met, ✗ missed). */
export function markdownTable(rows: readonly TableRow[]): string {
  const lines = ['| measure | Vantage | baseline | ratio | goal |', '| --- | ---: | ---: | ---: | --- |'];
  for (const r of rows) {
    const mark = r.met === null ? '' : r.met ? ' ✓' : ' ✗';
    lines.push(`| ${r.measure} | ${formatNumber(r.vantage, r.decimals)} | ${formatNumber(r.baseline, r.decimals)} (${r.baselineLabel}) | ${formatRatio(r.ratio)} | ${r.goal}${mark} |`);
  }
  return lines.join('\n');
}

/** One line naming where and how the table was measured, to print above it. */
export function tableCaption(machine: MachineInfo, date: Date, details: string): string {
  return `Measured ${date.toISOString().slice(0, 10)} on ${machine.cpuCount} × ${machine.cpuModel}, ${machine.os}, Node ${machine.node}; ${details}.`;
}

/** The rows for the three.js connector. */
export function connectorRows(c: ConnectorBenchResult): TableRow[] {
  const f = c.frames;
  const rows: TableRow[] = [
    row(
      `connector, ms per frame inside its hook (${f.meshes} meshes, every channel on, pointer moving, camera orbiting)`,
      f.hookMs,
      f.withoutConnectorMs,
      'whole frame without the connector',
      3,
      { text: `< ${FRAME_COST_GOAL_MS} ms/frame`, met: () => f.hookMs < FRAME_COST_GOAL_MS },
    ),
    row('connector, ms per frame, whole frame with it vs without (SwiftShader; noisy)', f.withConnectorMs, f.withoutConnectorMs, 'same page without the connector', 1),
  ];
  if (c.demo) {
    rows.push(
      row('wire size of a recorded demo session (B/event, msgpack, envelope included)', c.demo.bytesPerEvent, 450, 'competitor JSON, reference', 1, {
        text: `≤ ${DEMO_WIRE_GOAL_BYTES} B/event`,
        met: () => c.demo !== null && c.demo.bytesPerEvent <= DEMO_WIRE_GOAL_BYTES,
      }),
    );
  }
  rows.push(
    row('sdk-core + three.js connector, single file, minified + gzipped (bytes)', c.bundle.gzippedBytes, c.bundle.minifiedBytes, 'minified, not gzipped', 0, {
      text: `< ${BUNDLE_GOAL_BYTES.toLocaleString('en-US')} B`,
      met: () => c.bundle.gzippedBytes < BUNDLE_GOAL_BYTES,
    }),
  );
  return rows;
}

/** The rows for replay seeking (ms) in a simulated one-hour session. */
export function replayRows(r: ReplayBenchResult): TableRow[] {
  const goal = { text: `< ${SEEK_GOAL_MS} ms`, met: () => r.seek.maxMs < SEEK_GOAL_MS };
  return [
    row(`replay seek anywhere in a ${r.sessionMinutes}-min session (ms, p95; max ${r.seek.maxMs.toFixed(3)})`, r.seek.p95Ms, r.replayFromStart.p95Ms, 'replay from the start, p95', 4, goal),
    row(`replay index build, ${r.events.toLocaleString('en-US')} events (ms)`, r.buildMs, r.fullReplayMs, 'one replay start to end, no keyframes', 1),
  ];
}

/** The rows for the R3F connector, next to the plain R3F page of the same run. */
export function r3fRows(r: R3fBenchResult): TableRow[] {
  return [
    row(`R3F connector, ms per frame in its useFrame work (${r.meshes} meshes, every channel on, pointer moving, camera orbiting)`, r.hookMs, r.withoutConnectorMs, 'whole frame of the plain R3F page', 3, {
      text: `< ${FRAME_COST_GOAL_MS} ms/frame`,
      met: () => r.hookMs < FRAME_COST_GOAL_MS,
    }),
    row('R3F connector, ms per frame, whole frame with <VantageAnalytics> vs the plain R3F page (SwiftShader; noisy)', r.withConnectorMs, r.withoutConnectorMs, 'plain R3F page', 1),
  ];
}

/**
 * The rows for the aggregates (issue 5): the events ingested first (`BENCH_AGG_EVENTS`), their
 * ingest rate next to section 3's short msgpack run, storage per event next to the same events'
 * wire size, and every query's p95 next to the baseline route's p95 (its p50 in the label).
 */
export function aggregateRows(a: AggregatesResult, shortIngestEventsPerSecond: number): TableRow[] {
  const i = a.ingest;
  const rows: TableRow[] = [
    row(`aggregates: events ingested before the queries (BENCH_AGG_EVENTS=${i.requestedEvents}; raw retention off)`, i.acceptedEvents, i.requestedEvents, 'requested', 0, {
      text: `≥ ${AGGREGATE_EVENTS_GOAL.toLocaleString('en-US')}`,
      met: () => i.acceptedEvents >= AGGREGATE_EVENTS_GOAL,
    }),
    row(`aggregates: ingest rate of those events (events/s, ${i.workers} load generators × ${i.concurrencyPerWorker} in flight, SDK-sized batches)`, i.eventsPerSecond, shortIngestEventsPerSecond, 'section 3, msgpack, 50-event batches', 0),
    row('aggregates: storage per accepted event (B; every table, indexes included, after VACUUM ANALYZE)', a.storage.bytesPerEvent, a.sample.wireBytesPerEvent, 'msgpack wire bytes of the same events', 1),
  ];
  for (const q of a.queries) {
    rows.push(
      row(`query p95 (ms): ${q.label} [p50 ${formatNumber(q.p50Ms, 1)}]`, q.p95Ms, a.baseline.p95Ms, `GET /api/v1/config p95, p50 ${formatNumber(a.baseline.p50Ms, 1)}`, 1, {
        text: `p95 < ${a.goalP95Ms} ms`,
        met: () => q.p95Ms < a.goalP95Ms,
      }),
    );
  }
  return rows;
}

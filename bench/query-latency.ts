/**
 * Query latency of the aggregate API (issue 5's contract), next to a trivial authenticated route
 * measured the same way: every query is asked in turn, one request at a time over one kept-alive
 * connection, for a number of rounds after warm-up rounds that are not counted, so a slower
 * moment of the machine falls on every query alike. The time is the whole round trip, from
 * sending the request to the last byte of the answer.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentile } from './stats.js';

/** Goal of issue 5: p95 under this (ms). */
export const QUERY_P95_GOAL_MS = 100;

/** One query to time. */
export interface QuerySpec {
  /** What it asks, for the table, e.g. "performance, one scene, by device type". */
  readonly label: string;
  /** Path and query string, e.g. `/api/v1/performance?scene=s&groupBy=deviceType`. */
  readonly path: string;
  /** Which key asks: the aggregate routes take the secret key; the baseline route the publishable one. */
  readonly key: 'sk' | 'pk';
}

/** What the queries are about: a scene of the data, and a saved funnel. */
export interface QueryContext {
  readonly scene: string;
  readonly funnelId: string;
}

/**
 * Every aggregate route of the contract with realistic parameters: the default 7-day window,
 * one scene or all, the groupBy variants, series per day and per hour, a heatmap per kind, the first page of lists, a
 * saved funnel's report.
 */
export function aggregateQueries({ scene, funnelId }: QueryContext): QuerySpec[] {
  const s = `scene=${encodeURIComponent(scene)}`;
  const sk = (label: string, path: string): QuerySpec => ({ label, path: `/api/v1/${path}`, key: 'sk' });
  return [
    sk('activity, one scene, by day', `activity?${s}`),
    sk('activity, all scenes, by hour', 'activity?interval=hour'),
    sk('mesh attention, one scene, by clicks', `mesh-attention?${s}`),
    sk('mesh attention, all scenes, by dwell time', 'mesh-attention?sort=dwellMs'),
    sk('heatmap, click', `heatmaps/click?${s}`),
    sk('heatmap, gaze', `heatmaps/gaze?${s}`),
    sk('heatmap, camera', `heatmaps/camera?${s}`),
    sk('view directions, one scene', `view-directions?${s}`),
    sk('performance, one scene', `performance?${s}`),
    sk('performance, one scene, by device type', `performance?${s}&groupBy=deviceType`),
    sk('performance, all scenes, by browser', 'performance?groupBy=browser'),
    sk('performance, one scene, per day', `performance?${s}&interval=day`),
    sk('performance, all scenes, per hour', 'performance?interval=hour'),
    sk('resources, one scene, by device type', `resources?${s}&groupBy=deviceType`),
    sk('errors, one scene', `errors?${s}`),
    sk('custom events, one scene, by property', `custom-events?${s}&property=variant`),
    sk('traffic sources, one scene', `traffic-sources?${s}`),
    sk('sessions, one scene, first page', `sessions?${s}`),
    sk('sessions, mobile with errors, first page', 'sessions?deviceType=mobile&hasErrors=true'),
    sk('funnel report, saved 4-step funnel', `funnels/${encodeURIComponent(funnelId)}`),
  ];
}

/** The baseline: a trivial authenticated route, measured the same way. */
export function baselineQuery(scene: string): QuerySpec {
  return { label: 'GET /api/v1/config (publishable key), baseline', path: `/api/v1/config?scene=${encodeURIComponent(scene)}`, key: 'pk' };
}

/** Latencies of one query, summarised (ms). */
export interface LatencySummary {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Nearest-rank p50/p95/p99, max and mean of `ms`; NaN throughout when empty. */
export function summariseLatencies(ms: readonly number[]): LatencySummary {
  const n = ms.length;
  return {
    requests: n,
    p50Ms: percentile(ms, 0.5),
    p95Ms: percentile(ms, 0.95),
    p99Ms: percentile(ms, 0.99),
    maxMs: n === 0 ? Number.NaN : Math.max(...ms),
    meanMs: n === 0 ? Number.NaN : ms.reduce((a, b) => a + b, 0) / n,
  };
}

/** One query's measurement. */
export interface QueryLatency extends LatencySummary {
  readonly label: string;
  readonly path: string;
  /** Size of the answer's body (bytes, last answer). */
  readonly bodyBytes: number;
  /** Answers that were not 200, by status (warm-up included). */
  readonly failures: Record<string, number>;
}

/** What {@link measureQueries} needs. */
export interface MeasureOptions {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  readonly keys: Readonly<Record<'sk' | 'pk', string>>;
  readonly queries: readonly QuerySpec[];
  readonly warmupRounds: number;
  readonly rounds: number;
  /** Called with every query's first 200 answer, parsed (for checks on the data). */
  readonly onFirstAnswer?: (query: QuerySpec, body: unknown) => void;
}

/** Ask every query in turn, round after round; see the module comment. */
export async function measureQueries(options: MeasureOptions): Promise<QueryLatency[]> {
  const base = new URL(options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ask = (query: QuerySpec) =>
    new Promise<{ status: number; body: Buffer; ms: number }>((resolve, reject) => {
      const t = performance.now();
      const req = request(
        { agent, host: base.hostname, port: base.port, path: query.path, method: 'GET', timeout: 30_000, headers: { authorization: `Bearer ${options.keys[query.key]}`, accept: 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - t }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${query.path}: no answer within 30 s`)));
      req.on('error', reject);
      req.end();
    });
  const samples = options.queries.map(() => [] as number[]);
  const failures = options.queries.map(() => ({}) as Record<string, number>);
  const bodyBytes = options.queries.map(() => 0);
  const seen = options.queries.map(() => false);
  try {
    for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
      for (let i = 0; i < options.queries.length; i++) {
        const query = options.queries[i] as QuerySpec;
        const answer = await ask(query);
        if (answer.status !== 200) {
          const f = failures[i] as Record<string, number>;
          f[answer.status] = (f[answer.status] ?? 0) + 1;
          if (round === 0) process.stderr.write(`bench: ${query.path} answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}\n`);
          continue;
        }
        bodyBytes[i] = answer.body.byteLength;
        if (!seen[i]) {
          seen[i] = true;
          options.onFirstAnswer?.(query, JSON.parse(answer.body.toString('utf8')) as unknown);
        }
        if (round >= options.warmupRounds) (samples[i] as number[]).push(answer.ms);
      }
    }
  } finally {
    agent.destroy();
  }
  return options.queries.map((q, i) => ({
    label: q.label,
    path: q.path,
    ...summariseLatencies(samples[i] as number[]),
    bodyBytes: bodyBytes[i] as number,
    failures: failures[i] as Record<string, number>,
  }));
}

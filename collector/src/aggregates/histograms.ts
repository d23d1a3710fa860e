/**
 * One table of fixed-bucket histograms (see `buckets.ts`) per scene, hour, metric and segment
 * (device type, browser family), shared by the aggregates that answer percentiles: frame time,
 * FPS, draw calls and triangles (performance), renderer resources and heap (resources), session
 * length (activity). Each of those files folds its own metrics; this one reads them.
 */
import type { Store } from '../storage/types.js';
import type { Accumulator } from './accumulate.js';
import { bucketOf, percentilesOf, type LowPercentiles, type Percentiles } from './buckets.js';
import { defineRollup, sum } from './define.js';
import { intervalStartSql, windowWhere, type AggregateQuery, type Interval } from './params.js';
import type { FoldContext } from './types.js';

/** The rollup: weight per (project, scene, metric, hour, device type, browser, bucket). */
export const histogramRollup = defineRollup({
  table: 'agg_histograms',
  bucket: 'hour',
  keys: { metric: 'text', deviceType: 'text', browser: 'text', bucket: 'int' },
  values: { weight: sum() },
  // Every read names its metrics: they lead the key, so a read scans only theirs.
  leadingKeys: 1,
});

const key: [string, string, string, number] = ['', '', '', 0];
const weightOf: [number] = [0];

/** Add `weight` at `value`'s bucket of `metric`, in the event's segment. */
export function addToHistogram(acc: Accumulator, ctx: FoldContext, t: number, metric: string, value: number, weight = 1): void {
  if (!(weight > 0)) return;
  key[0] = metric;
  key[1] = ctx.deviceType;
  key[2] = ctx.browser;
  key[3] = bucketOf(value);
  weightOf[0] = weight;
  acc.add(histogramRollup, ctx.projectId, ctx.sceneId, t, key, weightOf);
}

/** How histogram reads are split. */
export type GroupBy = 'none' | 'deviceType' | 'browser';

/** A segment of a grouped answer; null fields are "all" (or unknown, '' stored, for a grouped one). */
export interface Segment {
  deviceType: string | null;
  browser: string | null;
}

/** Per segment: each metric's total weight and percentiles (scaled per `scales`). */
export interface HistogramGroup extends Segment {
  weights: Record<string, number>;
  percentiles: Record<string, Percentiles | LowPercentiles | null>;
}

/** One interval of a series: its start (ISO 8601, UTC) and its segments. */
export interface SeriesPoint<G> {
  start: string;
  groups: G[];
}

/** What {@link readHistograms} answers: the window's segments, and per interval when asked. */
export interface HistogramRead {
  groups: HistogramGroup[];
  /** Intervals with weight, oldest first; empty without an interval. */
  series: Array<SeriesPoint<HistogramGroup>>;
}

/** Histograms by segment, then metric, then bucket. */
type Histograms = Map<string, Map<string, Map<number, number>>>;

function addWeight(into: Histograms, seg: string, metric: string, bucket: number, w: number): void {
  let byMetric = into.get(seg);
  if (!byMetric) into.set(seg, (byMetric = new Map()));
  let histogram = byMetric.get(metric);
  if (!histogram) byMetric.set(metric, (histogram = new Map()));
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + w);
}

/** The SQL of the segment column a read groups by. */
export function segmentColumn(groupBy: GroupBy): string {
  return groupBy === 'deviceType' ? 'device_type' : groupBy === 'browser' ? 'browser' : "''";
}

/** The segment of a group: the stored value when split by it, else the query's filter. */
function segmentOf(q: AggregateQuery, groupBy: GroupBy, seg: string): Segment {
  return {
    deviceType: groupBy === 'deviceType' ? seg || null : q.deviceType,
    browser: groupBy === 'browser' ? seg || null : q.browser,
  };
}

/**
 * Read `metrics` over the window, filtered by the query's segment filters and split by `groupBy`;
 * the metrics in `lowEnd` also get p5 and p1. With an `interval`, the same again per interval
 * (one query: the window's histograms are the sum of its intervals').
 */
export async function readHistograms(
  store: Store,
  q: AggregateQuery,
  metrics: readonly string[],
  groupBy: GroupBy,
  scales: Readonly<Record<string, number>> = {},
  lowEnd: readonly string[] = [],
  interval: Interval | null = null,
): Promise<HistogramRead> {
  const { where, params } = windowWhere(q, 'hour');
  let sql = `${where} AND metric = ANY($${params.length + 1}::text[])`;
  params.push(metrics);
  if (q.deviceType !== null) {
    params.push(q.deviceType);
    sql += ` AND device_type = $${params.length}`;
  }
  if (q.browser !== null) {
    params.push(q.browser);
    sql += ` AND browser = $${params.length}`;
  }
  const start = intervalStartSql(params, interval);
  const rows = await store.query<{ seg: string; start: Date | null; metric: string; bucket: number; w: number }>(
    `SELECT ${segmentColumn(groupBy)} AS seg, ${start} AS start, metric, bucket, sum(weight)::float8 AS w FROM agg_histograms WHERE ${sql}
      GROUP BY 1, 2, metric, bucket`,
    params,
  );
  const whole: Histograms = new Map();
  const byStart = new Map<string, Histograms>();
  for (const r of rows) {
    const w = Number(r.w);
    const bucket = Number(r.bucket);
    addWeight(whole, r.seg, r.metric, bucket, w);
    if (r.start !== null) {
      const iso = new Date(r.start).toISOString();
      let at = byStart.get(iso);
      if (!at) byStart.set(iso, (at = new Map()));
      addWeight(at, r.seg, r.metric, bucket, w);
    }
  }
  const groupsOf = (histograms: Histograms): HistogramGroup[] => {
    const out: HistogramGroup[] = [];
    for (const [seg, byMetric] of [...histograms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const weights: Record<string, number> = {};
      const percentiles: Record<string, Percentiles | LowPercentiles | null> = {};
      for (const metric of metrics) {
        const histogram = byMetric.get(metric) ?? new Map<number, number>();
        let w = 0;
        for (const v of histogram.values()) w += v;
        weights[metric] = w;
        percentiles[metric] = lowEnd.includes(metric) ? percentilesOf(histogram, scales[metric] ?? 1, true) : percentilesOf(histogram, scales[metric] ?? 1);
      }
      out.push({ ...segmentOf(q, groupBy, seg), weights, percentiles });
    }
    return out;
  };
  const series = [...byStart].sort(([a], [b]) => (a < b ? -1 : 1)).map(([iso, histograms]) => ({ start: iso, groups: groupsOf(histograms) }));
  return { groups: groupsOf(whole), series };
}

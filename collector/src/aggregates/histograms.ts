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
import { windowWhere, type AggregateQuery } from './params.js';
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

/**
 * Read `metrics` over the window, filtered by the query's segment filters and split by `groupBy`;
 * the metrics in `lowEnd` also get p5 and p1.
 */
export async function readHistograms(
  store: Store,
  q: AggregateQuery,
  metrics: readonly string[],
  groupBy: GroupBy,
  scales: Readonly<Record<string, number>> = {},
  lowEnd: readonly string[] = [],
): Promise<HistogramGroup[]> {
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
  const segment = groupBy === 'deviceType' ? 'device_type' : groupBy === 'browser' ? 'browser' : "''";
  const rows = await store.query<{ seg: string; metric: string; bucket: number; w: number }>(
    `SELECT ${segment} AS seg, metric, bucket, sum(weight)::float8 AS w FROM agg_histograms WHERE ${sql}
      GROUP BY 1, metric, bucket`,
    params,
  );
  const groups = new Map<string, Map<string, Map<number, number>>>();
  for (const r of rows) {
    let byMetric = groups.get(r.seg);
    if (!byMetric) groups.set(r.seg, (byMetric = new Map()));
    let histogram = byMetric.get(r.metric);
    if (!histogram) byMetric.set(r.metric, (histogram = new Map()));
    histogram.set(Number(r.bucket), (histogram.get(Number(r.bucket)) ?? 0) + Number(r.w));
  }
  const out: HistogramGroup[] = [];
  for (const [seg, byMetric] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const weights: Record<string, number> = {};
    const percentiles: Record<string, Percentiles | LowPercentiles | null> = {};
    for (const metric of metrics) {
      const histogram = byMetric.get(metric) ?? new Map<number, number>();
      let w = 0;
      for (const v of histogram.values()) w += v;
      weights[metric] = w;
      percentiles[metric] = lowEnd.includes(metric) ? percentilesOf(histogram, scales[metric] ?? 1, true) : percentilesOf(histogram, scales[metric] ?? 1);
    }
    out.push({
      deviceType: groupBy === 'deviceType' ? seg || null : q.deviceType,
      browser: groupBy === 'browser' ? seg || null : q.browser,
      weights,
      percentiles,
    });
  }
  return out;
}

/**
 * Frame performance per scene, hour and segment (device type, browser family), from `perf`
 * windows (about one per second of rendering):
 * - frame time: each window adds its `frames` at its median frame time (a frame-weighted
 *   distribution of window medians), answered in ms;
 * - FPS: each window adds one at `frames × 1000 / windowMs`;
 * - draw calls and triangles: each window adds one at its figure;
 * - windows, frames and long frames (over 50 ms) are summed.
 *
 * Read: `GET /api/v1/performance`, filtered by `deviceType`/`browser`, split by `groupBy`, and
 * with `interval` (hour, day, week) also as a series over the window.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { QueryParams } from '../http/cursor.js';
import type { Store } from '../storage/types.js';
import type { LowPercentiles, Percentiles } from './buckets.js';
import { defineRollup, sum } from './define.js';
import { addToHistogram, histogramRollup, readHistograms, segmentColumn, type GroupBy, type HistogramGroup, type SeriesPoint } from './histograms.js';
import { choiceParam, intervalStartSql, seriesIntervalParam, windowWhere, type AggregateQuery, type Interval } from './params.js';
import type { Aggregate } from './types.js';

/** Sums per (project, scene, hour, device type, browser). */
export const perfTotalsRollup = defineRollup({
  table: 'agg_perf_totals',
  bucket: 'hour',
  keys: { deviceType: 'text', browser: 'text' },
  values: { windows: sum(), frames: sum(), longFrames: sum() },
});

const segment: [string, string] = ['', ''];
const totals = [0, 0, 0];

/** The performance aggregate. */
export const performance: Aggregate = {
  name: 'performance',
  rollups: [perfTotalsRollup, histogramRollup],
  foldEvent(e: VantageEvent, ctx, acc) {
    if (e.type !== 'perf') return;
    segment[0] = ctx.deviceType;
    segment[1] = ctx.browser;
    totals[0] = 1;
    totals[1] = e.frames;
    totals[2] = e.longFrames;
    acc.add(perfTotalsRollup, ctx.projectId, ctx.sceneId, e.t, segment, totals);
    addToHistogram(acc, ctx, e.t, 'frame_us', e.p50Us, e.frames);
    if (e.windowMs > 0) addToHistogram(acc, ctx, e.t, 'fps', (e.frames * 1000) / e.windowMs);
    addToHistogram(acc, ctx, e.t, 'draw_calls', e.drawCalls);
    addToHistogram(acc, ctx, e.t, 'triangles', e.triangles);
  },
};

/** One segment of the answer. */
export interface PerformanceGroup {
  deviceType: string | null;
  browser: string | null;
  windows: number;
  frames: number;
  longFrames: number;
  frameMs: Percentiles | null;
  /** Frames per second of the one-second windows; p5 and p1 are its slow end. */
  fps: LowPercentiles | null;
  drawCalls: Percentiles | null;
  triangles: Percentiles | null;
}

/** `GET /api/v1/performance`: the window's segments; with `interval`, also per interval. */
export interface PerformanceAnswer {
  groups: PerformanceGroup[];
  interval?: Interval;
  series?: Array<SeriesPoint<PerformanceGroup>>;
}

/** Parse `groupBy`. */
export function groupByParam(query: QueryParams): GroupBy {
  return choiceParam(query, 'groupBy', ['none', 'deviceType', 'browser'] as const, 'none');
}

type Totals = { windows: number; frames: number; longFrames: number };

/** `GET /api/v1/performance`. */
export async function readPerformance(store: Store, q: AggregateQuery, query: QueryParams): Promise<PerformanceAnswer> {
  const groupBy = groupByParam(query);
  const interval = seriesIntervalParam(query, q);
  const { where, params } = windowWhere(q, 'hour');
  let filter = where;
  if (q.deviceType !== null) filter += ` AND device_type = $${params.push(q.deviceType)}`;
  if (q.browser !== null) filter += ` AND browser = $${params.push(q.browser)}`;
  const start = intervalStartSql(params, interval);
  const [histograms, rows] = await Promise.all([
    readHistograms(store, q, ['frame_us', 'fps', 'draw_calls', 'triangles'], groupBy, { frame_us: 0.001 }, ['fps'], interval),
    store.query<{ seg: string; start: Date | null; windows: number; frames: number; long_frames: number }>(
      `SELECT ${segmentColumn(groupBy)} AS seg, ${start} AS start, sum(windows)::float8 AS windows, sum(frames)::float8 AS frames,
          sum(long_frames)::float8 AS long_frames
         FROM agg_perf_totals WHERE ${filter} GROUP BY 1, 2`,
      params,
    ),
  ]);
  // Totals by interval start ('' for the whole window), then by segment.
  const totals = new Map<string, Map<string, Totals>>();
  const add = (at: string, seg: string, r: { windows: number; frames: number; long_frames: number }) => {
    let bySeg = totals.get(at);
    if (!bySeg) totals.set(at, (bySeg = new Map()));
    const t = bySeg.get(seg) ?? { windows: 0, frames: 0, longFrames: 0 };
    t.windows += Number(r.windows);
    t.frames += Number(r.frames);
    t.longFrames += Number(r.long_frames);
    bySeg.set(seg, t);
  };
  for (const r of rows) {
    add('', r.seg, r);
    if (r.start !== null) add(new Date(r.start).toISOString(), r.seg, r);
  }
  const answer = (groups: readonly HistogramGroup[], at: string): PerformanceGroup[] =>
    groups.map((h) => {
      const t = totals.get(at)?.get((groupBy === 'deviceType' ? h.deviceType : groupBy === 'browser' ? h.browser : null) ?? '');
      return {
        deviceType: h.deviceType,
        browser: h.browser,
        windows: t?.windows ?? 0,
        frames: t?.frames ?? 0,
        longFrames: t?.longFrames ?? 0,
        frameMs: h.percentiles.frame_us ?? null,
        fps: (h.percentiles.fps as LowPercentiles | null | undefined) ?? null,
        drawCalls: h.percentiles.draw_calls ?? null,
        triangles: h.percentiles.triangles ?? null,
      };
    });
  const groups = answer(histograms.groups, '');
  if (interval === null) return { groups };
  return { groups, interval, series: histograms.series.map((p) => ({ start: p.start, groups: answer(p.groups, p.start) })) };
}

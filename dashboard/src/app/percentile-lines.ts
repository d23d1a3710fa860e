/**
 * Percentile lines over a time window, from a per-interval answer of the collector
 * (`/api/v1/performance` or `/api/v1/resources` with `interval`): one line per percentile, a
 * value for every interval of the window, and null where the answer has no point (an interval
 * without data) or the point has no such percentile, so the chart leaves a gap there instead of
 * joining distant points (a zero would read as a real measurement).
 */
import type { Line } from './LineChart.js';
import { intervalStarts } from './series.js';

/** A percentile a chart can show: p50/p95/p99, and p5/p1 of metrics where low is bad (FPS). */
export type PercentileKey = 'p50' | 'p95' | 'p99' | 'p5' | 'p1';

/** The percentiles a chart shows of a metric, in order, each with its colour. */
export type Ends = ReadonlyArray<{ key: PercentileKey; colour: string }>;

/** Percentiles as the collector answers them (p5 and p1 only where low is bad). */
export type SomePercentiles = Partial<Record<PercentileKey, number>>;

/** Percentile `key` of `value`, when it has it. */
export function percentileOf(value: SomePercentiles | null, key: PercentileKey): number | null {
  return value?.[key] ?? null;
}

/**
 * One line per `ends` entry over the intervals of `window` (epoch ms, as {@link intervalStarts}
 * cuts it): `pick(point)`'s percentile times `scale` (e.g. 1 / 1024 for KiB shown as MiB), null
 * where there is no point or no value. Ready for {@link LineChart}.
 */
export function percentileLines<P extends { start: string }>(
  points: readonly P[],
  window: { from: number; to: number; interval: Parameters<typeof intervalStarts>[2] },
  pick: (point: P) => SomePercentiles | null,
  ends: Ends,
  scale = 1,
): { times: number[]; lines: Line[] } {
  const byStart = new Map(points.map((p) => [Date.parse(p.start), pick(p)] as const));
  const times = intervalStarts(window.from, window.to, window.interval);
  const lines = ends.map((end) => ({
    label: end.key,
    colour: end.colour,
    values: times.map((t) => {
      const v = percentileOf(byStart.get(t) ?? null, end.key);
      return v === null ? null : v * scale;
    }),
  }));
  return { times, lines };
}

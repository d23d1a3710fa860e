/**
 * One count per interval of a time window, zero where the collector's series has no point (it
 * answers only intervals with events), so a chart shows a quiet hour as zero instead of drawing
 * a line across it. Intervals start on UTC hours or UTC days, as `date_trunc(…, 'UTC')` does.
 */

/** Interval lengths, ms. */
const STEP_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** Starts (epoch ms) of the intervals overlapping `[from, to)`. */
export function intervalStarts(from: number, to: number, interval: 'hour' | 'day'): number[] {
  const step = STEP_MS[interval];
  const starts: number[] = [];
  for (let t = Math.floor(from / step) * step; t < to; t += step) starts.push(t);
  return starts;
}

/**
 * `pick(point)` for each interval of the window (0 where there is no point), with the
 * intervals' starts: ready for {@link LineChart}. A `null` pick (a value the collector does not
 * know for that interval) stays `null`: a gap in the line.
 */
export function filledSeries<P extends { start: string }, V extends number | null = number>(
  points: readonly P[],
  window: { from: number; to: number; interval: 'hour' | 'day' },
  pick: (point: P) => V,
): { times: number[]; values: Array<V | 0> } {
  const byStart = new Map(points.map((p) => [Date.parse(p.start), p] as const));
  const times = intervalStarts(window.from, window.to, window.interval);
  return { times, values: times.map((t) => { const p = byStart.get(t); return p ? pick(p) : 0; }) };
}

/**
 * Small statistics for the benchmark: medians of timing rounds, nearest-rank percentiles and
 * ratios that stay printable when a side is missing.
 */

/** Median of `values` (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** Nearest-rank percentile of `values` for `q` in [0, 1] (unsorted input is fine); NaN when empty. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile q must be in [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The median of several measurement rounds, with their range to show how stable it is. */
export interface RoundSummary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
  /** `(max - min) / median`: 0.05 means the rounds spread over ±2.5 % around the median. */
  readonly spread: number;
}

/** Summarise measurement rounds; throws when there are none. */
export function summariseRounds(values: readonly number[]): RoundSummary {
  if (values.length === 0) throw new RangeError('summariseRounds needs at least one round');
  const mid = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: mid, min, max, rounds: values.length, spread: mid === 0 ? 0 : (max - min) / mid };
}

/** `numerator / denominator`, or NaN when either is not a positive finite number. */
export function ratio(numerator: number, denominator: number): number {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator <= 0 || numerator < 0) return Number.NaN;
  return numerator / denominator;
}

/** A least-squares line `y = intercept + slope · x`. */
export interface LinearFit {
  readonly slope: number;
  readonly intercept: number;
  readonly points: number;
}

/** Least-squares line through `points`; NaN slope and intercept for fewer than two distinct x. */
export function linearFit(points: ReadonlyArray<{ readonly x: number; readonly y: number }>): LinearFit {
  const n = points.length;
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - meanX) * (p.y - meanY);
    sxx += (p.x - meanX) ** 2;
  }
  if (n < 2 || sxx === 0) return { slope: Number.NaN, intercept: Number.NaN, points: n };
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX, points: n };
}

/**
 * Fixed logarithmic histogram buckets, shared by every percentile the collector answers (frame
 * times, FPS, draw calls, resources, session lengths). Bucket `b ≥ 1` holds values in
 * `[2^((b−1)/8), 2^(b/8))`, so each bucket is about 9 % wide; bucket 0 holds zero and below.
 * Values between 0 and 1 share bucket 1. Fixed buckets add up across rows, hours and processes,
 * which is what lets a percentile be read from rollups.
 */

/** Buckets per doubling. */
export const BUCKETS_PER_OCTAVE = 8;
/** The highest bucket (values ≥ 2^62 land here). */
export const MAX_BUCKET = 62 * BUCKETS_PER_OCTAVE;

/** The bucket of a value. */
export function bucketOf(value: number): number {
  if (!(value > 0)) return 0;
  if (value < 1) return 1;
  return Math.min(MAX_BUCKET, 1 + Math.floor(Math.log2(value) * BUCKETS_PER_OCTAVE));
}

/** The value a bucket stands for: the geometric middle of its range (0 for bucket 0). */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  return 2 ** ((bucket - 0.5) / BUCKETS_PER_OCTAVE);
}

/** p50, p95 and p99 of a histogram. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Also the low end, p5 and p1: for a metric where low is bad (frames per second). */
export interface LowPercentiles extends Percentiles {
  p5: number;
  p1: number;
}

/**
 * Nearest-rank percentiles of a weighted histogram (bucket → weight), each answered as its
 * bucket's value rounded to three significant decimals; null when the histogram is empty.
 * `scale` multiplies the answer (µs → ms, say); `lowEnd` adds p5 and p1.
 */
export function percentilesOf(histogram: ReadonlyMap<number, number>, scale?: number): Percentiles | null;
export function percentilesOf(histogram: ReadonlyMap<number, number>, scale: number, lowEnd: true): LowPercentiles | null;
export function percentilesOf(histogram: ReadonlyMap<number, number>, scale = 1, lowEnd = false): Percentiles | LowPercentiles | null {
  let total = 0;
  for (const w of histogram.values()) total += w;
  if (total <= 0) return null;
  const buckets = [...histogram.keys()].sort((a, b) => a - b);
  const pick = (q: number): number => {
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (const b of buckets) {
      seen += histogram.get(b) ?? 0;
      if (seen >= rank) return round(bucketValue(b) * scale);
    }
    return round(bucketValue(buckets[buckets.length - 1] ?? 0) * scale);
  };
  const high = { p50: pick(0.5), p95: pick(0.95), p99: pick(0.99) };
  return lowEnd ? { ...high, p5: pick(0.05), p1: pick(0.01) } : high;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

import { describe, expect, it } from 'vitest';
import { bucketOf, bucketValue, percentilesOf } from './buckets.js';

describe('log buckets', () => {
  it('puts every value in a bucket about 9 % wide whose value is within it', () => {
    for (const v of [1, 1.5, 2, 3, 16.7, 100, 999, 16_000, 123_456, 1e9]) {
      const b = bucketOf(v);
      expect(2 ** ((b - 1) / 8)).toBeLessThanOrEqual(v);
      expect(2 ** (b / 8)).toBeGreaterThan(v);
      expect(Math.abs(bucketValue(b) / v - 1)).toBeLessThan(0.1);
    }
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(-3)).toBe(0);
    expect(bucketOf(0.25)).toBe(1);
    expect(bucketValue(0)).toBe(0);
  });

  it('reads nearest-rank percentiles of a weighted histogram', () => {
    const h = new Map<number, number>([[bucketOf(10), 50], [bucketOf(100), 45], [bucketOf(1000), 5]]);
    const p = percentilesOf(h);
    expect(bucketOf(p?.p50 ?? 0)).toBe(bucketOf(10));
    expect(bucketOf(p?.p95 ?? 0)).toBe(bucketOf(100));
    expect(bucketOf(p?.p99 ?? 0)).toBe(bucketOf(1000));
    expect(percentilesOf(new Map())).toBeNull();
    expect(percentilesOf(new Map([[bucketOf(16_000), 1]]), 0.001)?.p50).toBeCloseTo(16, 0);
  });

  it('adds the low end (p5, p1) when asked: frames per second, where low is bad', () => {
    // 1 % of windows at 8 fps, 4 % at 20, the rest at 60.
    const h = new Map<number, number>([[bucketOf(8), 1], [bucketOf(20), 4], [bucketOf(60), 95]]);
    const p = percentilesOf(h, 1, true);
    expect([p?.p1, p?.p5, p?.p50, p?.p99].map((v) => bucketOf(v ?? 0))).toEqual([bucketOf(8), bucketOf(20), bucketOf(60), bucketOf(60)]);
    expect(percentilesOf(h)).not.toHaveProperty('p5');
  });
});

import { describe, expect, it } from 'vitest';
import { linearFit, median, percentile, ratio, summariseRounds } from './stats.js';

describe('median', () => {
  it('takes the middle value, or the mean of the middle two, whatever the input order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile(values, 1)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([42], 0.99)).toBe(42);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('refuses a quantile outside [0, 1]', () => {
    expect(() => percentile([1, 2], 1.5)).toThrow(RangeError);
    expect(() => percentile([1, 2], Number.NaN)).toThrow(RangeError);
  });
});

describe('summariseRounds', () => {
  it('reports the median with the range of the rounds', () => {
    expect(summariseRounds([10, 12, 11, 30, 9])).toEqual({ median: 11, min: 9, max: 30, rounds: 5, spread: 21 / 11 });
  });

  it('needs at least one round', () => {
    expect(() => summariseRounds([])).toThrow(RangeError);
  });
});

describe('ratio', () => {
  it('divides, and gives NaN instead of Infinity or a negative ratio', () => {
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(0, 4)).toBe(0);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(-1, 2)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });
});

describe('linearFit', () => {
  it('finds the slope and intercept of points on a line, and of noisy points around it', () => {
    const fit = linearFit([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x })));
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(5, 12);
    const noisy = linearFit([0, 1, 2, 3, 4, 5].map((x, i) => ({ x, y: 10 - x + (i % 2 === 0 ? 0.5 : -0.5) })));
    expect(noisy.slope).toBeCloseTo(-38 / 35, 12);
  });

  it('gives NaN for fewer than two distinct x', () => {
    expect(linearFit([]).slope).toBeNaN();
    expect(linearFit([{ x: 1, y: 2 }]).slope).toBeNaN();
    expect(linearFit([{ x: 1, y: 2 }, { x: 1, y: 3 }]).slope).toBeNaN();
  });
});

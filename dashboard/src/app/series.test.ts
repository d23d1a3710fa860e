import { describe, expect, it } from 'vitest';
import { filledSeries, intervalStarts } from './series.js';

const H = 3_600_000;
const D = 24 * H;
const day0 = Date.UTC(2026, 11, 1);

describe('filledSeries', () => {
  it('starts intervals on UTC hours and days, covering the window', () => {
    expect(intervalStarts(day0 + 30 * 60_000, day0 + 3 * H, 'hour')).toEqual([day0, day0 + H, day0 + 2 * H]);
    expect(intervalStarts(day0 + 5 * H, day0 + 2 * D + H, 'day')).toEqual([day0, day0 + D, day0 + 2 * D]);
  });

  it('puts zero where the series has no point and the picked value where it has one', () => {
    const points = [
      { start: new Date(day0 + D).toISOString(), n: 7 },
      { start: new Date(day0 + 3 * D).toISOString(), n: 2 },
    ];
    const { times, values } = filledSeries(points, { from: day0, to: day0 + 4 * D, interval: 'day' }, (p) => p.n);
    expect(times).toEqual([day0, day0 + D, day0 + 2 * D, day0 + 3 * D]);
    expect(values).toEqual([0, 7, 0, 2]);
  });

  it('keeps a null the series answers as a gap, and zero where it has no point', () => {
    const points = [
      { start: new Date(day0).toISOString(), visitors: null },
      { start: new Date(day0 + 2 * D).toISOString(), visitors: 3 },
    ];
    const { values } = filledSeries(points, { from: day0, to: day0 + 3 * D, interval: 'day' }, (p) => p.visitors);
    expect(values).toEqual([null, 0, 3]);
  });
});

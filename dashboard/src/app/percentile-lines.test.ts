import { describe, expect, it } from 'vitest';
import { percentileLines } from './percentile-lines.js';

const H = 3_600_000;
const D = 24 * H;
const day0 = Date.UTC(2026, 11, 1);
const HIGH = [
  { key: 'p50', colour: '#00f' },
  { key: 'p95', colour: '#fa0' },
  { key: 'p99', colour: '#f00' },
] as const;

describe('percentileLines', () => {
  it('gives a line per percentile over every interval, null where the answer left one out', () => {
    const points = [
      { start: new Date(day0 + H).toISOString(), frameMs: { p50: 8, p95: 12, p99: 20 } },
      { start: new Date(day0 + 3 * H).toISOString(), frameMs: { p50: 9, p95: 14, p99: 30 } },
    ];
    const { times, lines } = percentileLines(points, { from: day0 + 10 * 60_000, to: day0 + 4 * H, interval: 'hour' }, (p) => p.frameMs, HIGH);
    expect(times).toEqual([day0, day0 + H, day0 + 2 * H, day0 + 3 * H]);
    expect(lines).toEqual([
      { label: 'p50', colour: '#00f', values: [null, 8, null, 9] },
      { label: 'p95', colour: '#fa0', values: [null, 12, null, 14] },
      { label: 'p99', colour: '#f00', values: [null, 20, null, 30] },
    ]);
  });

  it('leaves a gap where a point has no value, reads the low end and scales', () => {
    const points = [
      { start: new Date(day0).toISOString(), fps: { p50: 60, p95: 61, p99: 62, p5: 40, p1: 20 } },
      { start: new Date(day0 + D).toISOString(), fps: null },
    ];
    const low = [
      { key: 'p50', colour: '#00f' },
      { key: 'p1', colour: '#f00' },
    ] as const;
    const { lines } = percentileLines(points, { from: day0, to: day0 + 2 * D, interval: 'day' }, (p) => p.fps, low, 0.5);
    expect(lines.map((l) => l.values)).toEqual([
      [30, null],
      [10, null],
    ]);
  });
});

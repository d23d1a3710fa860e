import { describe, expect, inject, it } from 'vitest';
import { describeFlushSize, flushSizeRows, measureFlushSizes, type FlushSizeRow } from './flush-size.js';

const rows: FlushSizeRow[] = [
  { batches: 1, flushes: 100, msPerFlush: 1, wallUsPerEvent: 20, postgresCpuUsPerEvent: 10 },
  { batches: 4, flushes: 25, msPerFlush: 1.4, wallUsPerEvent: 7, postgresCpuUsPerEvent: null },
  { batches: 64, flushes: 2, msPerFlush: 6.4, wallUsPerEvent: 2, postgresCpuUsPerEvent: 1 },
];

describe('flushSizeRows', () => {
  it('sets each larger flush against the one-batch flush, leaving out CPU that could not be read', () => {
    const table = flushSizeRows(rows);
    expect(table.map((r) => [r.measure, r.vantage, r.baseline, r.ratio])).toEqual([
      ['flush of 64 batches, PostgreSQL CPU per event (µs)', 1, 10, 0.1],
      ['flush of 64 batches, wall time per event (µs; collector builds, PostgreSQL runs)', 2, 20, 0.1],
    ]);
    expect(table.every((r) => r.baselineLabel === 'flushes of 1 batch')).toBe(true);
  });

  it('has nothing to compare without the one-batch flush', () => {
    expect(flushSizeRows(rows.slice(1))).toEqual([]);
  });

  it('describes a row with its size and per-event costs', () => {
    expect(describeFlushSize(rows[0]!)).toContain('1 batch per flush: 1.00 ms per flush, 20.00 µs/event wall, PostgreSQL 10.00 µs CPU/event');
    expect(describeFlushSize(rows[1]!)).toContain('4 batches per flush');
    expect(describeFlushSize(rows[1]!)).toContain('PostgreSQL CPU n/a');
  });
});

describe('measureFlushSizes', () => {
  it('runs each group of batches as one flush on PostgreSQL, which counts the same flushes', async () => {
    const lines: string[] = [];
    // A handful of flushes per size; the function itself throws when a group is not exactly one
    // flush, when an event is missing, or when PostgreSQL's count of flush statements differs.
    const rows = await measureFlushSizes(inject('postgresUrl'), { eventsPerSize: 200, database: `vantage_flush_test_${process.pid}`, progress: (l) => lines.push(l) });
    expect(rows.map((r) => [r.batches, r.flushes])).toEqual([[1, 4], [4, 4], [16, 4], [64, 4]]);
    for (const r of rows) {
      expect(r.msPerFlush).toBeGreaterThan(0);
      expect(r.wallUsPerEvent).toBeCloseTo((r.msPerFlush * 1000) / (r.batches * 50), 6);
    }
    expect(lines).toHaveLength(4);
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { accountStorage, type TableBytes } from './storage-bytes.js';

const table = (name: string, totalBytes: number, rows = 0): TableBytes => ({ table: name, totalBytes, heapBytes: totalBytes / 2, indexBytes: totalBytes / 2, rows });

describe('accountStorage', () => {
  it('sums every table and divides by the accepted events', () => {
    const account = accountStorage([table('agg_mesh_hourly', 8192 * 10), table('sessions', 8192 * 30, 1200), table('projects', 8192 * 2, 1)], 40_960);
    expect(account.totalBytes).toBe(8192 * 42);
    expect(account.bytesPerEvent).toBeCloseTo((8192 * 42) / 40_960, 10);
    expect(account.acceptedEvents).toBe(40_960);
  });

  it('lists the tables largest first, ties by name, each with its bytes per event and share', () => {
    const account = accountStorage([table('b', 100), table('c', 300), table('a', 100)], 50);
    expect(account.tables.map((t) => t.table)).toEqual(['c', 'a', 'b']);
    expect(account.tables.map((t) => t.bytesPerEvent)).toEqual([6, 2, 2]);
    expect(account.tables.map((t) => t.share)).toEqual([0.6, 0.2, 0.2]);
    expect(account.tables.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 12);
  });

  it('keeps every measured field of a table', () => {
    const [only] = accountStorage([{ table: 't', totalBytes: 24_576, heapBytes: 8192, indexBytes: 16_384, rows: 7 }], 3).tables;
    expect(only).toEqual({ table: 't', totalBytes: 24_576, heapBytes: 8192, indexBytes: 16_384, rows: 7, bytesPerEvent: 8192, share: 1 });
  });

  it('answers NaN per event rather than Infinity when nothing was accepted, and shares of 0 for an empty database', () => {
    const none = accountStorage([table('t', 0)], 0);
    expect(none.bytesPerEvent).toBeNaN();
    expect(none.tables[0]?.bytesPerEvent).toBeNaN();
    expect(none.tables[0]?.share).toBe(0);
    expect(accountStorage([], 10)).toEqual({ acceptedEvents: 10, totalBytes: 0, bytesPerEvent: 0, tables: [] });
  });
});

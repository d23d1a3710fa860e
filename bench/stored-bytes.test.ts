import { describe, expect, it } from 'vitest';
import { storedBytesBetween, type StoredBytesSnapshot } from './stored-bytes.js';

const table = (name: string, totalBytes: number) => ({ table: name, totalBytes, heapBytes: totalBytes, indexBytes: 0, rows: 0 });

describe('storedBytesBetween', () => {
  it('divides the growth of the tables and of the stream payload by the events, largest growth first', () => {
    const before: StoredBytesSnapshot = { tables: [table('sessions', 8192), table('ingest_batches', 16_384)], totalBytes: 24_576, streamBytes: 0 };
    const after: StoredBytesSnapshot = {
      tables: [table('sessions', 8192 + 1000), table('ingest_batches', 16_384 + 3000), table('session_chunks', 6000)],
      totalBytes: 24_576 + 10_000,
      streamBytes: 4000,
    };
    const grown = storedBytesBetween(before, after, 1000);
    expect(grown.totalBytesPerEvent).toBe(10);
    expect(grown.streamBytesPerEvent).toBe(4);
    expect(grown.growthByTable).toEqual([
      { table: 'session_chunks', bytes: 6000 },
      { table: 'ingest_batches', bytes: 3000 },
      { table: 'sessions', bytes: 1000 },
    ]);
  });

  it('gives NaN per event without events', () => {
    const empty: StoredBytesSnapshot = { tables: [], totalBytes: 0, streamBytes: 0 };
    expect(storedBytesBetween(empty, empty, 0).totalBytesPerEvent).toBeNaN();
  });
});

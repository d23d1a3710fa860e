/**
 * What a collector's events cost on disk in PostgreSQL, per event: the growth of every table of
 * the database (heap, indexes and TOAST, after `VACUUM ANALYZE`, as `storage-bytes.ts` measures
 * them for the aggregates section) and, apart, the compressed raw session streams
 * (`session_chunks.data`). Taken once the collector has started (migrated, demo project created)
 * and again after it has drained, so the difference is what the load added.
 */
import postgres from 'postgres';
import { measureTables, type TableBytes } from './storage-bytes.js';

/** Sizes at one moment. */
export interface StoredBytesSnapshot {
  /** Every table of the `public` schema. */
  readonly tables: readonly TableBytes[];
  /** `pg_total_relation_size` summed over them (bytes). */
  readonly totalBytes: number;
  /** Sum of `octet_length(data)` of `session_chunks`: the raw streams' payload alone (bytes). */
  readonly streamBytes: number;
}

/** What the load added, per stored event. */
export interface StoredBytes {
  /** Events stored by the load (the count check's `event_counts_hourly` sum). */
  readonly events: number;
  /** Growth of every table, indexes included, per event (B). */
  readonly totalBytesPerEvent: number;
  /** Raw stream payload per event (B); 0 with raw retention off. */
  readonly streamBytesPerEvent: number;
  /** Growth per table (bytes), largest first; tables that did not grow are left out. */
  readonly growthByTable: ReadonlyArray<{ readonly table: string; readonly bytes: number }>;
}

/** Measure the database at `databaseUrl` now (vacuums it first). */
export async function snapshotStoredBytes(databaseUrl: string): Promise<StoredBytesSnapshot> {
  const tables = await measureTables(databaseUrl);
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const [s] = await sql<Array<{ bytes: string }>>`SELECT coalesce(sum(octet_length(data)), 0)::text AS bytes FROM session_chunks`;
    return { tables, totalBytes: tables.reduce((sum, t) => sum + t.totalBytes, 0), streamBytes: Number(s?.bytes) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The growth from `before` to `after`, per event of `events` (NaN per event when none). */
export function storedBytesBetween(before: StoredBytesSnapshot, after: StoredBytesSnapshot, events: number): StoredBytes {
  const was = new Map(before.tables.map((t) => [t.table, t.totalBytes]));
  const growthByTable = after.tables
    .map((t) => ({ table: t.table, bytes: t.totalBytes - (was.get(t.table) ?? 0) }))
    .filter((t) => t.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const per = (bytes: number) => (events > 0 ? bytes / events : Number.NaN);
  return {
    events,
    totalBytesPerEvent: per(after.totalBytes - before.totalBytes),
    streamBytesPerEvent: per(after.streamBytes - before.streamBytes),
    growthByTable,
  };
}

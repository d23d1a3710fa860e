/**
 * What a collector's events cost on disk in PostgreSQL: the size of every table of the database
 * (heap, indexes and TOAST) and, apart, the compressed raw session streams (`session_chunks.data`).
 * Taken once the collector has started (migrated, demo project created) and again after it has
 * drained, so the difference is what the load added.
 */
import postgres from 'postgres';

/** Sizes at one moment (bytes). */
export interface StoredBytesSnapshot {
  /** `pg_total_relation_size` summed over every table outside the system schemas. */
  readonly totalBytes: number;
  /** Sum of `octet_length(data)` of `session_chunks`: the raw streams' payload alone. */
  readonly streamBytes: number;
  /** Rows of `session_chunks`. */
  readonly chunks: number;
  /** `pg_total_relation_size` per table, largest first. */
  readonly tables: ReadonlyArray<{ readonly table: string; readonly bytes: number }>;
}

/** What the load added, per stored event. */
export interface StoredBytes {
  readonly before: StoredBytesSnapshot;
  readonly after: StoredBytesSnapshot;
  /** Events stored by the load (the count check's `event_counts_hourly` sum). */
  readonly events: number;
  /** Growth of every table, indexes included, per event (B). */
  readonly totalBytesPerEvent: number;
  /** Raw stream payload per event (B); 0 with raw retention off. */
  readonly streamBytesPerEvent: number;
  /** Growth per table (B), largest first; tables that did not grow are left out. */
  readonly growthByTable: ReadonlyArray<{ readonly table: string; readonly bytes: number }>;
}

/** Measure the database at `databaseUrl` now. */
export async function snapshotStoredBytes(databaseUrl: string): Promise<StoredBytesSnapshot> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const tables = await sql<Array<{ table: string; bytes: string }>>`
      SELECT n.nspname || '.' || c.relname AS table, pg_total_relation_size(c.oid)::text AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
      ORDER BY pg_total_relation_size(c.oid) DESC`;
    const [present] = await sql<Array<{ exists: boolean }>>`SELECT to_regclass('session_chunks') IS NOT NULL AS exists`;
    let streamBytes = 0;
    let chunks = 0;
    if (present?.exists) {
      const [s] = await sql<Array<{ bytes: string; chunks: string }>>`
        SELECT coalesce(sum(octet_length(data)), 0)::text AS bytes, count(*)::text AS chunks FROM session_chunks`;
      streamBytes = Number(s?.bytes);
      chunks = Number(s?.chunks);
    }
    const list = tables.map((t) => ({ table: t.table, bytes: Number(t.bytes) }));
    return { totalBytes: list.reduce((sum, t) => sum + t.bytes, 0), streamBytes, chunks, tables: list };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The growth from `before` to `after`, per event of `events` (NaN per event when none). */
export function storedBytesBetween(before: StoredBytesSnapshot, after: StoredBytesSnapshot, events: number): StoredBytes {
  const was = new Map(before.tables.map((t) => [t.table, t.bytes]));
  const growthByTable = after.tables
    .map((t) => ({ table: t.table, bytes: t.bytes - (was.get(t.table) ?? 0) }))
    .filter((t) => t.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const per = (bytes: number) => (events > 0 ? bytes / events : Number.NaN);
  return {
    before,
    after,
    events,
    totalBytesPerEvent: per(after.totalBytes - before.totalBytes),
    streamBytesPerEvent: per(after.streamBytes - before.streamBytes),
    growthByTable,
  };
}

/**
 * Storage per ingested event: every table of the collector's database (the `public` schema)
 * measured by PostgreSQL after `VACUUM ANALYZE` — heap, indexes and TOAST, as
 * `pg_total_relation_size` counts them — divided by the events the collector accepted.
 */
import postgres from 'postgres';

/** One table as PostgreSQL sizes it. */
export interface TableBytes {
  readonly table: string;
  /** `pg_total_relation_size`: heap + indexes + TOAST (bytes). */
  readonly totalBytes: number;
  /** `pg_relation_size` of the heap alone (bytes). */
  readonly heapBytes: number;
  /** `pg_indexes_size` (bytes). */
  readonly indexBytes: number;
  /** Rows (exact `count(*)`). */
  readonly rows: number;
}

/** A table's share of the storage. */
export interface TableShare extends TableBytes {
  /** `totalBytes / accepted events`. */
  readonly bytesPerEvent: number;
  /** Of the database's total, 0..1. */
  readonly share: number;
}

/** The storage of a run, in total and per table (largest first). */
export interface StorageAccount {
  readonly acceptedEvents: number;
  readonly totalBytes: number;
  /** `totalBytes / acceptedEvents`; NaN without events. */
  readonly bytesPerEvent: number;
  readonly tables: readonly TableShare[];
}

/** Sum the tables and divide by `acceptedEvents`; tables largest first, ties by name. */
export function accountStorage(tables: readonly TableBytes[], acceptedEvents: number): StorageAccount {
  const totalBytes = tables.reduce((sum, t) => sum + t.totalBytes, 0);
  const per = (bytes: number) => (acceptedEvents > 0 ? bytes / acceptedEvents : Number.NaN);
  const shares = tables
    .map((t) => ({ ...t, bytesPerEvent: per(t.totalBytes), share: totalBytes > 0 ? t.totalBytes / totalBytes : 0 }))
    .sort((a, b) => b.totalBytes - a.totalBytes || a.table.localeCompare(b.table));
  return { acceptedEvents, totalBytes, bytesPerEvent: per(totalBytes), tables: shares };
}

/** `VACUUM ANALYZE` the database at `databaseUrl`, then size and count every table of its `public` schema. */
export async function measureTables(databaseUrl: string): Promise<TableBytes[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe('VACUUM ANALYZE');
    const rows = await sql<Array<{ table: string; total: string; heap: string; indexes: string }>>`
      SELECT c.relname AS table, pg_total_relation_size(c.oid)::text AS total,
             pg_relation_size(c.oid)::text AS heap, pg_indexes_size(c.oid)::text AS indexes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'm')
      ORDER BY c.relname`;
    const tables: TableBytes[] = [];
    for (const r of rows) {
      const [count] = await sql<Array<{ n: string }>>`SELECT count(*)::text AS n FROM ${sql(r.table)}`;
      tables.push({ table: r.table, totalBytes: Number(r.total), heapBytes: Number(r.heap), indexBytes: Number(r.indexes), rows: Number(count?.n) });
    }
    return tables;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * What the collector left in PostgreSQL: the events and batches it stored for the project, dead
 * letters, and how much work the database did for them (commits, WAL fsyncs and bytes).
 */
import postgres from 'postgres';
import type { LoadReport } from './worker-protocol.js';

/** What the database holds after a collector run, next to what the load generator was told. */
export interface StoredCounts {
  /** Sum of `accepted` over every 202 answer (warm-up and measured run). */
  readonly acknowledgedEvents: number;
  /** 2xx answers (warm-up and measured run). */
  readonly acknowledgedBatches: number;
  /** Sum of `event_counts_hourly.events` of the project. */
  readonly hourlyEvents: number;
  /** Rows of `ingest_batches` of the project, and the sum of their `events`. */
  readonly ledgerBatches: number;
  readonly ledgerEvents: number;
  /** Rows of `dlq` (none expected: the sample is valid). */
  readonly deadLetters: number;
}

/** What PostgreSQL did for the collector's run (warm-up and measured run, and start-up). */
export interface PostgresActivity {
  /** Committed transactions in the collector's database. */
  readonly commits: number;
  /**
   * Flush statements the write buffer ran (calls of their guard function, counted where the
   * database tracks function calls: see {@link trackFlushes}); null where it does not.
   */
  readonly flushes: number | null;
  /** WAL flushes to disk (fsync) and WAL bytes written, server-wide, from before start to after stop. */
  readonly walSyncs: number;
  readonly walBytes: number;
  /**
   * CPU time of the PostgreSQL server (all its processes, ms) from the collector's start to the
   * load's end, warm-up included; null where /proc cannot be read.
   */
  readonly cpuMs: number | null;
}

/** Create an empty database on the server at `serverUrl`; returns its connection string. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench: "${name}" is not a plain database name`);
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

/**
 * Have PostgreSQL count calls of PL/pgSQL functions in the database at `databaseUrl`, for
 * connections opened from now on: each flush statement calls its guard function once.
 */
export async function trackFlushes(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench: "${name}" is not a plain database name`);
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`ALTER DATABASE ${name} SET track_functions = 'pl'`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Flush statements run in the database so far, or null where {@link trackFlushes} did not run.
 * Backends report their counts as they end their transactions or exit, so a reading right after
 * the collector stopped can be short for a moment; `atLeast` waits (up to 5 s) for that many.
 */
export async function countFlushes(databaseUrl: string, atLeast = 0): Promise<number | null> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    for (let waited = 0; ; waited += 100) {
      const flushes = await flushesIn(sql);
      if (flushes === null || flushes >= atLeast || waited >= 5000) return flushes;
      await new Promise((resolve) => setTimeout(resolve, 100));
      // A new snapshot of the statistics on the next read.
      await sql`SELECT pg_stat_clear_snapshot()`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function flushesIn(sql: postgres.Sql): Promise<number | null> {
  // Each flush statement calls its guard function once (migration 0006).
  const [guard] = await sql<Array<{ calls: string }>>`
    SELECT calls::text AS calls FROM pg_stat_user_functions WHERE funcname = 'vantage_all_batches_new'`;
  return guard ? Number(guard.calls) : null;
}

/** What the database holds for the project, its commits and flush statements. */
export type Counted = Omit<StoredCounts, 'acknowledgedEvents' | 'acknowledgedBatches'> & { commits: number; flushes: number | null };

/** Count the project's stored events and batches, the dead letters and the database's commits. */
export async function countStored(databaseUrl: string, projectId: string): Promise<Counted> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const [hourly] = await sql<Array<{ events: string }>>`
      SELECT coalesce(sum(events), 0)::text AS events FROM event_counts_hourly WHERE project_id = ${projectId}`;
    const [ledger] = await sql<Array<{ batches: string; events: string }>>`
      SELECT count(*)::text AS batches, coalesce(sum(events), 0)::text AS events FROM ingest_batches WHERE project_id = ${projectId}`;
    const [dlq] = await sql<Array<{ rows: string }>>`SELECT count(*)::text AS rows FROM dlq`;
    const [stats] = await sql<Array<{ commits: string }>>`
      SELECT xact_commit::text AS commits FROM pg_stat_database WHERE datname = current_database()`;
    return {
      commits: Number(stats?.commits),
      flushes: await flushesIn(sql),
      hourlyEvents: Number(hourly?.events),
      ledgerBatches: Number(ledger?.batches),
      ledgerEvents: Number(ledger?.events),
      deadLetters: Number(dlq?.rows),
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Every way the stored counts differ from what was acknowledged (empty when they match). */
export function storageProblems(stored: StoredCounts, report: LoadReport): string[] {
  const problems: string[] = [];
  const sent = (report.warmup?.events ?? 0) + report.measured.events;
  if (stored.hourlyEvents !== stored.acknowledgedEvents) {
    problems.push(`event_counts_hourly holds ${stored.hourlyEvents} events, ${stored.acknowledgedEvents} were acknowledged`);
  }
  if (stored.ledgerEvents !== stored.acknowledgedEvents) {
    problems.push(`ingest_batches counts ${stored.ledgerEvents} events, ${stored.acknowledgedEvents} were acknowledged`);
  }
  if (stored.ledgerBatches !== stored.acknowledgedBatches) {
    problems.push(`ingest_batches holds ${stored.ledgerBatches} batches, ${stored.acknowledgedBatches} were acknowledged`);
  }
  if (stored.deadLetters > 0) problems.push(`${stored.deadLetters} dead letters from a valid sample`);
  const failed = Object.keys(report.measured.errors).length + Object.keys(report.warmup?.errors ?? {}).length;
  if (failed === 0 && stored.acknowledgedEvents !== sent) {
    problems.push(`${sent - stored.acknowledgedEvents} of ${sent} valid events were not accepted`);
  }
  return problems;
}

/** Server-wide WAL counters. */
export interface WalCounters {
  readonly syncs: number;
  readonly bytes: number;
}

/** WAL fsyncs and bytes written since the server started. */
export async function walCounters(serverUrl: string): Promise<WalCounters> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    const [wal] = await sql<Array<{ syncs: string; bytes: string }>>`SELECT wal_sync::text AS syncs, wal_bytes::text AS bytes FROM pg_stat_wal`;
    return { syncs: Number(wal?.syncs), bytes: Number(wal?.bytes) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}


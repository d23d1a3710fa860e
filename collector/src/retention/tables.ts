/**
 * What retention deletes, table by table, and the SQL it does it with. The tables of
 * per-session data are listed once, in {@link PER_SESSION_TABLES}: a new kind of per-session
 * data (the raw session streams, say) is one more line there, and the run, its report, its
 * audit row and the CLI's table pick it up.
 *
 * Never listed, so never deleted: the aggregates (`event_counts_hourly`, `drops_daily`, the `agg_`
 * rollups but for the per-session `agg_error_sessions`), the audit log (append-only), projects,
 * keys, scenes and rate buckets.
 */

/** A table retention deletes old rows from, chosen by a timestamp column against a cutoff. */
export interface RetentionTable {
  /** SQL name of the table. */
  readonly table: string;
  /** Its primary key, `project_id` first: each batch picks the rows to delete by it. */
  readonly key: readonly string[];
  /** The `timestamptz` column compared with the cutoff; rows with a value before it go. */
  readonly time: string;
}

/**
 * Per-session data, kept for the project's `retention_days` after its last activity.
 * - `sessions` by `started_at` (indexed; `last_seen_at` changes with every batch and is left
 *   unindexed so those updates stay in place): a session's data goes `retention_days` after it
 *   began, a few hours early at most for a long one;
 * - `identity_links` by `linked_at`; a link older than the cutoff goes whether or not its
 *   session row still exists, which also clears links whose session is already gone;
 * - `ingest_batches`, the dedup ledger (it holds session ids), by `received_at`. A batch resent
 *   after its ledger row is gone would count again; no client retries for `retention_days`;
 * - `session_chunks`, the raw session streams (only written with raw retention on), by `received_at`;
 * - `agg_error_sessions`, the sessions each error was seen in (`aggregates/errors.ts`), by `hour`:
 *   the error's count stays, the sessions behind it go.
 */
export const PER_SESSION_TABLES = [
  { table: 'sessions', key: ['project_id', 'id'], time: 'started_at' },
  { table: 'identity_links', key: ['project_id', 'session_id', 'anonymous_id', 'user_id'], time: 'linked_at' },
  { table: 'ingest_batches', key: ['project_id', 'session_id', 'seq'], time: 'received_at' },
  { table: 'session_chunks', key: ['project_id', 'session_id', 'seq'], time: 'received_at' },
  { table: 'agg_error_sessions', key: ['project_id', 'scene_id', 'fingerprint', 'hour', 'session_id'], time: 'hour' },
] as const satisfies readonly RetentionTable[];

/** Dead letters hold raw payloads: kept `min(DLQ_RETENTION_DAYS, retention_days)` days. */
export const DLQ_TABLE = { table: 'dlq', key: ['project_id', 'id'], time: 'received_at' } as const satisfies RetentionTable;

/** Monthly usage for quotas: the current UTC month and the 12 before it are kept. */
export const USAGE_TABLE = { table: 'usage_monthly', key: ['project_id', 'month'], time: 'month' } as const satisfies RetentionTable;

/** Expired visitor and IP salts (`privacy/salts.ts`), deleted by `pruneSalts`. */
export const SALTS_TABLE = 'visitor_salts';

/**
 * Daily visitor hashes of the activity aggregate (`aggregates/activity.ts`): a run freezes those
 * that can no longer recur into per-day counts and deletes them, so no hash outlives its salt.
 */
export const VISITOR_HASHES_TABLE = 'agg_visitor_hashes';

/** The name of every table a run reports on, in report order. */
export type RetentionTableName =
  | (typeof PER_SESSION_TABLES)[number]['table']
  | typeof DLQ_TABLE.table
  | typeof USAGE_TABLE.table
  | typeof SALTS_TABLE
  | typeof VISITOR_HASHES_TABLE;

/** Every table a run reports on, in report (and CLI column) order. */
export const RETENTION_TABLE_NAMES: readonly RetentionTableName[] = [
  ...PER_SESSION_TABLES.map((t) => t.table),
  DLQ_TABLE.table,
  USAGE_TABLE.table,
  SALTS_TABLE,
  VISITOR_HASHES_TABLE,
];

/** Months of `usage_monthly` kept: the current month and the 12 before it. */
export const USAGE_MONTHS_KEPT = 13;

/** Statements for one table: `$1` project id, `$2` cutoff, `$3` batch size. */
export interface TableStatements {
  /**
   * Deletes at most `$3` of the project's rows older than `$2`, oldest first, chosen by primary
   * key through the `(project_id, time)` index; answers one row `{n}`, the number deleted. The
   * outer `project_id = $1` keeps the statement on one shard once the schema is distributed by
   * project (Citus).
   */
  deleteBatch: string;
  /** Counts the project's rows older than `$2` (a dry run); answers `{n}`. */
  count: string;
}

/** The delete and count statements of `table` (constant text, so drivers can prepare them once). */
export function statementsFor(table: RetentionTable): TableStatements {
  const key = table.key.join(', ');
  const older = `project_id = $1 AND ${table.time} < $2`;
  return {
    deleteBatch:
      `WITH gone AS (DELETE FROM ${table.table} WHERE project_id = $1 AND (${key}) IN ` +
      `(SELECT ${key} FROM ${table.table} WHERE ${older} ORDER BY ${table.time} LIMIT $3) RETURNING 1) ` +
      'SELECT count(*) AS n FROM gone',
    count: `SELECT count(*) AS n FROM ${table.table} WHERE ${older}`,
  };
}

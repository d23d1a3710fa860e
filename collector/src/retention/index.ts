/**
 * Retention: per-session data, dead letters, monthly usage and expired salts deleted once they
 * outlive the project's `retention_days` (and `DLQ_RETENTION_DAYS`), in bounded batches, by a
 * job inside the collector and by `vantage retention run`. Aggregates are kept.
 */
export {
  runRetention,
  emptyReport,
  monthStart,
  DEFAULT_BATCH_SIZE,
  DEFAULT_DLQ_RETENTION_DAYS,
  RETENTION_AUDIT_ACTION,
  type RetentionOptions,
  type RetentionBatch,
  type RetentionReport,
  type ProjectRetentionReport,
  type RetentionCutoffs,
  type TableCounts,
} from './run.js';
export { startRetentionJob, FIRST_RUN_DELAY_MS, type RetentionJob, type RetentionJobOptions } from './job.js';
export { tryRetentionLock, RETENTION_LOCK_KEY } from './lock.js';
export { formatRetentionReport } from './format.js';
export { PER_SESSION_TABLES, RETENTION_TABLE_NAMES, USAGE_MONTHS_KEPT, type RetentionTable, type RetentionTableName } from './tables.js';

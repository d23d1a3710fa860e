/**
 * One retention run: for each project, delete the per-session data, dead letters, monthly
 * usage and visitor salts that have outlived their retention, in small batches, and audit
 * what went. Aggregates are never touched.
 *
 * Each batch is its own short autocommitted statement deleting at most `batchSize` rows, and
 * the run yields to the event loop between batches, so ingest keeps flowing: on PostgreSQL no
 * long transaction holds locks, and on the embedded store (one connection, statements in
 * order) an ingest flush waits for one batch at most, never for the whole run. The price is
 * that a run is not atomic: one stopped halfway has deleted some old rows and the next run
 * deletes the rest; nothing recent is ever touched.
 */
import { performance } from 'node:perf_hooks';
import { countFreezableVisitorHashes, freezeVisitorDays } from '../aggregates/activity.js';
import { pruneSalts } from '../privacy/salts.js';
import { NIL_PROJECT_ID } from '../storage/schema.js';
import type { Store } from '../storage/types.js';
import { auditStatement, type Actor } from '../tenants/audit.js';
import {
  DLQ_TABLE,
  PER_SESSION_TABLES,
  RETENTION_TABLE_NAMES,
  SALTS_TABLE,
  VISITOR_HASHES_TABLE,
  USAGE_MONTHS_KEPT,
  USAGE_TABLE,
  statementsFor,
  type RetentionTable,
  type RetentionTableName,
} from './tables.js';

/** Rows per delete statement unless told otherwise. */
export const DEFAULT_BATCH_SIZE = 5_000;

/** `DLQ_RETENTION_DAYS`'s default, used when no `dlqRetentionDays` is given. */
export const DEFAULT_DLQ_RETENTION_DAYS = 30;

/** Audit action of a run that deleted something. */
export const RETENTION_AUDIT_ACTION = 'retention.run';

const DAY_MS = 86_400_000;

/** What to run. */
export interface RetentionOptions {
  /** The instant the cutoffs are measured from; default now (tests pass a fixed one). */
  now?: Date;
  /** Count what would be deleted; delete nothing, write nothing (no audit row either). */
  dryRun?: boolean;
  /** Most rows one delete statement removes, 1–100,000; default {@link DEFAULT_BATCH_SIZE}. */
  batchSize?: number;
  /** `DLQ_RETENTION_DAYS`: dead letters are kept at most this long; default 30. */
  dlqRetentionDays?: number;
  /**
   * Only this project (its salts included). {@link NIL_PROJECT_ID} means only the dead letters
   * of unknown projects. Default: every project, then the nil project's dead letters.
   */
  projectId?: string;
  /** Who the audit rows name: `system` (default, the scheduled job) or `cli`. */
  actor?: Actor;
  /** Stops the run between two statements; the report then says `aborted`. */
  signal?: AbortSignal;
  /** Called after each statement with the rows it deleted (or counted, in a dry run). */
  onBatch?: (batch: RetentionBatch) => void;
  /** `HASH_ROTATION_HOURS`, for projects without their own: how long a visitor hash can recur. Default 24. */
  hashRotationHours?: number;
}

/** One statement of a run, as {@link RetentionOptions.onBatch} sees it. */
export interface RetentionBatch {
  projectId: string;
  table: RetentionTableName;
  /** Rows deleted by the statement (or counted, in a dry run). */
  rows: number;
}

/** A number per table a run reports on. */
export type TableCounts = Record<RetentionTableName, number>;

/** The instants a project's rows were compared with. */
export interface RetentionCutoffs {
  /** Per-session rows last active before it go: now − `retention_days`. Null for the nil project. */
  perSession: Date | null;
  /** Dead letters received before it go: now − min(`DLQ_RETENTION_DAYS`, `retention_days`). */
  dlq: Date;
  /** The oldest month of `usage_monthly` kept (the 12th before the current one). Null for the nil project. */
  usageMonthly: Date | null;
  /** Salts that expired at or before it go: the run's now. Null for the nil project. */
  visitorSalts: Date | null;
}

/** What a run did to one project. */
export interface ProjectRetentionReport {
  projectId: string;
  /** The project's `retention_days`; null for the nil project (dead letters of unknown projects). */
  retentionDays: number | null;
  cutoffs: RetentionCutoffs;
  /** Rows deleted per table; in a dry run, rows that would be deleted. */
  deleted: TableCounts;
  /** Statements run per table: delete batches, or counts in a dry run. */
  statements: TableCounts;
  /** Rows deleted (or that would be) over every table. */
  total: number;
}

/** What a run did. */
export interface RetentionReport {
  dryRun: boolean;
  /** The instant the cutoffs were measured from. */
  at: Date;
  batchSize: number;
  dlqRetentionDays: number;
  /** One entry per project looked at, the nil project last. */
  projects: ProjectRetentionReport[];
  /** Rows per table over every project. */
  totals: TableCounts;
  /** Every row deleted (or that would be). */
  total: number;
  /** Statements run, every project and table. */
  statements: number;
  /** Wall time of the run in milliseconds. */
  durationMs: number;
  /** Stopped by its signal before the end; the next run deletes the rest. */
  aborted: boolean;
  /** Set when nothing ran because another collector process holds the retention lock. */
  skipped?: 'locked';
}

/** Zero for every table. */
export function emptyCounts(): TableCounts {
  return Object.fromEntries(RETENTION_TABLE_NAMES.map((name) => [name, 0])) as TableCounts;
}

/** The report of a run that did nothing (skipped, or an empty store). */
export function emptyReport(at: Date, options: { dryRun: boolean; batchSize: number; dlqRetentionDays: number }): RetentionReport {
  return { ...options, at, projects: [], totals: emptyCounts(), total: 0, statements: 0, durationMs: 0, aborted: false };
}

/** First instant (UTC) of the month `monthsBack` months before the month of `now`. */
export function monthStart(now: Date, monthsBack: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1));
}

function check(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`Vantage: retention ${name} must be an integer in ${min}..${max}, got ${value}`);
  return value;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const PER_SESSION = PER_SESSION_TABLES.map((table) => ({ table, sql: statementsFor(table) }));
const DLQ = { table: DLQ_TABLE, sql: statementsFor(DLQ_TABLE) };
const USAGE = { table: USAGE_TABLE, sql: statementsFor(USAGE_TABLE) };

type Target = { table: RetentionTable & { table: RetentionTableName }; sql: ReturnType<typeof statementsFor> };

/** The settled options and the running totals of one run. */
interface RunContext {
  store: Store;
  now: Date;
  dryRun: boolean;
  batchSize: number;
  dlqRetentionDays: number;
  actor: Actor;
  signal: AbortSignal | undefined;
  onBatch: ((batch: RetentionBatch) => void) | undefined;
  aborted: boolean;
  hashRotationHours: number;
}

/**
 * Apply retention at `options.now` (default now) to every project, or to `options.projectId`.
 * Returns what was deleted (or, with `dryRun`, what would be), per project and table. A real
 * run appends one `retention.run` audit row per project it deleted something from (a run that
 * deleted nothing leaves no row: the scheduled job logs every run instead). Throws when
 * `projectId` names no project, or when the store fails; rows deleted before a failure stay
 * deleted and are audited with `incomplete: true`.
 */
export async function runRetention(store: Store, options: RetentionOptions = {}): Promise<RetentionReport> {
  const started = performance.now();
  const ctx: RunContext = {
    store,
    now: options.now ?? new Date(),
    dryRun: options.dryRun ?? false,
    batchSize: check('batchSize', options.batchSize ?? DEFAULT_BATCH_SIZE, 1, 100_000),
    dlqRetentionDays: check('dlqRetentionDays', options.dlqRetentionDays ?? DEFAULT_DLQ_RETENTION_DAYS, 1, 3650),
    actor: options.actor ?? 'system',
    signal: options.signal,
    onBatch: options.onBatch,
    aborted: false,
    hashRotationHours: check('hashRotationHours', options.hashRotationHours ?? 24, 1, 8760),
  };
  const projects = await projectsToRun(store, options.projectId);
  const report = emptyReport(ctx.now, { dryRun: ctx.dryRun, batchSize: ctx.batchSize, dlqRetentionDays: ctx.dlqRetentionDays });
  for (const project of projects) {
    if (stopRequested(ctx)) break;
    report.projects.push(await applyToProject(ctx, project.id, project.retentionDays));
  }
  for (const project of report.projects) {
    for (const name of RETENTION_TABLE_NAMES) {
      report.totals[name] += project.deleted[name];
      report.statements += project.statements[name];
    }
    report.total += project.total;
  }
  report.aborted = ctx.aborted;
  report.durationMs = performance.now() - started;
  return report;
}

/** The projects to run on, with the nil project (`retentionDays` null) last when included. */
async function projectsToRun(store: Store, projectId: string | undefined): Promise<{ id: string; retentionDays: number | null }[]> {
  if (projectId === NIL_PROJECT_ID) return [{ id: NIL_PROJECT_ID, retentionDays: null }];
  const rows =
    projectId === undefined
      ? await store.query<{ id: string; retention_days: number }>('SELECT id, retention_days FROM projects ORDER BY id')
      : await store.query<{ id: string; retention_days: number }>('SELECT id, retention_days FROM projects WHERE id = $1', [projectId]);
  if (projectId !== undefined && rows.length === 0) throw new Error(`Vantage: no project ${projectId}`);
  const out: { id: string; retentionDays: number | null }[] = rows.map((r) => ({ id: r.id, retentionDays: Number(r.retention_days) }));
  if (projectId === undefined) out.push({ id: NIL_PROJECT_ID, retentionDays: null });
  return out;
}

function stopRequested(ctx: RunContext): boolean {
  if (ctx.signal?.aborted) ctx.aborted = true;
  return ctx.aborted;
}

/** Cutoffs of one project; `retentionDays` null is the nil project (dead letters only). */
function cutoffsFor(ctx: RunContext, retentionDays: number | null): RetentionCutoffs {
  const dlqDays = retentionDays === null ? ctx.dlqRetentionDays : Math.min(ctx.dlqRetentionDays, retentionDays);
  return {
    perSession: retentionDays === null ? null : new Date(ctx.now.getTime() - retentionDays * DAY_MS),
    dlq: new Date(ctx.now.getTime() - dlqDays * DAY_MS),
    usageMonthly: retentionDays === null ? null : monthStart(ctx.now, USAGE_MONTHS_KEPT - 1),
    visitorSalts: retentionDays === null ? null : ctx.now,
  };
}

async function applyToProject(ctx: RunContext, projectId: string, retentionDays: number | null): Promise<ProjectRetentionReport> {
  const cutoffs = cutoffsFor(ctx, retentionDays);
  const report: ProjectRetentionReport = { projectId, retentionDays, cutoffs, deleted: emptyCounts(), statements: emptyCounts(), total: 0 };
  const plan: [Target, Date][] = [];
  if (cutoffs.perSession) for (const target of PER_SESSION) plan.push([target, cutoffs.perSession]);
  plan.push([DLQ, cutoffs.dlq]);
  if (cutoffs.usageMonthly) plan.push([USAGE, cutoffs.usageMonthly]);
  // `&&=` skips the remaining tables once the run has been stopped.
  let complete = true;
  try {
    for (const [target, cutoff] of plan) complete &&= await applyToTable(ctx, report, target, cutoff);
    if (cutoffs.visitorSalts) complete &&= await applyToSalts(ctx, report, cutoffs.visitorSalts);
  } catch (error) {
    await audit(ctx, report, true).catch(() => undefined);
    throw error;
  }
  await audit(ctx, report, !complete);
  return report;
}

/**
 * Deletes (or counts) one table's rows of the project older than `cutoff`, batch by batch.
 * Resolves false when the run was stopped before the table was done.
 */
async function applyToTable(ctx: RunContext, report: ProjectRetentionReport, target: Target, cutoff: Date): Promise<boolean> {
  const name = target.table.table;
  if (ctx.dryRun) {
    if (stopRequested(ctx)) return false;
    const rows = await ctx.store.query<{ n: unknown }>(target.sql.count, [report.projectId, cutoff]);
    record(ctx, report, name, Number(rows[0]?.n ?? 0));
    return true;
  }
  for (;;) {
    if (stopRequested(ctx)) return false;
    const rows = await ctx.store.query<{ n: unknown }>(target.sql.deleteBatch, [report.projectId, cutoff, ctx.batchSize]);
    const deleted = Number(rows[0]?.n ?? 0);
    record(ctx, report, name, deleted);
    if (deleted < ctx.batchSize) return true;
    // Let requests that arrived meanwhile (ingest flushes above all) take their turn.
    await yieldToEventLoop();
  }
}

/**
 * Expired salts of the project. A project has a handful of salt rows (current and previous
 * periods of two kinds), so `pruneSalts`'s single statement is already small. Resolves false
 * when the run was stopped first.
 */
async function applyToSalts(ctx: RunContext, report: ProjectRetentionReport, now: Date): Promise<boolean> {
  if (stopRequested(ctx)) return false;
  if (ctx.dryRun) {
    const rows = await ctx.store.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${SALTS_TABLE} WHERE project_id = $1 AND expires_at <= $2`, [report.projectId, now]);
    record(ctx, report, SALTS_TABLE, Number(rows[0]?.n ?? 0));
  } else {
    record(ctx, report, SALTS_TABLE, await pruneSalts(ctx.store, { now, projectId: report.projectId }));
  }
  if (stopRequested(ctx)) return false;
  // Daily visitor hashes whose salt period is over become counts (see aggregates/activity.ts).
  const [project] = await ctx.store.query<{ hours: number | null }>('SELECT hash_rotation_hours AS hours FROM projects WHERE id = $1', [report.projectId]);
  const ttlMs = (project?.hours ?? ctx.hashRotationHours) * 3_600_000;
  const freeze = ctx.dryRun ? countFreezableVisitorHashes : freezeVisitorDays;
  record(ctx, report, VISITOR_HASHES_TABLE, await freeze(ctx.store, report.projectId, ttlMs, now.getTime()));
  return true;
}

function record(ctx: RunContext, report: ProjectRetentionReport, table: RetentionTableName, rows: number): void {
  report.deleted[table] += rows;
  report.statements[table] += 1;
  report.total += rows;
  ctx.onBatch?.({ projectId: report.projectId, table, rows });
}

/**
 * One audit row for what a real run deleted from the project, or none when it deleted nothing.
 * It cannot share a transaction with the deletes (each batch commits on its own, on purpose),
 * so it is appended right after them; `incomplete` marks a run that stopped or failed midway.
 */
async function audit(ctx: RunContext, report: ProjectRetentionReport, incomplete: boolean): Promise<void> {
  if (ctx.dryRun || report.total === 0) return;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const detail: Record<string, unknown> = {
    deleted: report.deleted,
    retentionDays: report.retentionDays,
    dlqRetentionDays: ctx.dlqRetentionDays,
    cutoffs: {
      perSession: iso(report.cutoffs.perSession),
      dlq: iso(report.cutoffs.dlq),
      usageMonthly: iso(report.cutoffs.usageMonthly),
      visitorSalts: iso(report.cutoffs.visitorSalts),
    },
  };
  if (incomplete) detail.incomplete = true;
  await ctx.store.transaction([auditStatement(report.projectId, ctx.actor, RETENTION_AUDIT_ACTION, report.projectId, detail)]);
}

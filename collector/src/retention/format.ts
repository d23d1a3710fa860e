/**
 * A retention report as text for people: one row per project with its retention and the rows
 * deleted from each table, a total row, and a closing line (`dry run: nothing deleted` when so).
 */
import { NIL_PROJECT_ID } from '../storage/schema.js';
import type { RetentionReport } from './run.js';
import { RETENTION_TABLE_NAMES } from './tables.js';

/** Label of the nil project's row: dead letters whose project is unknown. */
const UNKNOWN_PROJECTS = '(unknown projects)';

/** The lines of `report`, without trailing newlines. */
export function formatRetentionReport(report: RetentionReport): string[] {
  if (report.skipped === 'locked') return ['Another collector process is running retention right now; nothing was done. Try again later.'];
  const header = ['project', 'retention', ...RETENTION_TABLE_NAMES];
  const rows = report.projects.map((p) => [
    p.projectId === NIL_PROJECT_ID ? UNKNOWN_PROJECTS : p.projectId,
    p.retentionDays === null ? '-' : `${p.retentionDays}d`,
    ...RETENTION_TABLE_NAMES.map((name) => String(p.deleted[name])),
  ]);
  const total = ['total', '', ...RETENTION_TABLE_NAMES.map((name) => String(report.totals[name]))];
  const table = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  // Text columns left-aligned, counts right-aligned.
  const line = (row: string[]) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const seconds = (report.durationMs / 1000).toFixed(1);
  const verb = report.dryRun ? 'would be deleted' : 'deleted';
  const out = [
    `Retention at ${report.at.toISOString()} (dead letters kept at most ${report.dlqRetentionDays} days; usage: this month and the 12 before it).`,
    `Rows ${verb}, per project and table:`,
    ...table.map(line),
    `${report.total} rows ${verb} in ${seconds} s${report.aborted ? ' (stopped before the end; the next run deletes the rest)' : ''}.`,
  ];
  if (report.dryRun) out.push('dry run: nothing deleted');
  return out;
}

import { describe, expect, it } from 'vitest';
import { DRIVERS, useTestStore } from '../testing/harness.js';
import {
  columnValues,
  countRows,
  daysBefore,
  seedAggregates,
  seedBatch,
  seedDeadLetter,
  seedLink,
  seedSalt,
  seedSession,
  seedSessions,
  seedUsage,
} from '../testing/retention-seed.js';
import { NIL_PROJECT_ID } from '../storage/schema.js';
import type { Store } from '../storage/types.js';
import { createProject } from '../tenants/projects.js';
import { runRetention, type ProjectRetentionReport, type RetentionBatch, type RetentionReport } from './run.js';
import { RETENTION_TABLE_NAMES } from './tables.js';

const NOW = new Date(Date.UTC(2026, 10, 23, 12, 0, 0));
const TABLES = ['sessions', 'identity_links', 'ingest_batches', 'dlq', 'usage_monthly', 'visitor_salts', 'event_counts_hourly', 'drops_daily', 'agg_visitor_hashes', 'session_chunks', 'agg_error_sessions'];

interface AuditRow {
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

function projectReport(report: RetentionReport, projectId: string): ProjectRetentionReport {
  const found = report.projects.find((p) => p.projectId === projectId);
  if (!found) throw new Error(`no report for ${projectId}`);
  return found;
}

describe.each(DRIVERS)('retention runs on the %s store', (driver) => {
  const db = useTestStore(driver);

  async function project(retentionDays: number): Promise<string> {
    const { project } = await createProject(db.store, { name: `retention ${retentionDays}d`, privacyMode: 'standard', retentionDays, allowedOrigins: [] }, 'test');
    return project.id;
  }

  async function audits(projectId: string): Promise<AuditRow[]> {
    return db.store.query<AuditRow & Record<string, unknown>>("SELECT actor, action, target, detail FROM audit_log WHERE project_id = $1 AND action = 'retention.run' ORDER BY at", [projectId]);
  }

  async function counts(projectId: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of TABLES) out[table] = await countRows(db.store, table, projectId);
    return out;
  }

  /** Old and recent rows of every kind for a project whose retention is `days`. */
  async function seedMixed(projectId: string, days: number): Promise<void> {
    const old = daysBefore(NOW, days + 1);
    const recent = daysBefore(NOW, days - 0.5);
    await seedSession(db.store, projectId, 'old', old);
    await seedSession(db.store, projectId, 'recent', recent);
    // Exactly at the cutoff is not older than it: kept.
    await seedSession(db.store, projectId, 'at-cutoff', daysBefore(NOW, days));
    await seedLink(db.store, projectId, 'old', old);
    await seedLink(db.store, projectId, 'recent', recent);
    // A link whose session row is already gone, old enough to go.
    await seedLink(db.store, projectId, 'vanished', old);
    await seedBatch(db.store, projectId, 'old', 0, old);
    await seedBatch(db.store, projectId, 'old', 1, old);
    await seedBatch(db.store, projectId, 'recent', 0, recent);
    // Raw stream chunks go by their receipt, like the ledger.
    for (const [session, seq, at] of [['old', 0, old], ['recent', 0, recent]] as const) {
      await db.store.query(
        "INSERT INTO session_chunks (project_id, session_id, seq, scene_id, start_ms, end_ms, events, data, received_at) VALUES ($1, $2, $3, 's', 0, 0, 0, '\\x00', $4)",
        [projectId, session, seq, at],
      );
    }
    // The sessions an error was seen in are per-session data: they go by their hour.
    for (const [session, at] of [['old', old], ['recent', recent]] as const) {
      await db.store.query("INSERT INTO agg_error_sessions (project_id, scene_id, hour, fingerprint, session_id) VALUES ($1, 's', $2, 'f00df00df00df00d', $3)", [projectId, at, session]);
    }
    // Aggregates outlive everything, however old.
    await seedAggregates(db.store, projectId, daysBefore(NOW, 4000));
  }

  it('deletes exactly the per-session rows older than each project\'s retention_days and keeps the rest', async () => {
    const short = await project(1);
    const long = await project(90);
    await seedMixed(short, 1);
    await seedMixed(long, 90);
    // Two days old: gone in the 1-day project, kept in the 90-day one.
    await seedSession(db.store, long, 'two-days', daysBefore(NOW, 2));

    const report = await runRetention(db.store, { now: NOW });

    for (const id of [short, long]) {
      expect(await columnValues(db.store, 'sessions', 'id', id)).toEqual(id === long ? ['at-cutoff', 'recent', 'two-days'] : ['at-cutoff', 'recent']);
      expect(await columnValues(db.store, 'identity_links', 'session_id', id)).toEqual(['recent']);
      expect(await columnValues(db.store, 'ingest_batches', 'session_id', id)).toEqual(['recent']);
      expect(await columnValues(db.store, 'session_chunks', 'session_id', id)).toEqual(['recent']);
      expect(await columnValues(db.store, 'agg_error_sessions', 'session_id', id)).toEqual(['recent']);
      expect(await countRows(db.store, 'event_counts_hourly', id)).toBe(1);
      expect(await countRows(db.store, 'drops_daily', id)).toBe(1);
      expect(await countRows(db.store, 'agg_errors', id)).toBe(1);
      const mine = projectReport(report, id);
      expect(mine.deleted).toMatchObject({ sessions: 1, identity_links: 2, ingest_batches: 2 });
    }
    expect(projectReport(report, short).cutoffs.perSession).toEqual(daysBefore(NOW, 1));
    expect(projectReport(report, long).cutoffs.perSession).toEqual(daysBefore(NOW, 90));
    expect(report.dryRun).toBe(false);
    expect(report.aborted).toBe(false);
    expect(report.projects.at(-1)?.projectId).toBe(NIL_PROJECT_ID);
  });

  it('deletes in bounded batches: batchSize 2 over 7 rows takes four statements and deletes all 7', async () => {
    const id = await project(1);
    await seedSessions(db.store, id, 'old', 7, daysBefore(NOW, 3));
    await seedSession(db.store, id, 'recent', NOW);
    const batches: RetentionBatch[] = [];

    const report = await runRetention(db.store, { now: NOW, batchSize: 2, projectId: id, onBatch: (b) => batches.push(b) });

    expect(await columnValues(db.store, 'sessions', 'id', id)).toEqual(['recent']);
    const mine = projectReport(report, id);
    expect(mine.deleted.sessions).toBe(7);
    expect(mine.statements.sessions).toBe(4);
    expect(batches.filter((b) => b.table === 'sessions').map((b) => b.rows)).toEqual([2, 2, 2, 1]);
    expect(Math.max(...batches.map((b) => b.rows))).toBeLessThanOrEqual(2);
    expect(report.projects.map((p) => p.projectId)).toEqual([id]);
  });

  it('a dry run deletes and writes nothing and reports what the real run then deletes', async () => {
    const short = await project(1);
    const long = await project(90);
    for (const [id, days] of [[short, 1], [long, 90]] as const) {
      await seedMixed(id, days);
      await seedDeadLetter(db.store, id, daysBefore(NOW, 45));
      await seedUsage(db.store, id, new Date(Date.UTC(2024, 0, 1)));
      await seedSalt(db.store, id, daysBefore(NOW, 3), daysBefore(NOW, 1));
      // A visitor hash of two days ago (frozen into a count) and one of now (kept).
      for (const at of [daysBefore(NOW, 2), NOW]) {
        await db.store.query('INSERT INTO agg_visitor_hashes (project_id, scene_id, day, visitor_hash, last_seen_ms) VALUES ($1, $2, $3, $4, $5)', [id, 's', at, `h${at.getTime()}`, at.getTime()]);
      }
    }
    const before = { short: await counts(short), long: await counts(long) };
    const auditBefore = (await db.store.query('SELECT id FROM audit_log')).length;

    const dry = await runRetention(db.store, { now: NOW, dryRun: true });

    expect({ short: await counts(short), long: await counts(long) }).toEqual(before);
    expect((await db.store.query('SELECT id FROM audit_log')).length).toBe(auditBefore);
    expect(dry.dryRun).toBe(true);
    expect(projectReport(dry, short).total).toBeGreaterThan(0);

    const real = await runRetention(db.store, { now: NOW });
    for (const id of [short, long]) {
      expect(projectReport(real, id).deleted).toEqual(projectReport(dry, id).deleted);
      const after = await counts(id);
      for (const table of RETENTION_TABLE_NAMES) {
        expect(after[table], table).toBe((id === short ? before.short : before.long)[table]! - projectReport(dry, id).deleted[table]);
      }
    }
  });

  it('prunes dead letters by DLQ_RETENTION_DAYS, by a shorter retention_days, and those of unknown projects', async () => {
    const short = await project(1);
    const long = await project(90);
    const letters = {
      shortOld: await seedDeadLetter(db.store, short, daysBefore(NOW, 2)),
      shortRecent: await seedDeadLetter(db.store, short, daysBefore(NOW, 0.5)),
      longOld: await seedDeadLetter(db.store, long, daysBefore(NOW, 31)),
      longRecent: await seedDeadLetter(db.store, long, daysBefore(NOW, 29)),
      nilOld: await seedDeadLetter(db.store, NIL_PROJECT_ID, daysBefore(NOW, 31)),
      nilRecent: await seedDeadLetter(db.store, NIL_PROJECT_ID, daysBefore(NOW, 29)),
    };
    const left = async () => {
      const rows = await db.store.query<{ id: string }>('SELECT id FROM dlq WHERE id = ANY($1::uuid[])', [Object.values(letters)]);
      const ids = new Set(rows.map((r) => r.id));
      return Object.entries(letters).filter(([, id]) => ids.has(id)).map(([name]) => name).sort();
    };

    const report = await runRetention(db.store, { now: NOW, dlqRetentionDays: 30 });
    expect(await left()).toEqual(['longRecent', 'nilRecent', 'shortRecent']);
    expect(projectReport(report, short).cutoffs.dlq).toEqual(daysBefore(NOW, 1));
    expect(projectReport(report, long).cutoffs.dlq).toEqual(daysBefore(NOW, 30));
    expect(projectReport(report, NIL_PROJECT_ID).deleted.dlq).toBeGreaterThanOrEqual(1);

    // A shorter DLQ_RETENTION_DAYS takes the 29-day-old letters too; limited to the nil project
    // first, then to the 90-day project.
    await runRetention(db.store, { now: NOW, dlqRetentionDays: 10, projectId: NIL_PROJECT_ID });
    expect(await left()).toEqual(['longRecent', 'shortRecent']);
    await runRetention(db.store, { now: NOW, dlqRetentionDays: 10, projectId: long });
    expect(await left()).toEqual(['shortRecent']);
  });

  it('keeps the current month of usage and the 12 before it', async () => {
    const id = await project(90);
    const months = [
      Date.UTC(2026, 10, 1), // the current month
      Date.UTC(2026, 9, 1),
      Date.UTC(2025, 10, 1), // the 12th before it: the oldest kept
      Date.UTC(2025, 9, 1), // 13 months before: gone
      Date.UTC(2024, 0, 1),
    ];
    for (const month of months) await seedUsage(db.store, id, new Date(month));

    const report = await runRetention(db.store, { now: NOW, projectId: id });

    expect(await columnValues(db.store, 'usage_monthly', 'month', id)).toEqual(['2025-11-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    expect(projectReport(report, id).deleted.usage_monthly).toBe(2);
    expect(projectReport(report, id).cutoffs.usageMonthly).toEqual(new Date(Date.UTC(2025, 10, 1)));
  });

  it('deletes expired salts and keeps live ones', async () => {
    const id = await project(90);
    await seedSalt(db.store, id, daysBefore(NOW, 3), daysBefore(NOW, 1));
    await seedSalt(db.store, id, daysBefore(NOW, 2), NOW); // expires now: gone
    await seedSalt(db.store, id, daysBefore(NOW, 1), daysBefore(NOW, -1));

    const report = await runRetention(db.store, { now: NOW, projectId: id });

    expect(await columnValues(db.store, 'visitor_salts', 'expires_at', id)).toEqual([daysBefore(NOW, -1).toISOString()]);
    expect(projectReport(report, id).deleted.visitor_salts).toBe(2);
  });

  it('audits a run that deleted something, with the counts and cutoffs, and a run that deleted nothing not at all', async () => {
    const id = await project(1);
    await seedMixed(id, 1);
    const report = await runRetention(db.store, { now: NOW, projectId: id, actor: 'cli' });

    const rows = await audits(id);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ actor: 'cli', action: 'retention.run', target: id });
    expect(row?.detail).toMatchObject({
      deleted: projectReport(report, id).deleted,
      retentionDays: 1,
      dlqRetentionDays: 30,
      cutoffs: { perSession: daysBefore(NOW, 1).toISOString(), dlq: daysBefore(NOW, 1).toISOString(), usageMonthly: '2025-11-01T00:00:00.000Z', visitorSalts: NOW.toISOString() },
    });
    expect(row?.detail).not.toHaveProperty('incomplete');

    await runRetention(db.store, { now: NOW, projectId: id });
    expect(await audits(id)).toHaveLength(1);
  });

  it('stops between statements when its signal aborts, and audits what it deleted as incomplete', async () => {
    const id = await project(1);
    await seedSessions(db.store, id, 'old', 10, daysBefore(NOW, 3));
    const abort = new AbortController();
    let batches = 0;

    const report = await runRetention(db.store, {
      now: NOW,
      batchSize: 2,
      projectId: id,
      signal: abort.signal,
      onBatch: () => {
        if (++batches === 2) abort.abort();
      },
    });

    expect(report.aborted).toBe(true);
    expect(await countRows(db.store, 'sessions', id)).toBe(6);
    const [row] = await audits(id);
    expect(row?.detail).toMatchObject({ incomplete: true, deleted: { sessions: 4 } });
  });

  it('lets an ingest insert issued during a long run finish before the run does', async () => {
    const id = await project(1);
    await seedSessions(db.store, id, 'old', 200, daysBefore(NOW, 3));
    const finished: string[] = [];
    let insert: Promise<void> | undefined;

    const run = runRetention(db.store, {
      now: NOW,
      batchSize: 5,
      projectId: id,
      onBatch: () => {
        insert ??= seedBatch(db.store, id, 'live-session', 0, NOW).then(() => void finished.push('insert'));
      },
    }).then((report) => {
      finished.push('run');
      return report;
    });

    const report = await run;
    await insert;
    expect(finished).toEqual(['insert', 'run']);
    expect(projectReport(report, id).statements.sessions).toBe(41);
    expect(await countRows(db.store, 'sessions', id)).toBe(0);
    expect(await columnValues(db.store, 'ingest_batches', 'session_id', id)).toEqual(['live-session']);
  });

  it('refuses a project id that names no project', async () => {
    await expect(runRetention(db.store, { now: NOW, projectId: '11111111-2222-4333-8444-555555555555' })).rejects.toThrow('no project');
  });
});

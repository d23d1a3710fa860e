import { afterEach, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { startCollector, type RunningCollector } from '../server.js';
import type { Store } from '../storage/types.js';
import { createProject } from '../tenants/projects.js';
import { createTestDatabase, DRIVERS, openTestStore, type TestDatabase } from '../testing/harness.js';
import { countRows, daysBefore, seedSession, seedSessions } from '../testing/retention-seed.js';
import { startRetentionJob, type RetentionJob } from './job.js';
import { tryRetentionLock } from './lock.js';

interface LogLine {
  level: number;
  msg: string;
  err?: { message: string };
  total?: number;
}

/** A real pino logger whose lines the test can read and wait for. */
function capturingLogger(): { log: Logger; lines: LogLine[]; next(msg: string, count?: number): Promise<void> } {
  const lines: LogLine[] = [];
  const waiters: { msg: string; count: number; resolve(): void }[] = [];
  const log = pino(
    { level: 'info' },
    {
      write(chunk: string) {
        lines.push(JSON.parse(chunk) as LogLine);
        for (const w of [...waiters]) {
          if (lines.filter((l) => l.msg === w.msg).length >= w.count) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
      },
    },
  );
  return {
    log,
    lines,
    next: (msg, count = 1) =>
      new Promise<void>((resolve) => {
        if (lines.filter((l) => l.msg === msg).length >= count) resolve();
        else waiters.push({ msg, count, resolve });
      }),
  };
}

async function shortRetentionProject(store: Store): Promise<string> {
  const { project } = await createProject(store, { name: 'short retention', privacyMode: 'standard', retentionDays: 1, allowedOrigins: [] }, 'test');
  return project.id;
}

describe.each(DRIVERS)('the retention job on the %s store', (driver) => {
  let database: TestDatabase | undefined;
  let collector: RunningCollector | undefined;
  let job: RetentionJob | undefined;
  let cleanup: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await job?.stop();
    await collector?.stop();
    await cleanup?.();
    await database?.cleanup();
    database = undefined;
    collector = undefined;
    job = undefined;
    cleanup = undefined;
  });

  async function openStore(): Promise<{ store: Store; config: Config }> {
    const opened = await openTestStore(driver, inject('postgresUrl'));
    cleanup = opened.cleanup;
    const config = loadConfig({ VANTAGE_DATA_DIR: opened.dataDir, ...(opened.databaseUrl ? { DATABASE_URL: opened.databaseUrl } : {}) });
    return { store: opened.store, config };
  }

  it('runs inside a started collector: runNow() deletes old rows and audits them as system, and stop() returns', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const config = loadConfig({ ...database.env, PORT: '0', LOG_LEVEL: 'silent' });
    const { log, next } = capturingLogger();
    collector = await startCollector(config, { log, createDemo: false });
    const store = collector.deps.store;
    const projectId = await shortRetentionProject(store);
    await seedSessions(store, projectId, 'old', 3, daysBefore(new Date(), 5));
    await seedSession(store, projectId, 'recent', new Date());

    const report = await collector.retention.runNow();

    expect(report.totals.sessions).toBe(3);
    expect(await countRows(store, 'sessions', projectId)).toBe(1);
    const audit = await store.query<{ actor: string; target: string }>("SELECT actor, target FROM audit_log WHERE project_id = $1 AND action = 'retention.run'", [projectId]);
    expect(audit).toEqual([{ actor: 'system', target: projectId }]);
    await next('retention run');

    const stopping = collector.stop();
    collector = undefined;
    await stopping;
    await expect(store.query('select 1')).rejects.toThrow();
  });

  it('runs on its own after start and again every interval', async () => {
    const { store, config } = await openStore();
    const projectId = await shortRetentionProject(store);
    await seedSession(store, projectId, 'first', daysBefore(new Date(), 5));
    const { log, lines, next } = capturingLogger();

    job = startRetentionJob({ store, config, log, firstRunDelayMs: 0, intervalMs: 20 });
    await next('retention run');
    expect(await countRows(store, 'sessions', projectId)).toBe(0);

    await seedSession(store, projectId, 'second', daysBefore(new Date(), 5));
    // Two more runs: the one that may have started before the insert, and one after it.
    const seen = await countRows(store, 'audit_log', projectId);
    const runs = lines.filter((l) => l.msg === 'retention run').length;
    await next('retention run', runs + 2);
    expect(await countRows(store, 'sessions', projectId)).toBe(0);
    expect(await countRows(store, 'audit_log', projectId)).toBeGreaterThan(seen);
  });

  it('stop() ends a run in flight after its current batch and waits for it', async () => {
    const { store, config } = await openStore();
    const projectId = await shortRetentionProject(store);
    await seedSessions(store, projectId, 'old', 20, daysBefore(new Date(), 5));
    const { log } = capturingLogger();
    const order: string[] = [];
    let stopped: Promise<void> | undefined;
    let batches = 0;
    job = startRetentionJob({
      store,
      config,
      log,
      firstRunDelayMs: 3_600_000,
      batchSize: 1,
      onBatch: () => {
        if (++batches === 3) stopped = job?.stop().then(() => void order.push('stop'));
      },
    });

    const report = await job.runNow().finally(() => order.push('run'));
    await stopped;

    expect(report.aborted).toBe(true);
    expect(order).toEqual(['run', 'stop']);
    expect(await countRows(store, 'sessions', projectId)).toBe(17);
    await expect(job.runNow()).rejects.toThrow('stopped');
  });

  it('logs a failed run and keeps its schedule; runNow() rejects with the error', async () => {
    const { store, config } = await openStore();
    await store.close();
    const { log, lines, next } = capturingLogger();

    job = startRetentionJob({ store, config, log, firstRunDelayMs: 0, intervalMs: 10 });
    await next('retention run failed', 2);
    await expect(job.runNow()).rejects.toThrow();

    const failures = lines.filter((l) => l.msg === 'retention run failed');
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.every((l) => l.level === 50 && typeof l.err?.message === 'string')).toBe(true);
  });

  it.runIf(driver === 'postgres')('skips a run while another process holds the retention lock', async () => {
    const { store, config } = await openStore();
    const projectId = await shortRetentionProject(store);
    await seedSession(store, projectId, 'old', daysBefore(new Date(), 5));
    const { log } = capturingLogger();
    job = startRetentionJob({ store, config, log, firstRunDelayMs: 3_600_000 });

    const other = await tryRetentionLock(store, config.databaseUrl);
    expect(other).not.toBeNull();
    try {
      expect(await tryRetentionLock(store, config.databaseUrl)).toBeNull();
      const skipped = await job.runNow();
      expect(skipped.skipped).toBe('locked');
      expect(await countRows(store, 'sessions', projectId)).toBe(1);
    } finally {
      await other?.release();
    }

    const report = await job.runNow();
    expect(report.skipped).toBeUndefined();
    expect(await countRows(store, 'sessions', projectId)).toBe(0);
  });
});

describe('RETENTION_JOB_INTERVAL_MINUTES', () => {
  it('defaults to 60 and takes 1–1440 minutes', () => {
    expect(loadConfig({}).retentionJobIntervalMinutes).toBe(60);
    expect(loadConfig({ RETENTION_JOB_INTERVAL_MINUTES: '1' }).retentionJobIntervalMinutes).toBe(1);
    expect(loadConfig({ RETENTION_JOB_INTERVAL_MINUTES: '1440' }).retentionJobIntervalMinutes).toBe(1440);
    for (const bad of ['0', '1441', '1.5', 'hourly']) {
      expect(() => loadConfig({ RETENTION_JOB_INTERVAL_MINUTES: bad })).toThrow('RETENTION_JOB_INTERVAL_MINUTES must be an integer in 1..1440');
    }
  });
});

/**
 * The retention job inside the collector: a run shortly after start, then one every
 * `RETENTION_JOB_INTERVAL_MINUTES` (default 60, at most 1440, so dead letters are pruned at
 * least daily). Among collectors sharing a PostgreSQL database only the one holding the
 * retention lock runs; the others skip that turn. A failed run is logged and the next one
 * tries again; it never takes the collector down.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../storage/types.js';
import { tryRetentionLock } from './lock.js';
import { emptyReport, runRetention, DEFAULT_BATCH_SIZE, type RetentionOptions, type RetentionReport } from './run.js';

/** Delay of the first run after start unless told otherwise: start-up work settles first. */
export const FIRST_RUN_DELAY_MS = 10_000;

/** What the job needs. */
export interface RetentionJobOptions {
  store: Store;
  /** `DATABASE_URL` (for the lock), `DLQ_RETENTION_DAYS`, `RETENTION_JOB_INTERVAL_MINUTES`. */
  config: Pick<Config, 'databaseUrl' | 'dlqRetentionDays' | 'retentionJobIntervalMinutes' | 'hashRotationHours'>;
  log: Logger;
  /** Time from the end of one run to the start of the next; default the configured minutes. */
  intervalMs?: number;
  /** Time from start to the first run; default {@link FIRST_RUN_DELAY_MS}. */
  firstRunDelayMs?: number;
  /** Rows per delete statement; default 5,000. */
  batchSize?: number;
  /** Called after each statement of a run (progress for tests and metrics). */
  onBatch?: RetentionOptions['onBatch'];
}

/** A started job (`createX`-style handle). */
export interface RetentionJob {
  /**
   * Run now, after any run in flight, and resolve with its report (`skipped: 'locked'` when
   * another process held the lock). Rejects when the run fails (it is logged too) or the job
   * is stopped.
   */
  runNow(): Promise<RetentionReport>;
  /**
   * No further runs; a run in flight stops after its current statement. Resolves once it has.
   * Calling it twice is harmless.
   */
  stop(): Promise<void>;
}

/** Start the retention job over `store`. */
export function startRetentionJob(options: RetentionJobOptions): RetentionJob {
  const { store, config, log } = options;
  const intervalMs = options.intervalMs ?? config.retentionJobIntervalMinutes * 60_000;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stopped: Promise<void> | undefined;
  // Runs never overlap in one process: each starts after the previous one settled.
  let queue: Promise<unknown> = Promise.resolve();

  async function runOnce(trigger: 'schedule' | 'manual'): Promise<RetentionReport> {
    if (abort.signal.aborted) throw new Error('Vantage: the retention job is stopped');
    const settings = { dryRun: false, batchSize, dlqRetentionDays: config.dlqRetentionDays, hashRotationHours: config.hashRotationHours };
    try {
      const lock = await tryRetentionLock(store, config.databaseUrl);
      if (!lock) {
        log.info({ trigger }, 'retention run skipped: another collector process is running it');
        return { ...emptyReport(new Date(), settings), skipped: 'locked' };
      }
      try {
        const report = await runRetention(store, { ...settings, actor: 'system', signal: abort.signal, onBatch: options.onBatch });
        log.info(
          { trigger, projects: report.projects.length, deleted: report.totals, total: report.total, statements: report.statements, durationMs: Math.round(report.durationMs), aborted: report.aborted },
          'retention run',
        );
        return report;
      } finally {
        await lock.release();
      }
    } catch (error) {
      log.error({ err: error, trigger }, 'retention run failed');
      throw error;
    }
  }

  function enqueue(trigger: 'schedule' | 'manual'): Promise<RetentionReport> {
    const run = queue.then(() => runOnce(trigger));
    queue = run.catch(() => undefined);
    return run;
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      timer = undefined;
      enqueue('schedule')
        .catch(() => undefined) // logged in runOnce; the next run tries again
        .finally(() => {
          if (!abort.signal.aborted) schedule(intervalMs);
        });
    }, delayMs);
    // The job alone does not keep a process alive.
    timer.unref();
  }

  schedule(options.firstRunDelayMs ?? FIRST_RUN_DELAY_MS);
  return {
    runNow: () => enqueue('manual'),
    stop() {
      stopped ??= (async () => {
        abort.abort();
        if (timer) clearTimeout(timer);
        await queue;
      })();
      return stopped;
    },
  };
}

/**
 * The limiter on its own, over a real store: leases are taken from `rate_buckets` in one
 * statement and spent locally, concurrent requests share a lease, an exhausted bucket is not
 * asked again until it refills, a failing store admits, and invalid overrides are ignored.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { Logger } from '../log.js';
import { DRIVERS, openTestStore, useTestStore } from '../testing/harness.js';
import type { Store } from '../storage/types.js';
import { createTenantCache } from '../tenants/project-cache.js';
import { createProject, type Project } from '../tenants/projects.js';
import type { ResolvedKey } from '../tenants/key-resolver.js';
import { createLimits, LimitExceededError, type Limits, type LimitsOptions } from './limiter.js';

/** A store that counts the statements that touch `rate_buckets` (the real store answers them). */
function counting(store: Store): { store: Store; leases: () => number } {
  let leases = 0;
  return {
    store: {
      ...store,
      query: (sql, params) => {
        if (sql.includes('rate_buckets')) leases += 1;
        return store.query(sql, params);
      },
    },
    leases: () => leases,
  };
}

/** A logger whose warnings are kept as parsed JSON lines. */
function capturingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

async function outcome(limits: Limits, key: ResolvedKey, route: string): Promise<number> {
  try {
    await limits.take(key, route);
    return 0;
  } catch (error) {
    if (error instanceof LimitExceededError) return error.retryAfterSeconds;
    throw error;
  }
}

async function bucketRow(store: Store, projectId: string, bucket: string): Promise<{ tokens: number } | undefined> {
  const rows = await store.query<{ tokens: number | string }>('SELECT tokens FROM rate_buckets WHERE project_id = $1 AND bucket = $2', [projectId, bucket]);
  return rows[0] ? { tokens: Number(rows[0].tokens) } : undefined;
}

describe.each(DRIVERS)('rate limiter on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let project: Project;
  let seq = 0;

  beforeAll(async () => {
    const opened = await openTestStore(driver, inject('postgresUrl'));
    store = opened.store;
    cleanup = opened.cleanup;
    project = (await createProject(store, { name: 'limiter', privacyMode: 'standard', retentionDays: 90 }, 'test')).project;
  });

  afterAll(async () => {
    await cleanup?.();
  });

  /** A fresh key id of the project (buckets are per key, so each test gets its own). */
  function key(): ResolvedKey {
    seq += 1;
    return { projectId: project.id, keyId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, kind: 'pk' };
  }

  async function limiter(overrides: Record<string, unknown>, options: LimitsOptions = {}, env: Record<string, string> = {}) {
    await store.query('UPDATE projects SET rate_limits = $2::jsonb WHERE id = $1', [project.id, JSON.stringify(overrides)]);
    const counted = counting(store);
    const { log, lines } = capturingLogger();
    const limits = createLimits({ config: loadConfig({ VANTAGE_DATA_DIR: '/tmp', ...env }), store: counted.store, tenants: createTenantCache(store), log }, { leaseTtlMs: 60_000, ...options });
    return { limits, leases: counted.leases, lines };
  }

  it('takes a fresh bucket from burst with one statement and spends the lease locally', async () => {
    // 400/s: a lease is 20 tokens.
    const { limits, leases } = await limiter({ api: { perSecond: 400, burst: 1000 } });
    const k = key();
    await limits.take(k, 'audit');
    expect(leases()).toBe(1);
    // A fresh bucket starts at burst; nothing had time to refill: exactly burst − one lease.
    expect(await bucketRow(store, project.id, `${k.keyId}:audit`)).toEqual({ tokens: 980 });
    for (let i = 1; i < 100; i++) await limits.take(k, 'audit');
    expect(leases()).toBe(5);
  });

  it('lets concurrent requests share one lease in flight', async () => {
    const { limits, leases } = await limiter({ api: { perSecond: 400, burst: 1000 } });
    const k = key();
    const results = await Promise.all(Array.from({ length: 20 }, () => outcome(limits, k, 'dlq')));
    expect(results).toEqual(Array(20).fill(0));
    expect(leases()).toBe(1);
    const row = await bucketRow(store, project.id, `${k.keyId}:dlq`);
    expect(row?.tokens).toBe(980);
  });

  it('grants at most the burst, then rejects with Retry-After without asking the store again', async () => {
    // One token per 100 s: nothing refills during the test.
    const { limits, leases } = await limiter({ api: { perSecond: 0.01, burst: 3 } });
    const k = key();
    const results: number[] = [];
    for (let i = 0; i < 12; i++) results.push(await outcome(limits, k, 'audit'));
    expect(results.slice(0, 3)).toEqual([0, 0, 0]);
    for (const retryAfter of results.slice(3)) {
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(100);
    }
    // Three leases of one token; the rejections were answered locally.
    expect(leases()).toBe(3);
    const row = await bucketRow(store, project.id, `${k.keyId}:audit`);
    expect(row?.tokens).toBeGreaterThanOrEqual(0);
    expect(row?.tokens).toBeLessThan(1);
  });

  it('keeps keys and routes apart: each (key, route) is its own bucket', async () => {
    const { limits } = await limiter({ api: { perSecond: 0.01, burst: 1 }, collect: { perSecond: 0.01, burst: 1 } });
    const a = key();
    const b = key();
    expect(await outcome(limits, a, 'audit')).toBe(0);
    expect(await outcome(limits, a, 'audit')).toBeGreaterThan(0);
    expect(await outcome(limits, a, 'dlq')).toBe(0);
    expect(await outcome(limits, b, 'audit')).toBe(0);
    expect(await outcome(limits, a, 'collect')).toBe(0);
    // `config` has the collect limits but a bucket of its own.
    expect(await outcome(limits, a, 'config')).toBe(0);
    const buckets = await store.query<{ bucket: string }>('SELECT bucket FROM rate_buckets WHERE project_id = $1 AND bucket LIKE $2 ORDER BY bucket', [project.id, `${a.keyId}:%`]);
    expect(buckets.map((r) => r.bucket)).toEqual([`${a.keyId}:audit`, `${a.keyId}:collect`, `${a.keyId}:config`, `${a.keyId}:dlq`]);
  });

  it('ignores invalid overrides as a whole, logs them once, and uses the defaults', async () => {
    const { limits, lines } = await limiter(
      { collect: { perSecond: -1, burst: 50 }, api: 'fast', bogus: { perSecond: 1 } },
      {},
      { RATE_LIMIT_COLLECT_PER_SECOND: '1', RATE_LIMIT_COLLECT_BURST: '7', RATE_LIMIT_API_PER_SECOND: '1', RATE_LIMIT_API_BURST: '4' },
    );
    const k = key();
    await limits.take(k, 'collect');
    await limits.take(k, 'audit');
    await limits.take(k, 'dlq');
    // Fresh buckets start at the default bursts (7 and 4), not the override's 50: one token taken.
    expect(await bucketRow(store, project.id, `${k.keyId}:collect`)).toEqual({ tokens: 6 });
    expect(await bucketRow(store, project.id, `${k.keyId}:audit`)).toEqual({ tokens: 3 });
    const warnings = lines.filter((l) => String(l.msg).includes('invalid rate_limits'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.projectId).toBe(project.id);
    expect((warnings[0]?.problems as string[]).map((p) => p.split(':')[0]).sort()).toEqual(['api', 'bogus', 'collect']);
  });

  it('applies a valid partial override and keeps the default for the missing field', async () => {
    const { limits } = await limiter({ collect: { burst: 2 } }, {}, { RATE_LIMIT_COLLECT_PER_SECOND: '1', RATE_LIMIT_COLLECT_BURST: '100' });
    const k = key();
    await limits.take(k, 'collect');
    // burst 2 from the override: a fresh bucket holds 2 − 1 after the first lease.
    expect(await bucketRow(store, project.id, `${k.keyId}:collect`)).toEqual({ tokens: 1 });
  });
});

describe.each(DRIVERS)('rate limiter when the store fails, on the %s store', (driver) => {
  // A throwaway store: its rate_buckets table is dropped.
  const db = useTestStore(driver);

  it('admits (fails open) and logs the failure once per interval', async () => {
    const { project } = await createProject(db.store, { name: 'fail open', privacyMode: 'standard', retentionDays: 90 }, 'test');
    await db.store.query('UPDATE projects SET rate_limits = $2::jsonb WHERE id = $1', [project.id, JSON.stringify({ api: { perSecond: 0.01, burst: 1 } })]);
    await db.store.query('DROP TABLE rate_buckets');
    const { log, lines } = capturingLogger();
    // failOpenMs 0: every request asks the (failing) store again and is still admitted.
    const limits = createLimits({ config: loadConfig({ VANTAGE_DATA_DIR: '/tmp' }), store: db.store, tenants: createTenantCache(db.store), log }, { failOpenMs: 0 });
    const k: ResolvedKey = { projectId: project.id, keyId: '00000000-0000-4000-8000-00000000f001', kind: 'sk' };
    for (let i = 0; i < 5; i++) expect(await outcome(limits, k, 'audit')).toBe(0);
    const failures = lines.filter((l) => String(l.msg).includes('leasing rate-limit tokens'));
    expect(failures).toHaveLength(1);
    expect(failures[0]?.level).toBe(40);
  });
});

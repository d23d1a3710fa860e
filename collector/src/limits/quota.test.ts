/**
 * Monthly event quotas over HTTP, and the 13-month usage read. Usage rows are written by SQL
 * here, as the ingest flush writes them: additive counters per project and UTC month.
 */
import { encodeBatch } from '@vantage/sdk-core/schema';
import { describe, expect, it } from 'vitest';
import type { Store } from '../storage/types.js';
import { BROWSER_USER_AGENT, DRIVERS, useTestStore, startTestCollector, type TestCollector } from '../testing/harness.js';
import { monthStart, nextMonthStart, secondsUntilNextMonth, usageByMonth } from './quota.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
let sessions = 0;

async function collect(c: TestCollector): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const sid = `quota_${process.pid}_${++sessions}_abcdef`;
  const body = encodeBatch({ sid, seq: 0, scene: 'quota', sentAt: T0 + 100 }, [{ type: 'camera', t: T0, px: 1, py: 2, pz: 3, qx: 0, qy: 0, qz: 0, qw: 32767 }]);
  const response = await fetch(`${c.url}/api/v1/collect`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${c.pk}`, 'User-Agent': BROWSER_USER_AGENT },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, retryAfter: response.headers.get('Retry-After') };
}

async function setUsage(store: Store, projectId: string, month: Date, events: number): Promise<void> {
  await store.query(
    `INSERT INTO usage_monthly (project_id, month, events, batches) VALUES ($1, $2, $3, 1)
     ON CONFLICT (project_id, month) DO UPDATE SET events = excluded.events`,
    [projectId, month, events],
  );
}

async function storedBatches(store: Store, projectId: string): Promise<number> {
  const rows = await store.query<{ n: number | string }>('SELECT count(*) AS n FROM ingest_batches WHERE project_id = $1', [projectId]);
  return Number(rows[0]?.n ?? 0);
}

describe('months for quotas', () => {
  it('are UTC calendar months; Retry-After counts whole seconds to the next one', () => {
    const at = new Date('2026-12-31T23:59:58.500Z');
    expect(monthStart(at).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(nextMonthStart(at).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(secondsUntilNextMonth(at)).toBe(2);
    expect(secondsUntilNextMonth(new Date('2027-01-31T23:59:59.999Z'))).toBe(1);
    expect(secondsUntilNextMonth(new Date('2026-02-01T00:00:00.000Z'))).toBe(28 * 86_400);
  });
});

describe.each(DRIVERS)('monthly event quota on the %s store', (driver) => {
  const db = useTestStore(driver);

  /** A collector whose project has `quota` and `used` events this month (set before its first request). */
  async function withQuota(quota: number | null, used: number): Promise<TestCollector> {
    const c = await startTestCollector(db.store);
    await db.store.query('UPDATE projects SET monthly_event_quota = $2 WHERE id = $1', [c.project.id, quota]);
    if (used > 0) await setUsage(db.store, c.project.id, monthStart(new Date()), used);
    c.deps.tenants.invalidate(c.project.id);
    return c;
  }

  it('answers 429 rate_limited until the next UTC month once the quota is reached, and stores nothing', async () => {
    for (const used of [1000, 1500]) {
      const c = await withQuota(1000, used);
      try {
        const before = secondsUntilNextMonth(new Date());
        const answer = await collect(c);
        const after = secondsUntilNextMonth(new Date());
        expect(answer.status).toBe(429);
        expect(answer.body).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/monthly quota of 1000 events is reached/) });
        expect(answer.retryAfter).toMatch(/^\d+$/);
        expect(Number(answer.retryAfter)).toBeLessThanOrEqual(before);
        expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(after);
        expect(await storedBatches(db.store, c.project.id)).toBe(0);
        // The quota is about events: the scene config still answers.
        const config = await fetch(`${c.url}/api/v1/config?scene=quota`, { headers: { Authorization: `Bearer ${c.pk}` } });
        expect(config.status).toBe(200);
      } finally {
        await c.close();
      }
    }
  });

  it('accepts under the quota, without a quota, and when only an earlier month was over it', async () => {
    const under = await withQuota(1000, 999);
    const none = await withQuota(null, 10_000_000);
    const lastMonth = await withQuota(1000, 0);
    const previous = monthStart(new Date(monthStart(new Date()).getTime() - 1));
    await setUsage(db.store, lastMonth.project.id, previous, 5000);
    try {
      for (const c of [under, none, lastMonth]) {
        expect((await collect(c)).status).toBe(202);
        expect(await storedBatches(db.store, c.project.id)).toBe(1);
      }
    } finally {
      for (const c of [under, none, lastMonth]) await c.close();
    }
  });

  it('a quota of 0 refuses every batch', async () => {
    const c = await withQuota(0, 0);
    try {
      expect((await collect(c)).status).toBe(429);
      expect(await storedBatches(db.store, c.project.id)).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('reads usage for the current month and the 12 before it, oldest first, zeros where nothing was accepted', async () => {
    const c = await startTestCollector(db.store);
    try {
      const now = new Date(Date.UTC(2026, 1, 14, 12));
      const month = (back: number) => new Date(Date.UTC(2026, 1 - back, 1));
      for (const [back, events] of [[0, 70], [1, 60], [12, 50], [13, 40]] as const) {
        await db.store.query('INSERT INTO usage_monthly (project_id, month, events, batches) VALUES ($1, $2, $3, $4)', [c.project.id, month(back), events, events / 10]);
      }
      const usage = await usageByMonth(db.store, c.project.id, now);
      expect(usage).toHaveLength(13);
      expect(usage[0]).toEqual({ month: '2025-02-01T00:00:00.000Z', events: 50, batches: 5 });
      expect(usage[11]).toEqual({ month: '2026-01-01T00:00:00.000Z', events: 60, batches: 6 });
      expect(usage[12]).toEqual({ month: '2026-02-01T00:00:00.000Z', events: 70, batches: 7 });
      expect(usage.slice(1, 11).every((u) => u.events === 0 && u.batches === 0)).toBe(true);
      expect(await usageByMonth(db.store, '00000000-0000-4000-8000-000000000999', now)).toHaveLength(13);
    } finally {
      await c.close();
    }
  });
});

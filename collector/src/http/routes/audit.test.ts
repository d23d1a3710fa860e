import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DRIVERS, openTestStore, startTestCollector, type TestCollector } from '../../testing/harness.js';
import type { Store } from '../../storage/types.js';

interface AuditPage {
  items: Array<{ id: string; at: string; actor: string; action: string; target: string; detail: Record<string, unknown> }>;
  nextCursor: string | null;
}

async function get(c: TestCollector, query: string, key: string | null = c.sk): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${c.url}/api/v1/audit${query}`, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function page(c: TestCollector, query: string): Promise<AuditPage> {
  const res = await get(c, query);
  expect(res.status).toBe(200);
  return res.body as unknown as AuditPage;
}

/** Every row of the project through the API, `limit` at a time. */
async function walk(c: TestCollector, limit: number, filter = ''): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const p: AuditPage = await page(c, `?limit=${limit}${filter}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(p.items.length).toBeLessThanOrEqual(limit);
    ids.push(...p.items.map((i) => i.id));
    cursor = p.nextCursor;
    pages++;
  } while (cursor !== null && pages < 1000);
  return { ids, pages };
}

/** Audit rows at chosen instants (PostgreSQL text, microseconds allowed). */
async function insertAudit(store: Store, projectId: string, rows: Array<{ at: string; action: string }>): Promise<void> {
  await store.query(
    `INSERT INTO audit_log (project_id, id, at, actor, action, target, detail)
     SELECT $1, gen_random_uuid(), x.at, 'test', x.action, 'target', jsonb_build_object('n', x.n)
     FROM jsonb_to_recordset($2::jsonb) AS x(at timestamptz, action text, n int)`,
    [projectId, JSON.stringify(rows.map((r, n) => ({ ...r, n })))],
  );
}

describe.each(DRIVERS)('GET /api/v1/audit on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;
  let other: TestCollector;

  beforeAll(async () => {
    const opened = await openTestStore(driver, inject('postgresUrl'));
    store = opened.store;
    cleanup = opened.cleanup;
    // Paging one row at a time is hundreds of requests with one sk key in a few seconds, over
    // the default api rate limit (20/s, bursts of 60): these collectors get limits that never bite.
    const unlimited = { RATE_LIMIT_API_PER_SECOND: '100000', RATE_LIMIT_API_BURST: '100000' };
    c = await startTestCollector(store, unlimited);
    other = await startTestCollector(store, unlimited);
    // 230 rows: many share an instant (ties broken by id), some differ by a microsecond only.
    const rows: Array<{ at: string; action: string }> = [];
    for (let i = 0; i < 230; i++) {
      const second = String(Math.floor(i / 10) % 60).padStart(2, '0');
      const micro = i % 3 === 0 ? '000000' : i % 3 === 1 ? '000001' : '000000';
      rows.push({ at: `2026-03-01T10:${String(Math.floor(i / 600)).padStart(2, '0')}:${second}.${micro}Z`, action: i % 5 === 0 ? 'test.five' : 'test.other' });
    }
    await insertAudit(store, c.project.id, rows);
    await insertAudit(store, other.project.id, [{ at: '2026-03-01T10:00:30Z', action: 'test.five' }]);
  });

  afterAll(async () => {
    await c?.close();
    await other?.close();
    await cleanup?.();
  });

  it('needs a secret key: none or an unknown one is 401 invalid_api_key, a pk key is 403 insufficient_scope', async () => {
    expect(await get(c, '', null)).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
    expect(await get(c, '', `sk_${'A'.repeat(54)}`)).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
    expect(await get(c, '', c.pk)).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
  });

  it('lists the project own rows newest first, with the fields of each row', async () => {
    const p = await page(c, '?limit=500');
    expect(p.nextCursor).toBeNull();
    // 230 inserted + project.create and two key.create from startTestCollector.
    expect(p.items).toHaveLength(233);
    const created = p.items.filter((i) => i.action === 'key.create');
    expect(created).toHaveLength(2);
    expect(created[0]).toMatchObject({ actor: 'test', detail: { kind: expect.stringMatching(/^(pk|sk)$/) } });
    expect(new Date(p.items[0]?.at ?? '').getTime()).toBeGreaterThan(Date.UTC(2026, 2, 2));
    const times = p.items.map((i) => Date.parse(i.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(p.items.map((i) => i.id)).not.toContain((await page(other, '?limit=500')).items.find((i) => i.action === 'test.five')?.id);
  });

  it('pages with a cursor in exactly the database order: no duplicates, no gaps, ties and microseconds included', async () => {
    const expected = (await store.query<{ id: string }>('SELECT id FROM audit_log WHERE project_id = $1 ORDER BY at DESC, id DESC', [c.project.id])).map((r) => r.id);
    for (const limit of [1, 7, 100]) {
      const { ids, pages } = await walk(c, limit);
      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / limit));
    }
  });

  it('keeps its place when rows are added between pages', async () => {
    const first = await page(c, '?limit=10');
    await insertAudit(store, c.project.id, [{ at: new Date().toISOString(), action: 'test.late' }]);
    const second = await page(c, `?limit=10&cursor=${first.nextCursor}`);
    const seen = new Set(first.items.map((i) => i.id));
    expect(second.items.some((i) => seen.has(i.id) || i.action === 'test.late')).toBe(false);
    expect(Date.parse(second.items[0]?.at ?? '')).toBeLessThanOrEqual(Date.parse(first.items[9]?.at ?? ''));
  });

  it('answers 100 rows by default and refuses a bad limit or cursor with 400 invalid_payload', async () => {
    const p = await page(c, '');
    expect(p.items).toHaveLength(100);
    expect(p.nextCursor).toEqual(expect.any(String));
    for (const query of ['?limit=0', '?limit=501', '?limit=ten', '?limit=2.5', '?cursor=nope', `?cursor=${Buffer.from('["x","y"]').toString('base64url')}`, '?limit=1&limit=2']) {
      const res = await get(c, query);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toBe('invalid_payload');
      expect(res.body.message).toMatch(/limit|cursor/);
    }
  });

  it('filters by action and by a since (inclusive) / until (exclusive) window', async () => {
    const five = await walk(c, 9, '&action=test.five');
    expect(five.ids).toHaveLength(46);
    const window = await page(c, '?limit=500&since=2026-03-01T10:00:10Z&until=2026-03-01T10:00:20.000001Z');
    // Rows 100..199 are at 10:00:10..10:00:19; 10:00:20 rows are at .000000 or .000001 (excluded at .000001).
    expect(window.items).toHaveLength(100 + 7);
    expect(window.items.every((i) => i.at >= '2026-03-01T10:00:10' && i.at < '2026-03-01T10:00:21')).toBe(true);
    const day = await page(c, '?limit=500&since=2026-03-01&until=2026-03-02&action=test.other');
    expect(day.items).toHaveLength(184);
    for (const query of ['?since=yesterday', '?until=2026-02-30', '?since=2026-03-02&until=2026-03-01', '?action=has%20space']) {
      const res = await get(c, query);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toBe('invalid_payload');
    }
  });

  it("never shows another project's rows, even with that project's cursor", async () => {
    const theirs = await page(other, '?limit=1');
    expect(theirs.nextCursor).not.toBeNull();
    const mine = await page(c, `?limit=500&cursor=${theirs.nextCursor}`);
    const theirIds = new Set((await page(other, '?limit=500')).items.map((i) => i.id));
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.some((i) => theirIds.has(i.id))).toBe(false);
  });
});

/**
 * Rate limits over HTTP with the real app: a key over its limit gets `429 rate_limited` with
 * `Retry-After` and nothing of the rejected batches is stored; other keys, routes and projects
 * are not affected; the bucket refills; and two collector processes on one PostgreSQL database
 * share one bucket.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { encodeBatch, type VantageEvent } from '@vantage/sdk-core/schema';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createApp } from '../http/app.js';
import { createLogger } from '../log.js';
import { createDeps } from '../server.js';
import type { Store } from '../storage/types.js';
import { BROWSER_USER_AGENT, createTestDatabase, DRIVERS, openTestStore, startTestCollector, type TestCollector, type TestDatabase } from '../testing/harness.js';
import { createProject } from '../tenants/projects.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const EVENTS_PER_BATCH = 3;
let sessions = 0;

function batchBody(): string {
  const events: VantageEvent[] = [];
  for (let i = 0; i < EVENTS_PER_BATCH; i++) events.push({ type: 'camera', t: T0 + i * 50, px: i, py: 1500, pz: -3000, qx: 0, qy: 2000, qz: 0, qw: 32700 });
  const sid = `limits_${process.pid}_${++sessions}_abcdef`;
  return JSON.stringify(encodeBatch({ sid, seq: 0, scene: 'limits', sentAt: T0 + 500 }, events));
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function collect(url: string, key: string, origin?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Authorization: `Bearer ${key}`, 'User-Agent': BROWSER_USER_AGENT };
  if (origin) headers.Origin = origin;
  const response = await fetch(`${url}/api/v1/collect`, { method: 'POST', headers, body: batchBody() });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

async function get(url: string, path: string, key: string): Promise<Answer> {
  const response = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

async function storedBatches(store: Store, projectId: string): Promise<number> {
  const rows = await store.query<{ n: number | string }>('SELECT count(*) AS n FROM ingest_batches WHERE project_id = $1', [projectId]);
  return Number(rows[0]?.n ?? 0);
}

async function setOverrides(store: Store, c: TestCollector, overrides: Record<string, unknown>): Promise<void> {
  await store.query('UPDATE projects SET rate_limits = $2::jsonb WHERE id = $1', [c.project.id, JSON.stringify(overrides)]);
  c.deps.tenants.invalidate(c.project.id);
}

function expectRateLimited(answer: Answer): number {
  expect(answer.status).toBe(429);
  expect(answer.body).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/too many requests/) });
  const retryAfter = answer.headers.get('Retry-After');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  return Number(retryAfter);
}

describe.each(DRIVERS)('rate limits over HTTP on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;
  let other: TestCollector;

  beforeAll(async () => {
    const opened = await openTestStore(driver, inject('postgresUrl'));
    store = opened.store;
    cleanup = opened.cleanup;
    c = await startTestCollector(store);
    other = await startTestCollector(store);
    // One token per 50 s: nothing refills while these tests run.
    await setOverrides(store, c, { collect: { perSecond: 0.02, burst: 5 }, api: { perSecond: 0.02, burst: 2 } });
  });

  afterAll(async () => {
    await c?.close();
    await other?.close();
    await cleanup?.();
  });

  it('accepts exactly the burst, then answers 429 rate_limited with Retry-After and stores nothing more', async () => {
    for (let i = 0; i < 5; i++) expect((await collect(c.url, c.pk)).status).toBe(202);
    for (let i = 0; i < 3; i++) {
      const retryAfter = expectRateLimited(await collect(c.url, c.pk));
      expect(retryAfter).toBeLessThanOrEqual(50);
    }
    // A browser on an allowed origin can read the answer and its Retry-After.
    const fromPage = await collect(c.url, c.pk, 'https://shop.example');
    expectRateLimited(fromPage);
    expect(fromPage.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    expect(fromPage.headers.get('Access-Control-Expose-Headers')).toMatch(/Retry-After/);
    expect(await storedBatches(store, c.project.id)).toBe(5);
  });

  it('leaves other keys, other routes and other projects alone', async () => {
    // The same project's secret key has its own collect bucket.
    expect((await collect(c.url, c.sk)).status).toBe(202);
    // The same key on another route.
    expect((await get(c.url, '/api/v1/config?scene=limits', c.pk)).status).toBe(200);
    // Another project, on the defaults.
    for (let i = 0; i < 10; i++) expect((await collect(other.url, other.pk)).status).toBe(202);
    expect(await storedBatches(store, other.project.id)).toBe(10);
    // The api class: 2 per key and route, each route its own bucket.
    expect((await get(c.url, '/api/v1/audit', c.sk)).status).toBe(200);
    expect((await get(c.url, '/api/v1/audit', c.sk)).status).toBe(200);
    expectRateLimited(await get(c.url, '/api/v1/audit', c.sk));
    expect((await get(c.url, '/api/v1/dlq', c.sk)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await get(other.url, '/api/v1/audit', other.sk)).status).toBe(200);
  });

  it('admits again once the bucket has refilled', async () => {
    const r = await startTestCollector(store);
    try {
      await setOverrides(store, r, { collect: { perSecond: 2, burst: 2 } });
      let accepted = 0;
      let limited = false;
      for (let i = 0; i < 100 && !limited; i++) {
        const answer = await collect(r.url, r.pk);
        if (answer.status === 202) accepted += 1;
        else limited = expectRateLimited(answer) > 0;
      }
      expect(limited).toBe(true);
      let passed = false;
      for (let waited = 0; !passed && waited < 30_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const answer = await collect(r.url, r.pk);
        if (answer.status === 202) {
          passed = true;
          accepted += 1;
        } else {
          expectRateLimited(answer);
        }
      }
      expect(passed).toBe(true);
      expect(await storedBatches(store, r.project.id)).toBe(accepted);
    } finally {
      await r.close();
    }
  });
});

describe.each(DRIVERS)('rate limits when the store fails, on the %s store', (driver) => {
  it('admits (fails open) when the bucket cannot be leased', async () => {
    // A throwaway store whose rate_buckets table is dropped: every lease fails.
    const opened = await openTestStore(driver, inject('postgresUrl'));
    const c = await startTestCollector(opened.store);
    try {
      await setOverrides(opened.store, c, { collect: { perSecond: 0.02, burst: 1 } });
      await opened.store.query('DROP TABLE rate_buckets');
      for (let i = 0; i < 4; i++) expect((await collect(c.url, c.pk)).status).toBe(202);
      expect(await storedBatches(opened.store, c.project.id)).toBe(4);
    } finally {
      await c.close();
      await opened.cleanup();
    }
  });
});

/** A second collector app over its own store, as another process would run it. */
async function serveApp(store: Store): Promise<{ url: string; close(): Promise<void> }> {
  const deps = createDeps(loadConfig({ VANTAGE_DATA_DIR: tmpdir(), LOG_LEVEL: 'silent' }), store, createLogger('silent'));
  const server: Server = createServer(createApp(deps).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.buffer.drain();
      await deps.keys.stop();
    },
  };
}

// The embedded store cannot be opened twice; sharing across processes is a PostgreSQL matter.
describe('rate limits shared by two collectors on one PostgreSQL database', () => {
  let database: TestDatabase;
  let stores: Store[] = [];
  let apps: Array<{ url: string; close(): Promise<void> }> = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres', inject('postgresUrl'));
    stores = [await database.open(), await database.open()];
    apps = [await serveApp(stores[0] as Store), await serveApp(stores[1] as Store)];
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const store of stores) await store.close();
    await database?.cleanup();
  });

  it('admits together no more than burst + refill + one lease per process, and not less than the burst', async () => {
    const store = stores[0] as Store;
    const perSecond = 1;
    const burst = 30;
    const { project, keys } = await createProject(store, { name: 'shared', privacyMode: 'standard', retentionDays: 90 }, 'test');
    await store.query('UPDATE projects SET rate_limits = $2::jsonb WHERE id = $1', [project.id, JSON.stringify({ collect: { perSecond, burst } })]);
    const pk = keys.find((k) => k.kind === 'pk')?.token ?? '';

    const started = performance.now();
    const answers = await Promise.all(apps.map((app) => Promise.all(Array.from({ length: 45 }, () => collect(app.url, pk)))));
    const seconds = (performance.now() - started) / 1000;

    const admitted = answers.map((list) => list.filter((a) => a.status === 202).length);
    for (const list of answers) for (const a of list) if (a.status !== 202) expectRateLimited(a);
    const total = admitted[0]! + admitted[1]!;
    // Processes that ignored each other would admit 2 × burst; one lease of 1 token each.
    expect(total).toBeLessThanOrEqual(burst + Math.ceil(perSecond * seconds) + 2);
    expect(total).toBeGreaterThanOrEqual(burst);
    expect(admitted[0]).toBeGreaterThan(0);
    expect(admitted[1]).toBeGreaterThan(0);
    expect(await storedBatches(store, project.id)).toBe(total);
    const buckets = await store.query('SELECT bucket FROM rate_buckets WHERE project_id = $1', [project.id]);
    expect(buckets).toHaveLength(1);
  });
});

/**
 * Two collector processes (`node collector/dist/cli.js serve`) write to one PostgreSQL database
 * at the same time, each ingesting one half of a simulated population (sessions split between
 * them; a returning visitor may land on both); a third process ingests the whole population
 * into a second fresh database at the same moment. Every aggregate route must answer the same
 * on both databases — no count lost or doubled by concurrent upserts of the same rollup rows,
 * no visitor counted twice because two processes hashed it — and the totals must be the
 * population's.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr } from 'msgpackr';
import { OPT_IN_CHANNELS } from '@vantage/sdk-core/schema';
import { startServe, type ServeProcess } from '../testing/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../testing/harness.js';
import { createProject } from '../tenants/projects.js';
import { buildPopulation, DAY_MS, HOUR_MS, meshAttention, customEvents, sortAttention, type TruthSession } from './oracle-truth.js';

const packr = new Packr({ useRecords: false });
const SCENES = ['glam-velvet-sofa', 'glam-velvet-sofa-compact', 'living-room-showcase'];
const ALL_OPT_IN = Object.fromEntries(OPT_IN_CHANNELS.map((c) => [c, true]));
const SESSIONS = 600;
const LIMITS = { RATE_LIMIT_COLLECT_PER_SECOND: '1000000', RATE_LIMIT_COLLECT_BURST: '1000000', RATE_LIMIT_API_PER_SECOND: '1000000', RATE_LIMIT_API_BURST: '1000000' };

interface Side {
  database: TestDatabase;
  processes: ServeProcess[];
  pk: string;
  sk: string;
}

async function openSide(postgresUrl: string, processes: number): Promise<Side> {
  const database = await createTestDatabase('postgres', postgresUrl);
  // Migrate and create the project before any process starts, so none of them races to create a demo project.
  const store = await database.open();
  const { keys } = await createProject(store, { name: 'concurrency', privacyMode: 'standard', retentionDays: 90, allowedOrigins: [] }, 'test');
  await store.close();
  const env = { ...database.env, ...LIMITS, HOST: '127.0.0.1', PORT: '0', TRUST_PROXY: '1', LOG_LEVEL: 'warn' };
  const started = await Promise.all(Array.from({ length: processes }, () => startServe(env)));
  return { database, processes: started, pk: keys.find((k) => k.kind === 'pk')?.token ?? '', sk: keys.find((k) => k.kind === 'sk')?.token ?? '' };
}

/** `503`s answered during ingest (retried as the SDK retries them), per side. */
const refused = { split: 0, single: 0, first: '' };

async function post(url: string, key: string, s: TruthSession, body: unknown, side: 'split' | 'single'): Promise<{ accepted: number }> {
  for (let tries = 0; ; tries++) {
    const response = await fetch(`${url}/api/v1/collect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/msgpack', 'User-Agent': s.agent.ua, 'X-Forwarded-For': s.ip, Authorization: `Bearer ${key}` },
      body: packr.pack(body),
    });
    const answer = (await response.json()) as { accepted: number };
    if (response.status === 503 && tries < 20) {
      refused[side] += 1;
      refused.first ||= `${side}: ${JSON.stringify(answer)}`;
      await new Promise((resolve) => setTimeout(resolve, 20 + 20 * tries));
      continue;
    }
    if (response.status !== 202) throw new Error(`collect on ${url}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  }
}

async function get<T = Record<string, unknown>>(url: string, key: string, path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const target = new URL(path, url);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) target.searchParams.set(k, String(v));
  const response = await fetch(target, { headers: { Authorization: `Bearer ${key}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${target.pathname}${target.search} on ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function pages<T>(url: string, key: string, path: string, field: string, params: Record<string, string | number | undefined>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await get(url, key, path, { ...params, cursor, limit: 1000 });
    items.push(...(page[field] as T[]));
    cursor = (page.nextCursor as string | null | undefined) ?? undefined;
  } while (cursor);
  return items;
}

/** An answer without receipt-time fields, arrays in a canonical order: what both databases must agree on. */
function canonical(value: unknown, drop: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, drop)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !drop.includes(k)).map(([k, v]) => [k, canonical(v, drop)]));
  }
  return value;
}

describe('two collector processes on one PostgreSQL', () => {
  let split: Side;
  let single: Side;
  let population: TruthSession[];
  const window = { from: 0, to: 0 };
  let crossedMidnight = false;

  beforeAll(async () => {
    const postgresUrl = inject('postgresUrl');
    [split, single] = await Promise.all([openSide(postgresUrl, 2), openSide(postgresUrl, 1)]);
    for (const side of [split, single]) {
      for (const scene of SCENES) {
        const response = await fetch(`${side.processes[0]?.url}/api/v1/scenes/${scene}`, { method: 'PUT', headers: { Authorization: `Bearer ${side.sk}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ capture: ALL_OPT_IN, voxelSizeMm: 200 }) });
        expect(response.status).toBe(200);
      }
    }
    // Event times are corrected to the processes' own clocks: the population is sent as if from
    // devices a day behind, and lands around now on both databases.
    population = buildPopulation({
      sessions: SESSIONS,
      seed: 23,
      scenes: SCENES,
      startMs: Date.now() - DAY_MS,
      spreadMs: 2 * HOUR_MS,
      receiptStepMs: 60_000,
      handWritten: 12,
      capture: Object.fromEntries(SCENES.map((s) => [s, ALL_OPT_IN])),
    });
    const startedDay = Math.floor(Date.now() / DAY_MS);
    window.from = Date.now() - 2 * DAY_MS;
    const queue = population.map((s, i) => ({ s, half: i % 2 }));
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { s, half } = next;
          for (const b of s.batches) {
            const [a, whole] = await Promise.all([
              post(split.processes[half]?.url ?? '', split.pk, s, b.wire, 'split'),
              post(single.processes[0]?.url ?? '', single.pk, s, b.wire, 'single'),
            ]);
            expect([a.accepted, whole.accepted]).toEqual([b.events.length, b.events.length]);
          }
        }
      }),
    );
    crossedMidnight = Math.floor(Date.now() / DAY_MS) !== startedDay;
    window.to = Date.now() + DAY_MS;
  }, 300_000);

  afterAll(async () => {
    for (const side of [split, single]) {
      if (!side) continue;
      for (const p of side.processes) {
        p.child.kill('SIGTERM');
        await p.exited;
      }
      await side.database.cleanup();
    }
  });

  const both = async <T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<[T, T]> =>
    Promise.all([get<T>(split.processes[1]?.url ?? '', split.sk, path, { ...window, ...params }), get<T>(single.processes[0]?.url ?? '', single.sk, path, { ...window, ...params })]);

  it('accepts every batch at the first attempt: no 503 while two processes write to one database', () => {
    expect(refused, `batches refused with 503 (then retried); the first: ${refused.first}`).toEqual({ split: 0, single: 0, first: '' });
  });

  it('stores every accepted event once on both databases (event counts and the batch ledger)', async () => {
    const batches = population.reduce((n, s) => n + s.batches.length, 0);
    const events = population.reduce((n, s) => n + s.batches.reduce((m, b) => m + b.events.length, 0), 0);
    for (const side of [split, single]) {
      const store = await side.database.open();
      try {
        const [counted] = await store.query<{ n: string | number }>('SELECT sum(events) AS n FROM event_counts_hourly');
        const [ledger] = await store.query<{ n: string | number; e: string | number }>('SELECT count(*) AS n, sum(events) AS e FROM ingest_batches');
        const [summaries] = await store.query<{ n: string | number }>('SELECT count(*) AS n FROM sessions');
        expect([Number(counted?.n), Number(ledger?.n), Number(ledger?.e), Number(summaries?.n)]).toEqual([events, batches, events, population.length]);
      } finally {
        await store.close();
      }
    }
  });

  it('activity: the same totals, visitors and session durations, and the population\'s counts', async () => {
    type Activity = { totals: { sessions: number; visitors: number; events: number; eventsByType: Record<string, number> }; series: Array<{ events: number; sessions: number }>; sessionDurationMs: unknown };
    const [a, b] = await both<Activity>('/api/v1/activity', { interval: 'hour' });
    expect(a.totals).toEqual(b.totals);
    expect(a.sessionDurationMs).toEqual(b.sessionDurationMs);
    const sum = (x: Activity) => x.series.reduce((n, e) => [n[0] + e.events, n[1] + e.sessions] as [number, number], [0, 0] as [number, number]);
    expect(sum(a)).toEqual(sum(b));
    const events = population.flatMap((s) => s.batches.flatMap((x) => x.events));
    const byType: Record<string, number> = {};
    for (const e of events) byType[e.type] = (byType[e.type] ?? 0) + 1;
    expect(a.totals.events).toBe(events.length);
    expect(a.totals.eventsByType).toEqual(byType);
    expect(a.totals.sessions).toBe(population.length);
    // One visitor per address and browser in a scene: split across processes, still counted once.
    for (const scene of SCENES) {
      const [sa, sb] = await both<Activity>('/api/v1/activity', { scene });
      expect(sa.totals, scene).toEqual(sb.totals);
      const visitors = new Set(population.filter((s) => s.scene === scene).map((s) => `${s.ip}|${s.agent.ua}`)).size;
      if (!crossedMidnight) expect(sa.totals.visitors, scene).toBe(visitors);
    }
  });

  it('mesh attention: every mesh the same, and the population\'s figures', async () => {
    const [a, b] = await Promise.all([
      pages(split.processes[0]?.url ?? '', split.sk, '/api/v1/mesh-attention', 'meshes', { ...window, sort: 'dwellMs' }),
      pages(single.processes[0]?.url ?? '', single.sk, '/api/v1/mesh-attention', 'meshes', { ...window, sort: 'dwellMs' }),
    ]);
    expect(a).toEqual(b);
    expect(a).toEqual(sortAttention(meshAttention(population, { from: 0, to: Number.MAX_SAFE_INTEGER }), 'dwellMs'));
  });

  it('heatmaps and view directions: the same voxels and bins', async () => {
    for (const scene of SCENES) {
      for (const kind of ['click', 'gaze', 'camera']) {
        const [a, b] = await both(`/api/v1/heatmaps/${kind}`, { scene, limit: 50_000 });
        expect(canonical(a, []), `${scene} ${kind}`).toEqual(canonical(b, []));
        expect((a as { total: number }).total, `${scene} ${kind}`).toBeGreaterThan(0);
      }
    }
    const [a, b] = await both('/api/v1/view-directions');
    expect(canonical(a, [])).toEqual(canonical(b, []));
  });

  it('performance and resources: the same groups and percentiles', async () => {
    for (const route of ['performance', 'resources']) {
      for (const groupBy of ['none', 'deviceType', 'browser']) {
        const [a, b] = await both(`/api/v1/${route}`, { groupBy });
        expect(canonical(a, []), `${route} by ${groupBy}`).toEqual(canonical(b, []));
      }
    }
  });

  it('errors, custom events and traffic sources: the same rows', async () => {
    const [ea, eb] = await both('/api/v1/errors', { limit: 1000 });
    expect(canonical(ea, ['firstSeen', 'lastSeen'])).toEqual(canonical(eb, ['firstSeen', 'lastSeen']));
    const [ca, cb] = await both<{ events: Array<{ name: string; count: number }> }>('/api/v1/custom-events', { property: 'variant' });
    expect(canonical(ca, [])).toEqual(canonical(cb, []));
    expect(new Map(ca.events.map((e) => [e.name, e.count]))).toEqual(new Map([...customEvents(population, { from: 0, to: Number.MAX_SAFE_INTEGER })].map(([name, r]) => [name, r.count])));
    const [ta, tb] = await both('/api/v1/traffic-sources');
    expect(canonical(ta, [])).toEqual(canonical(tb, []));
  });

  it('sessions: the same summaries for every session', async () => {
    const [a, b] = await Promise.all([
      pages<Record<string, unknown>>(split.processes[0]?.url ?? '', split.sk, '/api/v1/sessions', 'sessions', window),
      pages<Record<string, unknown>>(single.processes[0]?.url ?? '', single.sk, '/api/v1/sessions', 'sessions', window),
    ]);
    expect(a.length).toBe(population.length);
    // Start and length come from receipt times (a session's length is the span of its
    // skew-corrected events when longer than the SDK's): they differ by the moments each side
    // received the batches. The oracle test checks them with receipt times pinned.
    expect(canonical(a, ['startedAt', 'durationMs'])).toEqual(canonical(b, ['startedAt', 'durationMs']));
  });

  it('funnels: the same conversion', async () => {
    const definition = { name: 'browse to cart', steps: [{ kind: 'scene', scene: 'glam-velvet-sofa' }, { kind: 'custom', name: 'variant_selected' }, { kind: 'custom', name: 'add_to_cart' }] };
    const answers = [];
    for (const [url, sk] of [[split.processes[0]?.url ?? '', split.sk], [single.processes[0]?.url ?? '', single.sk]] as const) {
      const created = await fetch(`${url}/api/v1/funnels`, { method: 'POST', headers: { Authorization: `Bearer ${sk}`, 'Content-Type': 'application/json' }, body: JSON.stringify(definition) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      answers.push(await get<Record<string, unknown>>(url, sk, `/api/v1/funnels/${id}`, window));
    }
    expect(canonical(answers[0], ['id', 'createdAt'])).toEqual(canonical(answers[1], ['id', 'createdAt']));
    expect((answers[0] as { sessions: number }).sessions).toBeGreaterThan(0);
  });
});

/**
 * The aggregate oracle: a seeded simulated population with known ground truth is sent through
 * the real app (`createApp(deps)`, receipt times pinned with `deps.clock`), on the embedded store
 * and on a real PostgreSQL server, and every route of the query API is compared with a
 * brute-force computation over the same events (`oracle-truth.ts`). Percentiles must lie within
 * one histogram bucket of the exact nearest-rank percentile.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr } from 'msgpackr';
import { OPT_IN_CHANNELS } from '@vantage/sdk-core/schema';
import { openTestStore, startTestCollector, type Driver, type TestCollector } from '../testing/harness.js';
import { createLogger } from '../log.js';
import { createProject } from '../tenants/projects.js';
import { bucketOf } from './buckets.js';
import * as truth from './oracle-truth.js';
import { DAY_MS, HOUR_MS, type MeshAttention, type TruthSession, type Window } from './oracle-truth.js';

const packr = new Packr({ useRecords: false });
const SCENES = ['glam-velvet-sofa', 'glam-velvet-sofa-compact', 'living-room-showcase'] as const;
const ALL_OPT_IN = Object.fromEntries(OPT_IN_CHANNELS.map((c) => [c, true]));
/** Every opt-in channel on, but for one left off in one scene: its events must be dropped, not folded. */
const SCENE_SETTINGS: Record<string, Record<string, unknown>> = {
  'glam-velvet-sofa': { capture: ALL_OPT_IN, voxelSizeMm: 250 },
  'glam-velvet-sofa-compact': { capture: ALL_OPT_IN, bounds: { min: [-2, 0, -1.5], max: [2.1, 1.4, 1.5] } },
  'living-room-showcase': { capture: { ...ALL_OPT_IN, resource_sample: false } },
};
const VOXEL_MM: Record<string, number> = {
  'glam-velvet-sofa': 250,
  'glam-velvet-sofa-compact': truth.voxelMmOf({ bounds: { min: [-2, 0, -1.5], max: [2.1, 1.4, 1.5] } }),
  'living-room-showcase': 100,
};

/** Sessions arrive over 30 hours that start 05:30 UTC three days ago: two UTC days, one week boundary at most. */
const DAY0 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 3 * DAY_MS;
const START_MS = DAY0 + 5.5 * HOUR_MS;
const SPREAD_MS = 30 * HOUR_MS;
/** Receipt times are multiples of 29 minutes: skew corrections of up to 29 min move events across hour boundaries. */
const RECEIPT_STEP_MS = 29 * 60_000;

/** Sessions per driver: PostgreSQL gets the whole population, the embedded store every eighth session (and the hand-written ones). */
const POPULATION_SESSIONS = 2000;
const HAND_WRITTEN = 24;

let population: TruthSession[] | undefined;
function fullPopulation(): TruthSession[] {
  population ??= truth.buildPopulation({
    sessions: POPULATION_SESSIONS,
    seed: 5,
    scenes: SCENES,
    startMs: START_MS,
    spreadMs: SPREAD_MS,
    receiptStepMs: RECEIPT_STEP_MS,
    handWritten: HAND_WRITTEN,
    capture: Object.fromEntries(Object.entries(SCENE_SETTINGS).map(([scene, s]) => [scene, s.capture as Record<string, boolean>])),
  });
  return population;
}

/** What an ingest saw: accepted events, retries answered `duplicate`, and `503`s (retried like the SDK does). */
interface IngestStats {
  accepted: number;
  duplicates: number;
  unavailable: number;
  firstUnavailable: string | null;
}

/**
 * Send a population through the app, phase by phase of receipt time, sessions in parallel,
 * batches of a session in order. A `503` is retried after a short pause, as the SDK retries it,
 * and counted: ingest must not need it.
 */
async function ingest(c: TestCollector, sessions: readonly TruthSession[], key: string, setNow: (t: number) => void): Promise<IngestStats> {
  const phases = new Map<number, Array<{ s: TruthSession; i: number }>>();
  for (const s of sessions) {
    s.batches.forEach((b, i) => {
      let list = phases.get(b.receivedAt);
      if (!list) phases.set(b.receivedAt, (list = []));
      list.push({ s, i });
    });
  }
  const stats: IngestStats = { accepted: 0, duplicates: 0, unavailable: 0, firstUnavailable: null };
  const post = async (s: TruthSession, i: number) => {
    const b = s.batches[i] as TruthSession['batches'][number];
    for (let tries = 0; ; tries++) {
      const response = await fetch(`${c.url}/api/v1/collect`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/msgpack', 'User-Agent': s.agent.ua, 'X-Forwarded-For': s.ip, Authorization: `Bearer ${key}` },
        body: packr.pack(b.wire),
      });
      const body = (await response.json()) as { accepted: number; duplicate?: boolean };
      if (response.status !== 503 || tries >= 20) return { status: response.status, body };
      stats.unavailable += 1;
      stats.firstUnavailable ??= `batch ${s.sid}#${b.wire.seq}: ${JSON.stringify(body)}`;
      await new Promise((resolve) => setTimeout(resolve, 20 + 20 * tries));
    }
  };
  const send = async (s: TruthSession, i: number) => {
    const b = s.batches[i] as TruthSession['batches'][number];
    for (let attempt = 0; attempt < (b.resend ? 2 : 1); attempt++) {
      const { status, body } = await post(s, i);
      if (status !== 202 || body.accepted !== b.events.length || (attempt === 1) !== (body.duplicate === true)) {
        throw new Error(`batch ${s.sid}#${b.wire.seq} (attempt ${attempt}): ${status} ${JSON.stringify(body)}, expected ${b.events.length} accepted`);
      }
      if (attempt === 0) stats.accepted += body.accepted;
      else stats.duplicates += 1;
    }
  };
  for (const [receivedAt, list] of [...phases].sort((a, b) => a[0] - b[0])) {
    setNow(receivedAt);
    const chains = new Map<TruthSession, number[]>();
    for (const { s, i } of list) chains.set(s, [...(chains.get(s) ?? []), i]);
    const queue = [...chains];
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) for (const i of next[1]) await send(next[0], i);
      }),
    );
  }
  return stats;
}

/** A GET on the query API with the secret key; the JSON answer. */
async function query<T = Record<string, unknown>>(c: TestCollector, path: string, params: Record<string, string | number | undefined> = {}, key = c.sk): Promise<T> {
  const url = new URL(path, c.url);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
  const response = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url.pathname}${url.search}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Every page of a list route, following `nextCursor`. */
async function allPages<T>(c: TestCollector, path: string, field: string, params: Record<string, string | number | undefined>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await query<Record<string, unknown>>(c, path, { ...params, cursor });
    items.push(...(page[field] as T[]));
    cursor = (page.nextCursor as string | null | undefined) ?? undefined;
    pages += 1;
    if (pages > 10_000) throw new Error('paging does not end');
  } while (cursor);
  return { items, pages };
}

const toMs = (v: unknown) => (typeof v === 'number' ? v : Date.parse(String(v)));

/** Percentiles within one histogram bucket of the exact nearest-rank ones (`scale` turns the answer's unit into the histogram's). */
function expectPercentiles(answer: Record<string, number | null> | null | undefined, exact: Record<string, number | null>, label: string, scale = 1): void {
  for (const p of ['p50', 'p95', 'p99', 'p5', 'p1'] as const) {
    if (!(p in exact)) {
      expect(answer?.[p], `${label} ${p}: not asked for`).toBeUndefined();
      continue;
    }
    const want = exact[p];
    const got = answer?.[p];
    if (want === null || want === undefined) {
      expect(got ?? null, `${label} ${p}`).toBeNull();
      continue;
    }
    expect(typeof got, `${label} ${p}: ${String(got)} for exact ${want}`).toBe('number');
    const distance = Math.abs(bucketOf((got as number) * scale) - bucketOf(want));
    expect(distance, `${label} ${p}: answered ${String(got)}, exact nearest-rank ${want}`).toBeLessThanOrEqual(1);
  }
}

/** The answer of `GET /api/v1/activity`. */
interface ActivityAnswer {
  totals: truth.ActivityCounts;
  series: Array<truth.ActivityCounts & { start: unknown }>;
  sessionDurationMs: (Record<string, number | null> & { sessions: number }) | null;
}

/** The windows every route is checked on. */
function windows(): Array<{ name: string; w: Window; from: string | number; to: string | number }> {
  const full = { from: DAY0, to: DAY0 + 3 * DAY_MS };
  const part = { from: START_MS + 7 * HOUR_MS + 17 * 60_000, to: START_MS + 21 * HOUR_MS + 41 * 60_000 };
  return [
    { name: 'all days', w: full, from: new Date(full.from).toISOString(), to: new Date(full.to).toISOString() },
    { name: 'a window cutting hours (epoch ms)', w: part, from: part.from, to: part.to },
    ...SCENES.map((scene) => ({ name: `scene ${scene}`, w: { ...full, scene }, from: full.from, to: full.to })),
  ];
}

function oracle(driver: Driver, every: number): void {
  describe(`on the ${driver} store (${every === 1 ? 'whole population' : `every ${every}th session`})`, () => {
    let c: TestCollector;
    let cleanup: (() => Promise<void>) | undefined;
    let sessions: TruthSession[] = [];
    let paranoid: { pk: string; sk: string; sessions: TruthSession[] };
    let now: number | undefined;
    let sent: IngestStats;

    beforeAll(async () => {
      sessions = fullPopulation().filter((s, i) => i % every === 0 || s.sid.startsWith('handwritten_'));
      const opened = await openTestStore(driver, inject('postgresUrl'));
      cleanup = opened.cleanup;
      c = await startTestCollector(opened.store, { TRUST_PROXY: '1', RATE_LIMIT_API_PER_SECOND: '100000', RATE_LIMIT_COLLECT_PER_SECOND: '100000' }, undefined, process.env.ORACLE_LOG ? createLogger(process.env.ORACLE_LOG) : undefined);
      c.deps.clock = () => now ?? Date.now();
      for (const [scene, settings] of Object.entries(SCENE_SETTINGS)) {
        const response = await fetch(`${c.url}/api/v1/scenes/${scene}`, { method: 'PUT', headers: { Authorization: `Bearer ${c.sk}`, 'Content-Type': 'application/json' }, body: JSON.stringify(settings) });
        expect(response.status, await response.text()).toBe(200);
      }
      // A paranoid project on the same collector: its sessions must neither show in the first
      // project's answers nor keep a device type or browser.
      const second = await createProject(opened.store, { name: 'paranoid', privacyMode: 'paranoid', retentionDays: 90, allowedOrigins: [] }, 'test');
      const tokens = { pk: second.keys.find((k) => k.kind === 'pk')?.token ?? '', sk: second.keys.find((k) => k.kind === 'sk')?.token ?? '' };
      paranoid = { ...tokens, sessions: sessions.filter((s) => s.scene === 'glam-velvet-sofa').slice(0, 40) };
      for (const [scene, settings] of Object.entries(SCENE_SETTINGS)) {
        await fetch(`${c.url}/api/v1/scenes/${scene}`, { method: 'PUT', headers: { Authorization: `Bearer ${tokens.sk}`, 'Content-Type': 'application/json' }, body: JSON.stringify(settings) });
      }
      await ingest(c, paranoid.sessions, tokens.pk, (t) => (now = t));
      sent = await ingest(c, sessions, c.pk, (t) => (now = t));
      now = undefined;
    }, 600_000);

    afterAll(async () => {
      await c?.close();
      await cleanup?.();
    });

    it('ingest: every batch accepted at once (no 503), every retry answered as a duplicate', () => {
      expect(sent.accepted).toBe(sessions.reduce((n, s) => n + s.batches.reduce((m, b) => m + b.events.length, 0), 0));
      expect(sent.duplicates).toBe(sessions.reduce((n, s) => n + s.batches.filter((b) => b.resend).length, 0));
      expect(sent.unavailable, `batches refused with 503 and retried; the first: ${sent.firstUnavailable}`).toBe(0);
    });

    it('the foundation rollup (event_counts_hourly) agrees with the truth per hour, scene and type', async () => {
      const rows = await c.deps.store.query<{ scene_id: string; hour: Date | string; type: string; events: number | string }>(
        'SELECT scene_id, hour, type, events FROM event_counts_hourly WHERE project_id = $1', [c.project.id],
      );
      const got = new Map(rows.map((r) => [`${r.scene_id} ${toMs(r.hour instanceof Date ? r.hour.toISOString() : r.hour)} ${r.type}`, Number(r.events)]));
      const want = new Map<string, number>();
      for (const { e, s } of truth.eventsIn(sessions, { from: 0, to: Number.MAX_SAFE_INTEGER })) {
        const key = `${s.scene} ${Math.floor(e.t / HOUR_MS) * HOUR_MS} ${e.type}`;
        want.set(key, (want.get(key) ?? 0) + 1);
      }
      expect(got).toEqual(want);
    });

    /** An activity answer as compared: series entries with data, starts in epoch ms; visitors kept only where `visitors` says. */
    const activityOf = (got: ActivityAnswer, visitors: boolean) => ({
      totals: visitors ? got.totals : { ...got.totals, visitors: undefined },
      series: got.series
        .filter((e) => e.events > 0 || e.sessions > 0 || (e.visitors ?? 0) > 0)
        .map((e) => ({ start: toMs(e.start), sessions: e.sessions, events: e.events, eventsByType: e.eventsByType, ...(visitors ? { visitors: e.visitors } : {}) })),
    });
    const expectedActivity = (want: ReturnType<typeof truth.activity>, visitors: boolean) => ({
      totals: visitors ? want.totals : { ...want.totals, visitors: undefined },
      series: want.series.filter((e) => e.events > 0 || e.sessions > 0 || (visitors && (e.visitors ?? 0) > 0)).map((e) => (visitors ? e : { start: e.start, sessions: e.sessions, events: e.events, eventsByType: e.eventsByType })),
    });

    it('activity: totals, hourly/daily/weekly series and session durations (visitors of one scene)', async () => {
      for (const { name, w, from, to } of windows()) {
        for (const interval of ['hour', 'day', 'week'] as const) {
          const want = truth.activity(sessions, w, interval);
          const got = await query<ActivityAnswer>(c, '/api/v1/activity', { from, to, interval, scene: w.scene });
          const label = `${name}, ${interval}`;
          // Visitors over every scene are checked on their own below.
          const visitors = w.scene !== undefined;
          expect(activityOf(got, visitors), label).toEqual(expectedActivity(want, visitors));
          expect(got.sessionDurationMs?.sessions, label).toBe(want.sessionDurationMs.sessions);
          expectPercentiles(got.sessionDurationMs, want.sessionDurationMs, `${label} session duration`);
        }
      }
    });

    it('activity: visitors over every scene are distinct visitors per day, not a sum over scenes', async () => {
      for (const { name, w, from, to } of windows().filter((x) => x.w.scene === undefined)) {
        for (const interval of ['day', 'week'] as const) {
          const want = truth.activity(sessions, w, interval);
          const got = await query<ActivityAnswer>(c, '/api/v1/activity', { from, to, interval });
          const label = `${name}, ${interval}`;
          expect({ visitors: got.totals.visitors, series: activityOf(got, true).series.map((e) => [e.start, e.visitors]) }, label).toEqual({
            visitors: want.totals.visitors,
            series: want.series.map((e) => [e.start, e.visitors]),
          });
        }
      }
    });

    it('activity: the default window is the last 7 days and the paranoid project is kept apart', async () => {
      const everything = { from: DAY0 - 4 * DAY_MS, to: DAY0 + 4 * DAY_MS };
      const got = await query<ActivityAnswer>(c, '/api/v1/activity');
      expect(activityOf(got, false)).toEqual(expectedActivity(truth.activity(sessions, everything, 'day'), false));
      const other = await query<ActivityAnswer>(c, '/api/v1/activity', { scene: 'glam-velvet-sofa' }, paranoid.sk);
      expect(activityOf(other, true)).toEqual(expectedActivity(truth.activity(paranoid.sessions, { ...everything, scene: 'glam-velvet-sofa' }, 'day'), true));
    });

    it('mesh attention: every mesh, every sort, paged with cursors', async () => {
      for (const { name, w, from, to } of windows()) {
        const rows = truth.meshAttention(sessions, w);
        expect(rows.length, name).toBeGreaterThanOrEqual(3);
        for (const sort of ['clicks', 'picks', 'pointerMoves', 'hovers', 'dwellMs', 'visibleMs', 'centreMs', 'maxScreenPermille'] as const) {
          const want = truth.sortAttention(rows, sort);
          const { items, pages } = await allPages<MeshAttention>(c, '/api/v1/mesh-attention', 'meshes', { from, to, scene: w.scene, sort, limit: 7 });
          expect(items, `${name}, sort ${sort}`).toEqual(want);
          expect(pages, `${name}, sort ${sort}`).toBe(Math.max(1, Math.ceil(want.length / 7)));
        }
        const one = await query<{ meshes: MeshAttention[] }>(c, '/api/v1/mesh-attention', { from, to, scene: w.scene });
        expect(one.meshes, `${name}, default sort`).toEqual(truth.sortAttention(rows, 'clicks').slice(0, 100));
      }
    });

    it('heatmaps: click, gaze and camera voxels at each scene\'s voxel size', async () => {
      const days = { from: DAY0, to: DAY0 + 3 * DAY_MS };
      const oneDay = { from: DAY0 + DAY_MS, to: DAY0 + 2 * DAY_MS };
      for (const scene of SCENES) {
        for (const kind of ['click', 'gaze', 'camera'] as const) {
          for (const w of [days, oneDay]) {
            const want = truth.heatmap(sessions, { ...w, scene }, kind, VOXEL_MM[scene] as number);
            if (w === days) expect(want.size, `${scene} ${kind}: voxels to compare`).toBeGreaterThan(kind === 'click' ? 3 : kind === 'camera' ? 20 : 50);
            const got = await query<{ scene: string; kind: string; voxelMm: number; voxels: Array<{ x: number; y: number; z: number; count: number }>; total: number; truncated: boolean }>(
              c, `/api/v1/heatmaps/${kind}`, { scene, from: w.from, to: w.to, limit: 50_000 },
            );
            const label = `${scene} ${kind} ${new Date(w.from).toISOString()}`;
            expect(got.voxelMm, label).toBe(kind === 'camera' ? (VOXEL_MM[scene] as number) * 8 : VOXEL_MM[scene]);
            expect(new Map(got.voxels.map((v) => [`${v.x},${v.y},${v.z}`, v.count])), label).toEqual(want);
            expect(got.total, label).toBe([...want.values()].reduce((a, b) => a + b, 0));
            expect(got.truncated, label).toBe(false);
            const counts = got.voxels.map((v) => v.count);
            expect(counts, `${label}: sorted by count`).toEqual([...counts].sort((a, b) => b - a));
          }
        }
        const top = await query<{ voxels: Array<{ count: number }>; truncated: boolean; total: number }>(c, '/api/v1/heatmaps/camera', { scene, from: days.from, to: days.to, limit: 5 });
        const all = [...truth.heatmap(sessions, { ...days, scene }, 'camera', VOXEL_MM[scene] as number).values()].sort((a, b) => b - a);
        expect(top.voxels.map((v) => v.count), `${scene} top 5`).toEqual(all.slice(0, 5));
        expect(top.truncated).toBe(all.length > 5);
        expect(top.total).toBe(all.reduce((a, b) => a + b, 0));
      }
    });

    it('view directions: camera forward vectors binned 24 × 12', async () => {
      for (const { name, w, from, to } of windows()) {
        const want = truth.viewDirections(sessions, w);
        expect(want.size, `${name}: bins to compare`).toBeGreaterThan(20);
        const got = await query<{ azimuthBins: number; elevationBins: number; bins: Array<{ azimuthBin: number; elevationBin: number; direction: number[]; samples: number }>; total: number }>(
          c, '/api/v1/view-directions', { from, to, scene: w.scene },
        );
        expect([got.azimuthBins, got.elevationBins]).toEqual([24, 12]);
        expect(new Map(got.bins.map((b) => [`${b.azimuthBin},${b.elevationBin}`, b.samples])), name).toEqual(want);
        expect(got.total, name).toBe([...want.values()].reduce((a, b) => a + b, 0));
        for (const b of got.bins) {
          const y = ((b.elevationBin + 0.5) / 12) * 2 - 1;
          const azimuth = ((b.azimuthBin + 0.5) / 24) * 2 * Math.PI - Math.PI;
          const r = Math.sqrt(1 - y * y);
          const [dx, dy, dz] = b.direction as [number, number, number];
          expect(Math.hypot(dx, dy, dz), `${name} bin ${b.azimuthBin},${b.elevationBin} unit`).toBeCloseTo(1, 3);
          // The centre of the bin: inside it, and at its middle azimuth.
          expect(Math.min(11, Math.floor(((dy + 1) / 2) * 12)), `${name} centre elevation`).toBe(b.elevationBin);
          expect(Math.atan2(dx, -dz), `${name} centre azimuth`).toBeCloseTo(azimuth, 3);
          expect(Math.abs(dy - y) < 0.09 || r === 0, `${name} centre height`).toBe(true);
        }
      }
    });

    type Group = Record<string, unknown> & { deviceType: string | null; browser: string | null };
    const groupKey = (g: Group, by: truth.DeviceQuery['groupBy']) => (by === 'deviceType' ? g.deviceType : by === 'browser' ? g.browser : 'all');
    const deviceQueries = (): Array<Omit<truth.DeviceQuery, 'from' | 'to'>> => [
      { groupBy: 'none' },
      { groupBy: 'deviceType' },
      { groupBy: 'browser' },
      { groupBy: 'browser', deviceType: 'mobile' },
      { groupBy: 'deviceType', browser: 'Safari' },
      { groupBy: 'none', deviceType: 'desktop', browser: 'Chrome' },
      { groupBy: 'browser', scene: 'living-room-showcase' },
    ];

    it('performance: windows, frames, long frames and percentiles, by device type and browser', async () => {
      for (const { name, w, from, to } of windows().slice(0, 2)) {
        for (const dq of deviceQueries()) {
          const q: truth.DeviceQuery = { ...w, ...dq };
          const want = truth.performance(sessions, q);
          expect(want.size, `${name} ${JSON.stringify(dq)}: groups to compare`).toBeGreaterThan(0);
          const got = await query<{ groups: Group[] }>(c, '/api/v1/performance', { from, to, scene: q.scene, deviceType: q.deviceType, browser: q.browser, groupBy: q.groupBy });
          const label = `${name} ${JSON.stringify(dq)}`;
          expect(got.groups.map((g) => groupKey(g, q.groupBy)).sort(), label).toEqual([...want.keys()].sort());
          for (const g of got.groups) {
            const exact = want.get(groupKey(g, q.groupBy)) as NonNullable<ReturnType<typeof want.get>>;
            const at = `${label} group ${String(groupKey(g, q.groupBy))}`;
            expect({ windows: g.windows, frames: g.frames, longFrames: g.longFrames }, at).toEqual({ windows: exact.windows, frames: exact.frames, longFrames: exact.longFrames });
            if (q.groupBy === 'browser' && q.deviceType === undefined) expect(g.deviceType, at).toBeNull();
            expectPercentiles(g.frameMs as Record<string, number>, exact.frameUs, `${at} frameMs`, 1000);
            expectPercentiles(g.fps as Record<string, number>, exact.fps, `${at} fps`);
            expectPercentiles(g.drawCalls as Record<string, number>, exact.drawCalls, `${at} drawCalls`);
            expectPercentiles(g.triangles as Record<string, number>, exact.triangles, `${at} triangles`);
          }
        }
      }
    });

    it('resources: samples and percentiles of geometries, textures, programs and heap (none where the channel is off)', async () => {
      for (const { name, w, from, to } of windows()) {
        for (const dq of deviceQueries()) {
          const q: truth.DeviceQuery = { ...w, ...dq, scene: dq.scene ?? w.scene };
          const want = truth.resources(sessions, q);
          const got = await query<{ groups: Group[] }>(c, '/api/v1/resources', { from, to, scene: q.scene, deviceType: q.deviceType, browser: q.browser, groupBy: q.groupBy });
          const label = `${name} ${JSON.stringify(dq)}`;
          expect(got.groups.filter((g) => (g.samples as number) > 0).map((g) => groupKey(g, q.groupBy)).sort(), label).toEqual([...want.keys()].sort());
          for (const g of got.groups.filter((x) => (x.samples as number) > 0)) {
            const exact = want.get(groupKey(g, q.groupBy)) as NonNullable<ReturnType<typeof want.get>>;
            const at = `${label} group ${String(groupKey(g, q.groupBy))}`;
            expect(g.samples, at).toBe(exact.samples);
            for (const figure of ['geometries', 'textures', 'programs'] as const) expectPercentiles(g[figure] as Record<string, number>, exact[figure], `${at} ${figure}`);
            if (exact.heapKb === null) expect(g.heapKb, at).toBeNull();
            else expectPercentiles(g.heapKb as Record<string, number>, exact.heapKb, `${at} heapKb`);
          }
        }
      }
    });

    /**
     * Each interval of a series must answer what a query of that interval alone (cut to the
     * window) would: the same groups, totals and percentiles as the brute-force truth over it.
     */
    const seriesCases = () => {
      const [whole, cut] = windows() as [ReturnType<typeof windows>[number], ReturnType<typeof windows>[number]];
      return [
        { ...whole, interval: 'day' as const, dq: { groupBy: 'browser' as const } },
        { ...whole, interval: 'week' as const, dq: { groupBy: 'none' as const } },
        { ...cut, interval: 'hour' as const, dq: { groupBy: 'deviceType' as const, browser: 'Chrome' } },
        { ...cut, interval: 'day' as const, dq: { groupBy: 'none' as const, scene: 'living-room-showcase' } },
      ];
    };
    /** The truth per interval of `q`'s window: interval start (epoch ms) → the window answer's groups, where there are any. */
    function truthSeries<T>(q: truth.DeviceQuery, interval: keyof typeof truth.INTERVAL_MS, read: (q: truth.DeviceQuery) => Map<string | null, T>): Map<number, Map<string | null, T>> {
      const out = new Map<number, Map<string | null, T>>();
      for (let start = truth.intervalStartOf(q.from, interval); start < q.to; start += truth.INTERVAL_MS[interval]) {
        const want = read({ ...q, from: Math.max(start, q.from), to: Math.min(start + truth.INTERVAL_MS[interval], q.to) });
        if (want.size > 0) out.set(start, want);
      }
      return out;
    }

    it('performance per hour, day and week: each interval answers what its own window would, and the window is unchanged', async () => {
      for (const { name, w, from, to, interval, dq } of seriesCases()) {
        const q: truth.DeviceQuery = { ...w, ...dq };
        const label = `${name} per ${interval} ${JSON.stringify(dq)}`;
        const params = { from, to, scene: q.scene, deviceType: q.deviceType, browser: q.browser, groupBy: q.groupBy };
        const got = await query<{ groups: Group[]; interval: string; series: Array<{ start: string; groups: Group[] }> }>(c, '/api/v1/performance', { ...params, interval });
        const plain = await query<{ groups: Group[] }>(c, '/api/v1/performance', params);
        expect(got.interval, label).toBe(interval);
        expect(got.groups, `${label}: the window's groups`).toEqual(plain.groups);
        const want = truthSeries(q, interval, (slice) => truth.performance(sessions, slice));
        // The three days hold a week boundary only on some days of the week.
        expect(want.size, `${label}: intervals to compare`).toBeGreaterThan(interval === 'week' ? 0 : 1);
        expect(got.series.map((p) => p.start), label).toEqual([...want.keys()].map((t) => new Date(t).toISOString()));
        for (const point of got.series) {
          const exact = want.get(Date.parse(point.start)) as NonNullable<ReturnType<typeof want.get>>;
          expect(point.groups.map((g) => groupKey(g, q.groupBy)).sort(), `${label} ${point.start}`).toEqual([...exact.keys()].sort());
          for (const g of point.groups) {
            const e = exact.get(groupKey(g, q.groupBy)) as NonNullable<ReturnType<typeof exact.get>>;
            const at = `${label} ${point.start} group ${String(groupKey(g, q.groupBy))}`;
            expect({ windows: g.windows, frames: g.frames, longFrames: g.longFrames }, at).toEqual({ windows: e.windows, frames: e.frames, longFrames: e.longFrames });
            expectPercentiles(g.frameMs as Record<string, number>, e.frameUs, `${at} frameMs`, 1000);
            expectPercentiles(g.fps as Record<string, number>, e.fps, `${at} fps`);
            expectPercentiles(g.triangles as Record<string, number>, e.triangles, `${at} triangles`);
          }
        }
        const windows = got.series.reduce((n, p) => n + p.groups.reduce((m, g) => m + (g.windows as number), 0), 0);
        expect(windows, `${label}: the intervals add up to the window`).toBe(got.groups.reduce((n, g) => n + (g.windows as number), 0));
      }
    });

    it('resources per hour, day and week: each interval answers what its own window would', async () => {
      for (const { name, w, from, to, interval, dq } of seriesCases()) {
        const q: truth.DeviceQuery = { ...w, ...dq };
        const label = `${name} per ${interval} ${JSON.stringify(dq)}`;
        const got = await query<{ groups: Group[]; interval: string; series: Array<{ start: string; groups: Group[] }> }>(c, '/api/v1/resources', { from, to, scene: q.scene, deviceType: q.deviceType, browser: q.browser, groupBy: q.groupBy, interval });
        expect(got.interval, label).toBe(interval);
        const want = truthSeries(q, interval, (slice) => truth.resources(sessions, slice));
        const withSamples = got.series.map((p) => ({ ...p, groups: p.groups.filter((g) => (g.samples as number) > 0) })).filter((p) => p.groups.length > 0);
        expect(withSamples.map((p) => p.start), label).toEqual([...want.keys()].map((t) => new Date(t).toISOString()));
        for (const point of withSamples) {
          const exact = want.get(Date.parse(point.start)) as NonNullable<ReturnType<typeof want.get>>;
          expect(point.groups.map((g) => groupKey(g, q.groupBy)).sort(), `${label} ${point.start}`).toEqual([...exact.keys()].sort());
          for (const g of point.groups) {
            const e = exact.get(groupKey(g, q.groupBy)) as NonNullable<ReturnType<typeof exact.get>>;
            const at = `${label} ${point.start} group ${String(groupKey(g, q.groupBy))}`;
            expect(g.samples, at).toBe(e.samples);
            expectPercentiles(g.geometries as Record<string, number>, e.geometries, `${at} geometries`);
            if (e.heapKb === null) expect(g.heapKb, at).toBeNull();
            else expectPercentiles(g.heapKb as Record<string, number>, e.heapKb, `${at} heapKb`);
          }
        }
      }
    });

    it('performance and resources of a paranoid project: one group without device type or browser', async () => {
      const w = { from: DAY0, to: DAY0 + 3 * DAY_MS };
      for (const route of ['performance', 'resources'] as const) {
        for (const groupBy of ['deviceType', 'browser'] as const) {
          const got = await query<{ groups: Group[] }>(c, `/api/v1/${route}`, { from: w.from, to: w.to, groupBy }, paranoid.sk);
          const want = route === 'performance' ? truth.performance(paranoid.sessions, { ...w, groupBy, paranoid: true }) : truth.resources(paranoid.sessions, { ...w, groupBy, paranoid: true });
          expect(got.groups.map((g) => [g.deviceType, g.browser]), `${route} by ${groupBy}`).toEqual([[null, null]]);
          expect(want.size).toBe(1);
          const exact = want.get(null) as { windows?: number; samples?: number };
          if (route === 'performance') expect(got.groups[0]?.windows).toBe(exact.windows);
          else expect(got.groups[0]?.samples).toBe(exact.samples);
        }
      }
    });

    it('errors: one row per fingerprint with counts, distinct sessions and first/last seen, script URLs without their query', async () => {
      const { createHash } = await import('node:crypto');
      for (const { name, w, from, to } of windows()) {
        const want = truth.errors(sessions, w);
        expect(want.size, `${name}: errors to compare`).toBeGreaterThan(2);
        // Distinct sessions, not events: some error recurs within a session, some in several.
        expect([...want.values()].some((r) => r.sessions < r.count), `${name}: an error recurs within a session`).toBe(true);
        expect([...want.values()].some((r) => r.sessions > 1), `${name}: an error in several sessions`).toBe(true);
        const { items } = await allPages<{ fingerprint: string; message: string; source: string | null; count: number; sessions: number; firstSeen: string; lastSeen: string }>(c, '/api/v1/errors', 'errors', { from, to, scene: w.scene, limit: 3 });
        expect(items.length, name).toBe(want.size);
        const counts = items.map((e) => e.count);
        expect(counts, `${name}: sorted by count`).toEqual([...counts].sort((a, b) => b - a));
        for (const e of items) {
          const exact = want.get(`${e.message}\n${e.source ?? ''}`);
          expect(exact, `${name}: unexpected error ${JSON.stringify(e)}`).toBeDefined();
          const fingerprint = createHash('sha256').update(`${e.message}\n${e.source ?? ''}`).digest('hex').slice(0, 16);
          expect(e, name).toEqual({ fingerprint, message: exact?.message, source: exact?.source, count: exact?.count, sessions: exact?.sessions, firstSeen: new Date(exact?.firstSeen ?? 0).toISOString(), lastSeen: new Date(exact?.lastSeen ?? 0).toISOString() });
        }
      }
    });

    it('custom events: counts by name, and split by one property (scalars cut to 64 characters, else "(none)")', async () => {
      for (const { name, w, from, to } of windows()) {
        for (const property of [undefined, 'variant', 'quantity', 'gift']) {
          const want = truth.customEvents(sessions, w, property);
          expect(want.size, `${name}: custom events to compare`).toBeGreaterThan(1);
          const got = await query<{ events: Array<{ name: string; count: number; byProperty: Array<{ value: string; count: number }> | null }> }>(c, '/api/v1/custom-events', { from, to, scene: w.scene, property });
          const label = `${name}, property ${String(property)}`;
          expect(new Map(got.events.map((e) => [e.name, { count: e.count, byProperty: e.byProperty === null ? null : new Map(e.byProperty.map((p) => [p.value, p.count])) }])), label).toEqual(want);
          const counts = got.events.map((e) => e.count);
          expect(counts, `${label}: sorted by count`).toEqual([...counts].sort((a, b) => b - a));
        }
      }
    });

    it('traffic sources: sessions by source and medium from the landing page\'s utm_*', async () => {
      for (const { name, w, from, to } of windows()) {
        const want = truth.trafficSources(sessions, w);
        expect(want.size, `${name}: sources to compare`).toBeGreaterThan(3);
        const got = await query<{ sources: Array<{ source: string; medium: string; sessions: number }> }>(c, '/api/v1/traffic-sources', { from, to, scene: w.scene });
        expect(new Map(got.sources.map((s) => [`${s.source} ${s.medium}`, s.sessions])), name).toEqual(want);
        const counts = got.sources.map((s) => s.sessions);
        expect(counts, `${name}: sorted by sessions`).toEqual([...counts].sort((a, b) => b - a));
      }
    });

    /** Sessions with a batch of which nothing was accepted (an opt-in channel that is off in their scene). */
    const emptyBatchIds = () => new Set(sessions.filter((s) => s.batches.some((b) => b.events.length === 0)).map((s) => s.sid));

    it('sessions: a batch whose events were all dropped does not change the session\'s length', async () => {
      const emptyBatch = emptyBatchIds();
      expect(emptyBatch.size).toBeGreaterThan(0);
      const full = { from: DAY0, to: DAY0 + 3 * DAY_MS };
      const want = truth.sessionRows(sessions, full).filter((r) => emptyBatch.has(r.id));
      const { items } = await allPages<truth.SessionRow>(c, '/api/v1/sessions', 'sessions', { from: full.from, to: full.to, limit: 1000 });
      expect(items.filter((r) => emptyBatch.has(r.id)).map((r) => [r.id, r.durationMs])).toEqual(want.map((r) => [r.id, r.durationMs]));
    });

    it('sessions: every summary, newest first, paged, filtered by device, browser and errors', async () => {
      const full = { from: DAY0, to: DAY0 + 3 * DAY_MS };
      const cases: Array<Parameters<typeof truth.sessionRows>[1]> = [
        full,
        { from: START_MS + 6 * HOUR_MS + 5 * 60_000, to: START_MS + 9 * HOUR_MS },
        { ...full, scene: 'living-room-showcase' },
        { ...full, deviceType: 'mobile' },
        { ...full, browser: 'Safari', hasErrors: true },
        { ...full, hasErrors: false, deviceType: 'tablet' },
      ];
      const emptyBatch = emptyBatchIds();
      for (const q of cases) {
        const want = truth.sessionRows(sessions, q);
        const { items, pages } = await allPages<truth.SessionRow>(c, '/api/v1/sessions', 'sessions', {
          from: q.from, to: q.to, scene: q.scene, deviceType: q.deviceType, browser: q.browser, hasErrors: q.hasErrors === undefined ? undefined : String(q.hasErrors), limit: 250,
        });
        const label = JSON.stringify({ ...q, from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString() });
        expect(want.length, label).toBeGreaterThan(0);
        expect(pages, label).toBe(Math.max(1, Math.ceil(want.length / 250)));
        // The length of sessions with a batch whose events were all dropped is checked on its own below.
        const comparable = (rows: truth.SessionRow[]) => rows.map((r) => (emptyBatch.has(r.id) ? { ...r, durationMs: undefined } : r));
        expect(comparable(items), label).toEqual(comparable(want));
      }
      const other = await allPages<truth.SessionRow>(c, '/api/v1/sessions', 'sessions', { from: full.from, to: full.to, limit: 1000 });
      expect(other.items.map((s) => s.id).sort()).toEqual(sessions.map((s) => s.sid).sort());
      const paranoidRows = (await query<{ sessions: truth.SessionRow[] }>(c, '/api/v1/sessions', { from: full.from, to: full.to, limit: 1000 }, paranoid.sk)).sessions;
      expect(paranoidRows.length).toBe(paranoid.sessions.length);
      for (const row of paranoidRows) expect([row.deviceType, row.browser, row.country], row.id).toEqual([null, null, null]);
    });

    it('funnels: saved per project, sessions reaching each step in order', async () => {
      const full = { from: DAY0, to: DAY0 + 3 * DAY_MS };
      const topMesh = truth.sortAttention(truth.meshAttention(sessions, full), 'clicks')[0] as MeshAttention;
      const definitions: Array<{ name: string; steps: truth.FunnelStep[] }> = [
        { name: 'sofa to cart', steps: [{ kind: 'scene', scene: 'glam-velvet-sofa' }, { kind: 'custom', name: 'variant_selected' }, { kind: 'custom', name: 'add_to_cart' }] },
        { name: 'click then choose', steps: [{ kind: 'mesh_click', mesh: topMesh.mesh }, { kind: 'custom', name: 'variant_selected' }] },
        { name: 'order matters', steps: [{ kind: 'custom', name: 'add_to_cart' }, { kind: 'custom', name: 'variant_selected' }] },
        { name: 'repeated step', steps: [{ kind: 'custom', name: 'swatch_opened' }, { kind: 'mesh_click', mesh: 'handwritten/knob' }, { kind: 'custom', name: 'swatch_opened' }] },
      ];
      // Not vacuous: every step of each funnel but the reversed one is reached by someone.
      for (const definition of [definitions[0], definitions[1], definitions[3]]) expect(truth.funnel(sessions, full, definition?.steps ?? []).reached.every((n) => n > 0), definition?.name).toBe(true);
      const ids: string[] = [];
      for (const definition of definitions) {
        const response = await fetch(`${c.url}/api/v1/funnels`, { method: 'POST', headers: { Authorization: `Bearer ${c.sk}`, 'Content-Type': 'application/json' }, body: JSON.stringify(definition) });
        const created = (await response.json()) as { id: string; name: string; steps: unknown };
        expect(response.status).toBe(201);
        expect({ name: created.name, steps: created.steps }).toEqual(definition);
        ids.push(created.id);
      }
      const listed = await query<{ funnels: Array<{ id: string }> }>(c, '/api/v1/funnels');
      expect(listed.funnels.map((f) => f.id).sort()).toEqual([...ids].sort());
      expect((await query<{ funnels: unknown[] }>(c, '/api/v1/funnels', {}, paranoid.sk)).funnels).toEqual([]);
      for (const [i, definition] of definitions.entries()) {
        for (const w of [full, { from: START_MS + 20 * HOUR_MS, to: START_MS + 26 * HOUR_MS, scene: 'glam-velvet-sofa' }]) {
          const want = truth.funnel(sessions, w, definition.steps);
          const got = await query<{ sessions: number; steps: Array<{ sessions: number; conversion: number }> }>(c, `/api/v1/funnels/${ids[i]}`, { from: w.from, to: w.to, scene: (w as Window).scene });
          const label = `${definition.name} ${JSON.stringify(w)}`;
          expect(got.sessions, label).toBe(want.sessions);
          expect(got.steps.map((s) => s.sessions), label).toEqual(want.reached);
          got.steps.forEach((s, k) => expect(s.conversion, `${label} step ${k}`).toBeCloseTo((want.reached[k] ?? 0) / want.sessions, 3));
        }
      }
      const removed = await fetch(`${c.url}/api/v1/funnels/${ids[2]}`, { method: 'DELETE', headers: { Authorization: `Bearer ${c.sk}` } });
      expect(removed.status).toBe(204);
      expect((await query<{ funnels: Array<{ id: string }> }>(c, '/api/v1/funnels')).funnels.map((f) => f.id)).not.toContain(ids[2]);
    });

    it('refuses a publishable key and names a bad parameter', async () => {
      for (const path of ['/api/v1/activity', '/api/v1/mesh-attention', '/api/v1/heatmaps/click?scene=glam-velvet-sofa', '/api/v1/view-directions', '/api/v1/performance', '/api/v1/resources', '/api/v1/errors', '/api/v1/custom-events', '/api/v1/traffic-sources', '/api/v1/sessions', '/api/v1/funnels']) {
        const response = await fetch(new URL(path, c.url), { headers: { Authorization: `Bearer ${c.pk}` } });
        expect(response.status, path).toBe(403);
        expect(((await response.json()) as { error?: string }).error, path).toBe('insufficient_scope');
      }
      for (const [path, parameter] of [['/api/v1/activity?interval=month', 'interval'], ['/api/v1/activity?from=yesterday', 'from'], ['/api/v1/mesh-attention?limit=0', 'limit'], ['/api/v1/mesh-attention?sort=name', 'sort'], ['/api/v1/heatmaps/click', 'scene'], ['/api/v1/performance?groupBy=os', 'groupBy'], ['/api/v1/resources?interval=month', 'interval'], [`/api/v1/performance?interval=hour&from=${DAY0 - 31 * DAY_MS}&to=${DAY0 + HOUR_MS}`, 'interval=hour']] as const) {
        const response = await fetch(new URL(path, c.url), { headers: { Authorization: `Bearer ${c.sk}` } });
        const text = await response.text();
        expect(response.status, `${path}: ${text}`).toBe(400);
        expect.soft(text, path).toContain('invalid_payload');
        expect(text, path).toContain(parameter);
      }
    });
  });
}

oracle('postgres', 1);
oracle('embedded', 8);

/**
 * The query API over the aggregates, through the real app on both stores: one hand-written
 * session whose every figure is known, then each route's answer checked exactly; parameters
 * refused with `400`; a pk key refused; a retried batch never counted twice.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr } from 'msgpackr';
import { encodeBatch, type VantageEvent } from '@vantage/sdk-core/schema';
import { bucketOf, bucketValue } from '../../aggregates/buckets.js';
import { errorFingerprint } from '../../aggregates/errors.js';
import { reclassifyTrafficSources } from '../../aggregates/traffic-source.js';
import type { Store } from '../../storage/types.js';
import { BROWSER_USER_AGENT, DRIVERS, openTestStore, startTestCollector, type TestCollector } from '../../testing/harness.js';

const packr = new Packr({ useRecords: false });
/** The collector's pinned clock: 2026-12-07 12:30 UTC. */
const NOW = Date.UTC(2026, 11, 7, 12, 30, 0);
const T = NOW - 60_000;
const SCENE = 'sofa-room';
const SEAT = 'sofa/seat';
const LEG = 'sofa/leg';
/** Identity quaternion, scaled: the camera looks down −z. */
const LOOK_AHEAD = { qx: 0, qy: 0, qz: 0, qw: 32767 };

const EVENTS: VantageEvent[] = [
  { type: 'session_start', t: T, url: 'https://shop.example/sofa?utm_source=Newsletter&utm_medium=email&utm_campaign=winter&secret=1', viewportW: 1280, viewportH: 720, dpr100: 100, sdk: 'three/0.1.0', referrer: 'https://mail.example/inbox' },
  { type: 'camera', t: T + 10, px: 120, py: 1600, pz: 3100, ...LOOK_AHEAD },
  { type: 'camera', t: T + 20, px: 180, py: 1600, pz: 3100, ...LOOK_AHEAD },
  { type: 'click', t: T + 100, x: 0, y: 0, button: 0, mesh: SEAT, hx: 100, hy: 450, hz: -20 },
  { type: 'click', t: T + 200, x: 0, y: 0, button: 0, mesh: SEAT, hx: 140, hy: 460, hz: -30 },
  { type: 'click', t: T + 300, x: 0, y: 0, button: 0 },
  { type: 'mesh_pick', t: T + 310, mesh: LEG, source: 'app' },
  { type: 'pointer_move', t: T + 320, x: 0, y: 0, mesh: SEAT, hx: 1, hy: 2, hz: 3 },
  { type: 'pointer_move', t: T + 330, x: 0, y: 0, mesh: LEG, hx: 1, hy: 2, hz: 3 },
  { type: 'pointer_move', t: T + 340, x: 0, y: 0 },
  { type: 'hover_dwell', t: T + 400, mesh: SEAT, dwellMs: 1200 },
  { type: 'hover_dwell', t: T + 410, mesh: SEAT, dwellMs: 800 },
  { type: 'mesh_visibility', t: T + 500, mesh: SEAT, visibleMs: 5000, centreMs: 2000, maxScreenPermille: 300 },
  { type: 'mesh_visibility', t: T + 510, mesh: SEAT, visibleMs: 1000, centreMs: 0, maxScreenPermille: 450 },
  { type: 'gaze', t: T + 520, hx: 260, hy: 510, hz: 0, mesh: SEAT },
  { type: 'perf', t: T + 600, windowMs: 1000, frames: 60, p50Us: 16_000, p95Us: 20_000, p99Us: 30_000, longFrames: 1, drawCalls: 40, triangles: 100_000 },
  { type: 'perf', t: T + 700, windowMs: 2000, frames: 30, p50Us: 64_000, p95Us: 70_000, p99Us: 90_000, longFrames: 5, drawCalls: 80, triangles: 200_000 },
  { type: 'resource_sample', t: T + 800, geometries: 12, textures: 7, programs: 3, heapKb: 40_000 },
  { type: 'runtime_error', t: T + 900, message: 'TypeError: x is undefined', source: 'https://shop.example/app.js' },
  { type: 'runtime_error', t: T + 950, message: 'TypeError: x is undefined', source: 'https://shop.example/app.js' },
  { type: 'custom', t: T + 1000, name: 'variant_change', props: { fabric: 'velvet', price: 1200 } },
  { type: 'custom', t: T + 1100, name: 'variant_change', props: { fabric: 'velvet' } },
  { type: 'custom', t: T + 1200, name: 'variant_change', props: { price: 900 } },
  { type: 'custom', t: T + 1300, name: 'add_to_cart' },
  { type: 'session_end', t: T + 2000, reason: 'pagehide', durationMs: 90_000 },
];

async function get(c: TestCollector, path: string, key = c.sk): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${c.url}${path}`, { headers: { Authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

async function send(c: TestCollector, seq: number, events: VantageEvent[], sid = 'sess_aggregates_0001'): Promise<Record<string, unknown>> {
  const batch = encodeBatch({ sid, seq, scene: SCENE, sentAt: NOW }, events);
  const response = await fetch(`${c.url}/api/v1/collect`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${c.pk}`, 'Content-Type': 'application/msgpack', 'User-Agent': BROWSER_USER_AGENT },
    body: packr.pack(batch),
  });
  expect(response.status).toBe(202);
  return (await response.json()) as Record<string, unknown>;
}

/** What a percentile of values in one bucket answers: the bucket's value, to three decimals. */
const at = (value: number, scale = 1) => Math.round(bucketValue(bucketOf(value)) * scale * 1000) / 1000;

describe.each(DRIVERS)('aggregate query routes on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
    c = await startTestCollector(store);
    c.deps.clock = () => NOW;
    const capture = { mesh_visibility: true, hover_dwell: true, gaze: true, resource_sample: true, runtime_error: true };
    const put = await fetch(`${c.url}/api/v1/scenes/${SCENE}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${c.sk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ capture, voxelSizeMm: 250 }),
    });
    expect(put.status).toBe(200);
    // Two batches, then a retry of the second: counted once.
    expect(await send(c, 0, EVENTS.slice(0, 12))).toMatchObject({ accepted: 12 });
    expect(await send(c, 1, EVENTS.slice(12))).toMatchObject({ accepted: EVENTS.length - 12 });
    expect(await send(c, 1, EVENTS.slice(12))).toMatchObject({ duplicate: true });
    // Queries a minute later: the default window ends at the collector's now.
    c.deps.clock = () => NOW + 60_000;
  });

  afterAll(async () => {
    await c?.close();
    await cleanup?.();
  });

  it('answers activity: sessions, visitors, events by type, session length', async () => {
    const { status, body } = await get(c, `/api/v1/activity?scene=${SCENE}`);
    expect(status).toBe(200);
    const byType: Record<string, number> = {};
    for (const e of EVENTS) byType[e.type] = (byType[e.type] ?? 0) + 1;
    expect(body.totals).toEqual({ sessions: 1, visitors: 1, events: EVENTS.length, eventsByType: byType });
    expect(body.series).toEqual([{ start: '2026-12-07T00:00:00.000Z', sessions: 1, events: EVENTS.length, eventsByType: byType, visitors: 1 }]);
    expect(body.sessionDurationMs).toEqual({ sessions: 1, p50: at(90_000), p95: at(90_000), p99: at(90_000) });
    const hourly = await get(c, `/api/v1/activity?scene=${SCENE}&interval=hour`);
    expect(hourly.body.series).toEqual([{ start: '2026-12-07T12:00:00.000Z', sessions: 1, events: EVENTS.length, eventsByType: byType, visitors: null }]);
    const otherScene = await get(c, '/api/v1/activity?scene=elsewhere');
    expect(otherScene.body.totals).toEqual({ sessions: 0, visitors: 0, events: 0, eventsByType: {} });
  });

  it('answers mesh attention per mesh, sorted by the chosen measure', async () => {
    const { body } = await get(c, `/api/v1/mesh-attention?scene=${SCENE}`);
    expect(body.meshes).toEqual([
      { scene: SCENE, mesh: SEAT, clicks: 2, picks: 0, pointerMoves: 1, hovers: 2, dwellMs: 2000, visibleMs: 6000, centreMs: 2000, maxScreenPermille: 450 },
      { scene: SCENE, mesh: LEG, clicks: 0, picks: 1, pointerMoves: 1, hovers: 0, dwellMs: 0, visibleMs: 0, centreMs: 0, maxScreenPermille: 0 },
    ]);
    const byPicks = await get(c, `/api/v1/mesh-attention?scene=${SCENE}&sort=picks&limit=1`);
    expect((byPicks.body.meshes as Array<{ mesh: string }>).map((m) => m.mesh)).toEqual([LEG]);
    const next = await get(c, `/api/v1/mesh-attention?scene=${SCENE}&sort=picks&limit=1&cursor=${String(byPicks.body.nextCursor)}`);
    expect((next.body.meshes as Array<{ mesh: string }>).map((m) => m.mesh)).toEqual([SEAT]);
    expect(next.body.nextCursor).toBeNull();
  });

  it('answers heatmaps as voxel centres of the scene\'s voxel size', async () => {
    const clicks = await get(c, `/api/v1/heatmaps/click?scene=${SCENE}`);
    // Both clicks with a hit point fall in voxel (0, 1, -1) of 250 mm.
    expect(clicks.body).toEqual({ scene: SCENE, kind: 'click', voxelMm: 250, voxels: [{ x: 125, y: 375, z: -125, count: 2 }], total: 2, truncated: false });
    const gaze = await get(c, `/api/v1/heatmaps/gaze?scene=${SCENE}`);
    expect(gaze.body.voxels).toEqual([{ x: 375, y: 625, z: 125, count: 1 }]);
    // Camera positions on a grid eight times coarser: 2 m voxels here.
    const cameras = await get(c, `/api/v1/heatmaps/camera?scene=${SCENE}`);
    expect(cameras.body).toMatchObject({ voxelMm: 2000, voxels: [{ x: 1000, y: 1000, z: 3000, count: 2 }] });
    expect((await get(c, '/api/v1/heatmaps/click')).status).toBe(400);
    expect((await get(c, `/api/v1/heatmaps/smell?scene=${SCENE}`)).status).toBe(404);
  });

  it('answers view directions binned on the sphere', async () => {
    const { body } = await get(c, `/api/v1/view-directions?scene=${SCENE}`);
    // Looking down −z: azimuth atan2(0, 1) = 0 → sector 12 of 24; height 0 → band 6 of 12.
    expect(body).toMatchObject({ azimuthBins: 24, elevationBins: 12, total: 2 });
    expect(body.bins).toEqual([{ azimuthBin: 12, elevationBin: 6, direction: [0.1301, 0.0833, -0.988], samples: 2 }]);
  });

  it('answers performance percentiles, split by device type and browser', async () => {
    const { body } = await get(c, `/api/v1/performance?scene=${SCENE}`);
    // Frame time: 60 frames at 16 ms and 30 at 64 ms; p50 is 16 ms, p95 and p99 64 ms.
    expect(body.groups).toEqual([
      {
        deviceType: null,
        browser: null,
        windows: 2,
        frames: 90,
        longFrames: 6,
        frameMs: { p50: at(16_000, 0.001), p95: at(64_000, 0.001), p99: at(64_000, 0.001) },
        fps: { p50: at(15), p95: at(60), p99: at(60), p5: at(15), p1: at(15) },
        drawCalls: { p50: at(40), p95: at(80), p99: at(80) },
        triangles: { p50: at(100_000), p95: at(200_000), p99: at(200_000) },
      },
    ]);
    const byBrowser = await get(c, `/api/v1/performance?scene=${SCENE}&groupBy=browser`);
    expect((byBrowser.body.groups as Array<{ browser: string; windows: number }>).map((g) => [g.browser, g.windows])).toEqual([['Chrome', 2]]);
    const filtered = await get(c, `/api/v1/performance?scene=${SCENE}&deviceType=mobile`);
    expect(filtered.body.groups).toEqual([]);
    // Over time: the session's one hour is the series' one point, the same as the window.
    const hourly = await get(c, `/api/v1/performance?scene=${SCENE}&groupBy=browser&interval=hour`);
    expect(hourly.body).toEqual({ groups: byBrowser.body.groups, interval: 'hour', series: [{ start: '2026-12-07T12:00:00.000Z', groups: byBrowser.body.groups }] });
    const tooLong = await get(c, `/api/v1/performance?scene=${SCENE}&interval=hour&from=2026-10-01&to=2026-12-07`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error: 'invalid_payload' });
  });

  it('answers resources percentiles', async () => {
    const { body } = await get(c, `/api/v1/resources?scene=${SCENE}&groupBy=deviceType`);
    expect(body.groups).toEqual([
      {
        deviceType: 'desktop',
        browser: null,
        samples: 1,
        geometries: { p50: at(12), p95: at(12), p99: at(12) },
        textures: { p50: at(7), p95: at(7), p99: at(7) },
        programs: { p50: at(3), p95: at(3), p99: at(3) },
        heapKb: { p50: at(40_000), p95: at(40_000), p99: at(40_000) },
      },
    ]);
    const weekly = await get(c, `/api/v1/resources?scene=${SCENE}&groupBy=deviceType&interval=week`);
    // 2026-12-07 is a Monday: its week starts that day.
    expect(weekly.body).toEqual({ groups: body.groups, interval: 'week', series: [{ start: '2026-12-07T00:00:00.000Z', groups: body.groups }] });
  });

  it('answers errors by fingerprint with their sessions and first and last seen', async () => {
    const { body } = await get(c, `/api/v1/errors?scene=${SCENE}`);
    expect(body).toEqual({
      errors: [
        {
          fingerprint: errorFingerprint('TypeError: x is undefined', 'https://shop.example/app.js'),
          message: 'TypeError: x is undefined',
          source: 'https://shop.example/app.js',
          count: 2,
          // Twice in one session.
          sessions: 1,
          firstSeen: new Date(T + 900).toISOString(),
          lastSeen: new Date(T + 950).toISOString(),
        },
      ],
      nextCursor: null,
    });
  });

  it('answers custom events by name, split by a chosen property', async () => {
    const plain = await get(c, `/api/v1/custom-events?scene=${SCENE}`);
    expect(plain.body.events).toEqual([
      { name: 'variant_change', count: 3, byProperty: null },
      { name: 'add_to_cart', count: 1, byProperty: null },
    ]);
    const split = await get(c, `/api/v1/custom-events?scene=${SCENE}&property=fabric`);
    expect(split.body.events).toEqual([
      { name: 'variant_change', count: 3, byProperty: [{ value: 'velvet', count: 2 }, { value: '(none)', count: 1 }] },
      { name: 'add_to_cart', count: 1, byProperty: [{ value: '(none)', count: 1 }] },
    ]);
  });

  it('classifies the traffic source from utm_* and keeps it on the session', async () => {
    const { body } = await get(c, `/api/v1/traffic-sources?scene=${SCENE}`);
    expect(body.sources).toEqual([{ source: 'newsletter', medium: 'email', sessions: 1 }]);
    const [row] = await store.query('SELECT source, medium, campaign, source_confidence, source_rule, source_rules_version FROM sessions WHERE project_id = $1', [c.project.id]);
    expect(row).toEqual({ source: 'newsletter', medium: 'email', campaign: 'winter', source_confidence: 'high', source_rule: 'utm-source', source_rules_version: 1 });
  });

  it('re-classifies sessions classified by earlier rules, moving their counts', async () => {
    // As if an earlier version of the rules had called this session a referral.
    await store.query("UPDATE sessions SET source = 'mail.example', medium = 'referral', source_rules_version = 0 WHERE project_id = $1", [c.project.id]);
    await store.query("UPDATE agg_traffic_sources SET source = 'mail.example', medium = 'referral' WHERE project_id = $1", [c.project.id]);
    expect((await get(c, `/api/v1/traffic-sources?scene=${SCENE}`)).body.sources).toEqual([{ source: 'mail.example', medium: 'referral', sessions: 1 }]);
    expect(await reclassifyTrafficSources(store, c.project.id)).toBe(1);
    expect((await get(c, `/api/v1/traffic-sources?scene=${SCENE}`)).body.sources).toEqual([{ source: 'newsletter', medium: 'email', sessions: 1 }]);
    expect(await reclassifyTrafficSources(store, c.project.id)).toBe(0);
  });

  it('lists session summaries, filtered, with no events in them', async () => {
    const { body } = await get(c, `/api/v1/sessions?scene=${SCENE}`);
    expect(body).toEqual({
      sessions: [
        {
          id: 'sess_aggregates_0001',
          scene: SCENE,
          startedAt: new Date(NOW).toISOString(),
          durationMs: 90_000,
          events: EVENTS.length,
          clicks: 3,
          picks: 1,
          customEvents: 4,
          errors: 2,
          hasErrors: true,
          deviceType: 'desktop',
          browser: 'Chrome',
          country: null,
          source: 'newsletter',
          medium: 'email',
          campaign: 'winter',
        },
      ],
      nextCursor: null,
    });
    expect((await get(c, `/api/v1/sessions?hasErrors=false`)).body.sessions).toEqual([]);
    expect((await get(c, `/api/v1/sessions?browser=Firefox`)).body.sessions).toEqual([]);
  });

  it('saves funnels and reports how many sessions reached each step in order', async () => {
    const create = await fetch(`${c.url}/api/v1/funnels`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${c.sk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'seat to cart',
        steps: [{ kind: 'scene', scene: SCENE }, { kind: 'mesh_click', mesh: SEAT }, { kind: 'custom', name: 'add_to_cart' }, { kind: 'mesh_click', mesh: LEG }],
      }),
    });
    expect(create.status).toBe(201);
    const funnel = (await create.json()) as { id: string };
    const report = await get(c, `/api/v1/funnels/${funnel.id}`);
    expect(report.body).toMatchObject({ name: 'seat to cart', sessions: 1 });
    expect((report.body.steps as Array<{ sessions: number; conversion: number }>).map((s) => [s.sessions, s.conversion])).toEqual([[1, 1], [1, 1], [1, 1], [0, 0]]);
    expect(((await get(c, '/api/v1/funnels')).body.funnels as unknown[]).length).toBe(1);
    const bad = await fetch(`${c.url}/api/v1/funnels`, { method: 'POST', headers: { Authorization: `Bearer ${c.sk}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'x', steps: [{ kind: 'hover' }] }) });
    expect(bad.status).toBe(400);
    const removed = await fetch(`${c.url}/api/v1/funnels/${funnel.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${c.sk}` } });
    expect(removed.status).toBe(204);
    expect((await get(c, `/api/v1/funnels/${funnel.id}`)).status).toBe(404);
    const audit = await store.query("SELECT action FROM audit_log WHERE project_id = $1 AND action LIKE 'funnel.%' ORDER BY at", [c.project.id]);
    expect(audit.map((r) => r.action)).toEqual(['funnel.create', 'funnel.delete']);
  });

  it('refuses bad parameters with 400 and publishable keys with 403', async () => {
    for (const query of ['from=yesterday', 'from=2026-12-08&to=2026-12-01', 'from=2020-01-01&to=2026-01-01', 'interval=minute', 'scene=a&scene=b']) {
      const { status, body } = await get(c, `/api/v1/activity?${query}`);
      expect([query, status, body.error]).toEqual([query, 400, 'invalid_payload']);
    }
    expect((await get(c, '/api/v1/mesh-attention?sort=likes')).status).toBe(400);
    expect((await get(c, '/api/v1/errors?cursor=nonsense')).status).toBe(400);
    expect((await get(c, '/api/v1/mesh-attention?limit=0')).status).toBe(400);
    const pk = await get(c, '/api/v1/activity', c.pk);
    expect([pk.status, pk.body.error]).toEqual([403, 'insufficient_scope']);
  });

  it('counts nothing outside the window', async () => {
    const before = await get(c, `/api/v1/activity?scene=${SCENE}&from=2026-11-01&to=2026-11-30`);
    expect(before.body.totals).toMatchObject({ sessions: 0, events: 0 });
    const mesh = await get(c, `/api/v1/mesh-attention?scene=${SCENE}&from=${NOW + 3_600_000}&to=${NOW + 7_200_000}`);
    expect(mesh.body.meshes).toEqual([]);
  });
});

/**
 * Every capture channel of `@vantage/three` in real Chromium against the real collector: the
 * always-on channels from real input on a grid of boxes; the opt-in channels only when the
 * scene's flags are on; and a connector that fails never breaks the page's render loop.
 */
import { describe, expect, it } from 'vitest';
import { settledCounts, type TestPage } from '../harness/index.js';
import { ofType, sceneFor, until, useConnectorSuite, wireEvents } from './setup.js';

const fixture = useConnectorSuite();

function typeCounts(events: ReadonlyArray<{ type: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

const OPT_IN = ['mesh_visibility', 'hover_dwell', 'gaze', 'resource_sample', 'runtime_error'] as const;
const TUNING = { visibilityWindowMs: 1500, resourceIntervalMs: 1000, hoverThresholdMs: 300 };

/** Real input: rest on a box, sweep across the canvas, click, orbit; then an uncaught error. */
async function play(tab: TestPage): Promise<{ hovered: string }> {
  const targets = await tab.page.evaluate(() => window.vantageThree.targets());
  const target = targets[Math.floor(targets.length / 2)];
  if (!target) throw new Error('no box on screen');
  // A corner of the canvas, where no box is, long enough for a pointer sample (every 100 ms).
  await tab.page.mouse.move(4, 4);
  await tab.page.mouse.move(6, 5);
  await new Promise((resolve) => setTimeout(resolve, 400));
  for (let i = 0; i <= 10; i++) await tab.page.mouse.move(100 + i * 40, 120 + i * 25);
  await tab.page.mouse.move(target.x, target.y, { steps: 4 });
  await new Promise((resolve) => setTimeout(resolve, 900));
  await tab.page.mouse.move(10, 10, { steps: 3 });
  await tab.page.mouse.click(target.x, target.y);
  await tab.page.evaluate(() => window.vantageThree.orbit(60, 1200));
  await tab.page.evaluate(() => {
    setTimeout(() => {
      throw new Error('a bug in the host page');
    }, 0);
  });
  await new Promise((resolve) => setTimeout(resolve, 1800));
  return { hovered: target.id };
}

describe('the three.js connector: capture channels (Chromium → real collector)', () => {
  it('sends every always-on channel, and every opt-in channel once the scene switches it on', async () => {
    const scene = sceneFor('channels-on');
    await fixture.suite.collector.setCapture(scene, Object.fromEntries(OPT_IN.map((c) => [c, true])));
    const tab = await fixture.open({ scene, grid: 5, tuning: TUNING });
    await until('the scene config', () => tab.page.evaluate(() => window.vantageThree.stats().queuedTotal > 0));
    const { hovered } = await play(tab);
    expect(await tab.page.evaluate(() => window.vantageThree.flush())).toBe(true);
    const events = wireEvents(fixture.suite.wire.requests, scene);
    const ids = new Set((await tab.page.evaluate(() => window.vantageThree.targets())).map((t) => t.id));

    // Always on.
    const cameras = ofType(events, 'camera');
    const frames = await tab.page.evaluate(() => window.vantageThree.frames());
    expect(cameras.length).toBeGreaterThanOrEqual(4);
    expect(cameras.length).toBeLessThan(frames / 2);
    expect(cameras[0]?.fov10).toBe(450);
    const moves = ofType(events, 'pointer_move');
    expect(moves.length).toBeGreaterThanOrEqual(3);
    expect(moves.some((m) => m.mesh === hovered && m.hx !== undefined)).toBe(true);
    expect(moves.some((m) => m.mesh === undefined && m.hx === undefined)).toBe(true);
    expect(ofType(events, 'click')).toEqual([expect.objectContaining({ mesh: hovered, button: 0 })]);
    expect(ofType(events, 'mesh_pick')).toEqual([expect.objectContaining({ mesh: hovered, source: 'pointer' })]);
    const perf = ofType(events, 'perf');
    expect(perf.length).toBeGreaterThanOrEqual(2);
    for (const p of perf) {
      expect(p.frames).toBeGreaterThan(0);
      expect(p.p50Us).toBeLessThanOrEqual(p.p95Us);
      expect(p.p95Us).toBeLessThanOrEqual(p.p99Us);
      expect(p.drawCalls).toBeGreaterThanOrEqual(125);
      expect(p.triangles).toBeGreaterThanOrEqual(125 * 12);
    }
    expect(ofType(events, 'viewport')[0]).toMatchObject({ w: 640, h: 480, dpr100: 100 });

    // Opt-in, switched on for this scene.
    const visibility = ofType(events, 'mesh_visibility');
    expect(visibility.length).toBeGreaterThanOrEqual(10);
    for (const v of visibility) {
      expect(v.mesh).toMatch(/^box-\d-\d-\d$/);
      expect(v.centreMs).toBeLessThanOrEqual(v.visibleMs);
    }
    expect(ofType(events, 'hover_dwell').find((h) => h.mesh === hovered)?.dwellMs).toBeGreaterThanOrEqual(600);
    const gaze = ofType(events, 'gaze');
    expect(gaze.length).toBeGreaterThanOrEqual(1);
    expect(gaze.every((g) => g.mesh === undefined || ids.has(g.mesh) || /^box-/.test(g.mesh))).toBe(true);
    expect(ofType(events, 'resource_sample')[0]).toMatchObject({ geometries: expect.any(Number), programs: expect.any(Number) });
    expect(ofType(events, 'resource_sample')[0]?.geometries).toBeGreaterThanOrEqual(1);
    expect(ofType(events, 'runtime_error').map((e) => e.message)).toEqual([expect.stringContaining('a bug in the host page')]);

    // What went over the wire is what the collector stored.
    const settled = await settledCounts(() => typeCounts(wireEvents(fixture.suite.wire.requests, scene)), () => fixture.suite.collector.eventCounts(scene));
    expect(settled.stored).toEqual(settled.sent);
    expect(settled.sent.camera).toBeGreaterThanOrEqual(cameras.length);
    expect(await tab.page.evaluate(() => window.vantageThree.errors())).toEqual([]);
  });

  it('sends no opt-in channel while the scene leaves them off (the default)', async () => {
    const scene = sceneFor('channels-off');
    const tab = await fixture.open({ scene, grid: 5, tuning: TUNING });
    await play(tab);
    expect(await tab.page.evaluate(() => window.vantageThree.flush())).toBe(true);
    const events = wireEvents(fixture.suite.wire.requests, scene);
    expect(events.filter((e) => (OPT_IN as readonly string[]).includes(e.type))).toEqual([]);
    expect(ofType(events, 'camera').length).toBeGreaterThanOrEqual(4);
    const counts = await fixture.suite.collector.eventCounts(scene);
    for (const channel of OPT_IN) expect(counts[channel]).toBeUndefined();
  });

  it('follows meshes added to the scene, and a connector that keeps failing reports it and switches itself off without stopping the render loop', async () => {
    const scene = sceneFor('failing');
    const tab = await fixture.open({ scene, grid: 3 });
    await tab.page.evaluate(() => window.vantageThree.addMesh('late-arrival'));
    const late = (await tab.page.evaluate(() => window.vantageThree.targets())).find((t) => t.id === 'late-arrival');
    if (!late) throw new Error('the added mesh is not on screen');
    await new Promise((resolve) => setTimeout(resolve, 400));
    await tab.page.mouse.click(late.x, late.y);
    expect(await tab.page.evaluate(() => window.vantageThree.flush())).toBe(true);
    expect(ofType(wireEvents(fixture.suite.wire.requests, scene), 'click')).toEqual([expect.objectContaining({ mesh: 'late-arrival' })]);
    await tab.page.evaluate(() => window.vantageThree.breakFilter());
    await tab.page.evaluate(() => window.vantageThree.addMesh('breaks-the-filter'));
    await until('the connector to give up', async () => {
      const errors = await tab.page.evaluate(() => window.vantageThree.errors());
      return errors.some((e) => e.message.includes('switched itself off'));
    });
    const errors = await tab.page.evaluate(() => window.vantageThree.errors());
    expect(errors.every((e) => e.code === 'internal')).toBe(true);
    expect(errors.some((e) => e.message.includes('the test broke the filter'))).toBe(true);
    const before = await tab.page.evaluate(() => window.vantageThree.frames());
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await tab.page.evaluate(() => window.vantageThree.frames())).toBeGreaterThan(before + 3);
    expect(tab.pageErrors).toEqual([]);
  });
});

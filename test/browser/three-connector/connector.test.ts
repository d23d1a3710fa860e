/**
 * `@vantage/three` in real headless Chromium (SwiftShader WebGL) on real glTF assets, against the
 * real collector: pointer input through playwright, events read back from what the collector
 * accepted (its counts) and from the recorded requests (their content, decoded as the collector
 * decodes it).
 */
import { describe, expect, it } from 'vitest';
import type { TestPage } from '../harness/index.js';
import { MODELS, ofType, sceneFor, until, useConnectorSuite, wireEvents } from './setup.js';

const fixture = useConnectorSuite();

/** Click each mesh id's target point with the real mouse; returns the targets. */
async function clickEach(tab: TestPage) {
  const targets = await tab.page.evaluate(() => window.vantageThree.targets());
  for (const target of targets) {
    await tab.page.mouse.move(target.x, target.y);
    await tab.page.mouse.down();
    await tab.page.mouse.up();
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return targets;
}

describe('the three.js connector on real glTF assets (Chromium → real collector)', () => {
  for (const [name, model, animate, expected] of [
    ['the sofa (three named meshes)', MODELS.sofa, false, ['GlamVelvetSofa_fabric', 'GlamVelvetSofa_feet', 'GlamVelvetSofa_legs']],
    ['the fox (skinned, posed by its animation)', MODELS.fox, true, ['fox']],
    ['the rigged figure (bones, one skinned proxy mesh)', MODELS.figure, false, ['Proxy']],
  ] as const) {
    it(`clicks on ${name} carry the mesh id and the hit point three.js finds, with a mesh pick each`, async () => {
      const scene = sceneFor('assets');
      const tab = await fixture.open({ scene, model, animate });
      // Hold the pose still while we aim (a moving fox would move away from the aimed point).
      await tab.page.evaluate(() => window.vantageThree.setAnimating(false));
      const targets = await clickEach(tab);
      expect(targets.map((t) => t.id).sort()).toEqual([...expected].sort());
      expect(await tab.page.evaluate(() => window.vantageThree.flush())).toBe(true);

      const events = wireEvents(fixture.suite.wire.requests, scene);
      const clicks = ofType(events, 'click');
      const picks = ofType(events, 'mesh_pick');
      expect(clicks).toHaveLength(targets.length);
      for (const target of targets) {
        const click = clicks.find((c) => c.mesh === target.id);
        expect(click, `a click on ${target.id}`).toBeDefined();
        // The hit point, in wire millimetres, is where three.js's own raycaster meets the mesh.
        const [x, y, z] = target.point.map((v) => v * 1000) as [number, number, number];
        const tolerance = Math.max(5, Math.hypot(x, y, z) * 0.01);
        expect(Math.hypot((click?.hx ?? NaN) - x, (click?.hy ?? NaN) - y, (click?.hz ?? NaN) - z)).toBeLessThan(tolerance);
        expect(click).toMatchObject({ button: 0 });
        expect(picks.find((p) => p.mesh === target.id)).toMatchObject({ source: 'pointer', hx: click?.hx, hy: click?.hy, hz: click?.hz });
      }
      // The collector stored them (counts) and dropped nothing.
      const counts = await fixture.suite.collector.eventCounts(scene);
      expect(counts).toMatchObject({ click: targets.length, mesh_pick: targets.length, session_start: 1 });
      expect(counts.asset_load).toBeGreaterThanOrEqual(1);
      const loads = ofType(events, 'asset_load');
      expect(loads.find((l) => l.url.endsWith(model))).toMatchObject({ kind: 'model', ok: true });
      expect(await tab.page.evaluate(() => window.vantageThree.errors())).toEqual([]);
    });
  }

  it("registers the scene's proxy with the collector (ids and world boxes as three.js computes them), and a second visit does not send it again", async () => {
    const scene = sceneFor('proxy');
    const { collector, wire } = fixture.suite;
    const proxyPuts = () => wire.requests.filter((r) => r.method === 'PUT' && r.path === `/api/v1/scenes/${scene}/proxy`);
    const first = await fixture.open({ scene, model: MODELS.sofa });
    await until('the proxy at the collector', () => proxyPuts().some((r) => r.status === 200));
    const stored = (await (await fetch(`${collector.url}/api/v1/scenes/${scene}/proxy`, { headers: { Authorization: `Bearer ${collector.sk}` } })).json()) as {
      meshes: Array<{ id: string; box: number[] }>;
      hash: string;
    };
    const boxes = await first.page.evaluate(() => window.vantageThree.boxes());
    expect(stored.meshes.map((m) => m.id)).toEqual(Object.keys(boxes).sort());
    for (const mesh of stored.meshes) {
      const expected = (boxes[mesh.id] ?? []).map((v) => Math.round(v * 1000));
      mesh.box.forEach((v, i) => expect(Math.abs(v - (expected[i] ?? NaN))).toBeLessThanOrEqual(1));
    }
    expect(await first.page.evaluate(() => window.vantageThree.errors())).toEqual([]);

    // A second visit of the same scene finds the same hash in the config and sends nothing.
    const second = await fixture.open({ scene, model: MODELS.sofa });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(proxyPuts().filter((r) => r.status !== 0)).toHaveLength(1);
    expect(await second.page.evaluate(() => window.vantageThree.errors())).toEqual([]);
  });
});

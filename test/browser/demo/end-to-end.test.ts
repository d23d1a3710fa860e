/**
 * The end-to-end test: the collector exactly as `npm start` runs it (embedded store, the
 * demo project created on first start, the demo page served at `/demo`), the demo in real headless
 * Chromium (SwiftShader WebGL), real input — orbit drags, hovers, clicks on the sofa, the fabric
 * buttons. Read back through the collector: what it stored per channel (its counts), the scene
 * proxy it holds, and the content of what it accepted (the collect bodies, decoded by the
 * collector's own validators): mesh ids and hit points on the sofa.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VantageEvent } from '@vantage/sdk-core/schema';
import { loadConfig } from '../../../collector/src/config.js';
import { createLogger } from '../../../collector/src/log.js';
import { startCollector, type RunningCollector } from '../../../collector/src/server.js';
import type {} from '../../../demo/src/page/handle.js';
import { freePort } from '../../postgres-server.js';
import { launchChromium, openPage, settledCounts, type TestPage } from '../harness/index.js';
import { decodeBodies, orbit, sofaTargets } from '../harness/demo-driving.js';

/** The demo page's test handle, for the driving helpers. */
const DEMO = 'window.vantageDemo';

const SOFA_MESHES = ['GlamVelvetSofa_fabric', 'GlamVelvetSofa_feet', 'GlamVelvetSofa_legs'];
const SCENE = 'demo-sofa';

let collector: RunningCollector;
let browser: Browser;
let dataDir: string;
let sk: string;

// The demo project allows its own origin, so the port must be known before the start.
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vantage-e2e-'));
  const port = await freePort();
  collector = await startCollector(loadConfig({ PORT: String(port), HOST: '127.0.0.1', VANTAGE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }), { log: createLogger('warn') });
  const key = collector.demo?.keys.find((k) => k.kind === 'sk')?.token;
  if (!key) throw new Error('the first start created no demo project');
  sk = key;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});


/** A demo visit: the page, every request it made, and the collect bodies it sent. */
interface Visit {
  tab: TestPage;
  requests: string[];
  bodies: Array<{ type: string; body: Buffer }>;
}

async function visit(initScript?: string): Promise<Visit> {
  const tab = await openPage(browser, { viewport: { width: 1100, height: 700 } });
  const requests: string[] = [];
  const bodies: Visit['bodies'] = [];
  tab.page.on('request', (request: Request) => {
    requests.push(`${request.method()} ${request.url()}`);
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/collect') {
      const body = request.postDataBuffer();
      if (body) bodies.push({ type: (request.headers()['content-type'] ?? '').split(';')[0] ?? '', body });
    }
  });
  if (initScript) await tab.page.addInitScript(initScript);
  await tab.page.goto(`${collector.url}/demo`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await tab.page.waitForFunction(() => window.vantageDemo !== undefined, undefined, { timeout: 60_000 });
  // Damping converges per frame, and SwiftShader draws a few frames a second: without it an orbit
  // drag ends where the mouse let go, and the test need not wait seconds for the camera to rest.
  await tab.page.evaluate(() => {
    window.vantageDemo!.controls.enableDamping = false;
  });
  return { tab, requests, bodies };
}





async function counts(): Promise<Record<string, number>> {
  const rows = await collector.deps.store.query<{ type: string; n: number | string }>(
    'SELECT type, sum(events) AS n FROM event_counts_hourly WHERE scene_id = $1 GROUP BY type',
    [SCENE],
  );
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
}

/** The collector's counts once they have not changed over four readings 500 ms apart. */
async function quietCounts(): Promise<Record<string, number>> {
  let last = JSON.stringify(await counts());
  for (let i = 0, same = 0; i < 60 && same < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = JSON.stringify(await counts());
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return JSON.parse(last) as Record<string, number>;
}

async function setCapture(capture: Record<string, boolean>): Promise<void> {
  const response = await fetch(`${collector.url}/api/v1/scenes/${SCENE}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${sk}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ capture }),
  });
  expect(response.status).toBe(200);
}

describe('the demo, end to end: npm start’s collector, the demo page in Chromium, real input', () => {
  it('sends every always-on channel with the sofa’s mesh ids and hit points on the sofa; an opt-in channel only after its flag is on; nothing at all under Global Privacy Control', async () => {
    // ---- Visit 1: every opt-in channel off (the default) ------------------------------------
    const first = await visit();
    const page = first.tab.page;
    await orbit(page, 300, DEMO);
    const targets = await sofaTargets(page, DEMO);
    expect(targets.map((t) => t.id).sort()).toEqual(SOFA_MESHES);
    for (const target of targets) {
      await page.mouse.move(target.x, target.y, { steps: 5 });
      await new Promise((resolve) => setTimeout(resolve, 700));
      await page.mouse.click(target.x, target.y);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await page.locator('button', { hasText: 'Champagne' }).first().click();
    await page.locator('#add-to-cart').click();
    await orbit(page, -250, DEMO);
    expect(await page.evaluate(() => window.vantageDemo!.client!.flush())).toBe(true);
    const events = decodeBodies(first.bodies);
    const byType = (type: string) => events.filter((e) => e.type === type);

    // The proxy the collector holds: the sofa's meshes and their world boxes (mm).
    const proxyAnswer = await fetch(`${collector.url}/api/v1/scenes/${SCENE}/proxy`, { headers: { Authorization: `Bearer ${sk}` } });
    expect(proxyAnswer.status).toBe(200);
    const proxy = (await proxyAnswer.json()) as { meshes: Array<{ id: string; box: number[] }> };
    expect(proxy.meshes.map((m) => m.id)).toEqual(SOFA_MESHES);
    const boxOf = new Map(proxy.meshes.map((m) => [m.id, m.box]));
    const onMesh = (e: { mesh?: string; hx?: number; hy?: number; hz?: number }) => {
      const box = e.mesh === undefined ? undefined : boxOf.get(e.mesh);
      if (!box || e.hx === undefined || e.hy === undefined || e.hz === undefined) return false;
      const slack = 2; // mm of rounding
      return e.hx >= box[0]! - slack && e.hy >= box[1]! - slack && e.hz >= box[2]! - slack && e.hx <= box[3]! + slack && e.hy <= box[4]! + slack && e.hz <= box[5]! + slack;
    };

    // Always-on channels: arrived, with the sofa's ids and hit points inside their mesh's box.
    const clicks = byType('click') as Array<Extract<VantageEvent, { type: 'click' }>>;
    expect(clicks.filter((c) => c.mesh !== undefined).map((c) => c.mesh).sort()).toEqual(SOFA_MESHES);
    expect(clicks.filter((c) => c.mesh !== undefined).every(onMesh)).toBe(true);
    const picks = byType('mesh_pick') as Array<Extract<VantageEvent, { type: 'mesh_pick' }>>;
    expect(picks.map((p) => p.mesh).sort()).toEqual(SOFA_MESHES);
    expect(picks.every((p) => p.source === 'pointer' && onMesh(p))).toBe(true);
    const moves = byType('pointer_move') as Array<Extract<VantageEvent, { type: 'pointer_move' }>>;
    const movesOnSofa = moves.filter((m) => m.mesh !== undefined);
    expect(new Set(movesOnSofa.map((m) => m.mesh))).toEqual(new Set(SOFA_MESHES));
    expect(movesOnSofa.every(onMesh)).toBe(true);
    expect(byType('camera').length).toBeGreaterThanOrEqual(4);
    expect(byType('perf').length).toBeGreaterThanOrEqual(1);
    expect(byType('viewport').length).toBeGreaterThanOrEqual(1);
    expect(byType('asset_load').some((e) => e.type === 'asset_load' && e.url.endsWith('/demo/assets/GlamVelvetSofa.glb') && e.ok)).toBe(true);
    expect(byType('custom').map((e) => (e.type === 'custom' ? e.name : ''))).toEqual(['variant_selected', 'add_to_cart']);
    // The collector stored exactly what went over the wire, per channel.
    // The page still captures (camera, perf), so both sides are read until a batch is not in between.
    const settled = await settledCounts(() => {
      const sent: Record<string, number> = {};
      for (const e of decodeBodies(first.bodies)) sent[e.type] = (sent[e.type] ?? 0) + 1;
      return sent;
    }, counts);
    expect(settled.stored).toEqual(settled.sent);
    expect(settled.sent.click).toBe(clicks.length);
    // No opt-in channel: the scene's flags are off.
    expect(byType('hover_dwell')).toEqual([]);
    expect(byType('gaze')).toEqual([]);
    await first.tab.close();

    // ---- Visit 2: hover_dwell and gaze switched on for the scene ------------------------------
    await setCapture({ hover_dwell: true, gaze: true });
    const second = await visit();
    const page2 = second.tab.page;
    await page2.waitForFunction(() => window.vantageDemo!.client!.capture.hover_dwell === true, undefined, { timeout: 20_000 });
    const fabric = (await sofaTargets(page2, DEMO)).find((t) => t.id === 'GlamVelvetSofa_fabric');
    if (!fabric) throw new Error('the fabric is not on screen');
    await page2.mouse.move(fabric.x, fabric.y, { steps: 5 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await page2.mouse.move(5, 5, { steps: 3 });
    await orbit(page2, 200, DEMO);
    expect(await page2.evaluate(() => window.vantageDemo!.client!.flush())).toBe(true);
    const events2 = decodeBodies(second.bodies);
    const dwells = events2.filter((e): e is Extract<VantageEvent, { type: 'hover_dwell' }> => e.type === 'hover_dwell');
    expect(dwells.some((d) => d.mesh === 'GlamVelvetSofa_fabric' && d.dwellMs >= 1000 && onMesh(d))).toBe(true);
    const gazes = events2.filter((e): e is Extract<VantageEvent, { type: 'gaze' }> => e.type === 'gaze');
    expect(gazes.length).toBeGreaterThanOrEqual(1);
    expect(gazes.every((g) => g.mesh === undefined || onMesh(g))).toBe(true);
    const stored = await counts();
    expect(stored.hover_dwell).toBe(dwells.length);
    expect(stored.gaze).toBe(gazes.length);
    await second.tab.close();

    // ---- Visit 3: Global Privacy Control — no request to the collector's API at all -----------
    // Closing visit 2 sends its last batch by beacon: count after the collector has it.
    const before = await quietCounts();
    const third = await visit("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });");
    await orbit(third.tab.page, 300, DEMO);
    await third.tab.page.mouse.click(fabric.x, fabric.y);
    await third.tab.page.locator('#add-to-cart').click();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await third.tab.page.evaluate(() => window.vantageDemo!.client?.optedOut)).toBe(true);
    await third.tab.page.goto('about:blank');
    expect(third.requests.filter((r) => r.includes('/api/'))).toEqual([]);
    expect(third.bodies).toEqual([]);
    expect(await counts()).toEqual(before);
    await third.tab.close();
  }, 240_000);
});

/**
 * The R3F connector end to end: the sofa configurator built with React Three Fiber
 * (`connectors/r3f/demo/`: `<VantageAnalytics>` inside `<Canvas>`, the model through `useLoader`,
 * drei's `<OrbitControls makeDefault>`, StrictMode) and the three.js demo (`demo/`), side by side
 * in real headless Chromium (SwiftShader WebGL) against the real collector, driven by the same
 * real input: orbit drags, hovers and clicks on each sofa mesh, a fabric button, add to cart.
 * Read back through the collector (its per-channel counts, the scene proxy it holds) and from
 * what it accepted (collect bodies decoded by its validators): the R3F page sends the same
 * channels with the same mesh ids as the three.js demo, hit points on the sofa, one session.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { VantageEvent } from '@vantage/sdk-core/schema';
import { demoAssetsDir, demoModelPath, DEMO_SCRIPT_FILE, renderDemoPage } from '@vantage/demo';
import type {} from '../../../demo/src/page/handle.js';
import { renderR3fDemoPage } from '../../../connectors/r3f/demo/page-api.js';
import { launchChromium, openPage, servePages, startBrowserCollector, type BrowserCollector, type PageServer, type TestPage } from '../harness/index.js';
import { decodeBodies, orbit, sofaTargets } from '../harness/demo-driving.js';

const SOFA_MESHES = ['GlamVelvetSofa_fabric', 'GlamVelvetSofa_feet', 'GlamVelvetSofa_legs'];
const ASSETS = '/demo/assets';
const SCREENSHOT_DIR = process.env.VANTAGE_SCREENSHOT_DIR ?? fileURLToPath(new URL('../../../artifacts/screens/', import.meta.url));

let browser: Browser;
let pages: PageServer;
let collector: BrowserCollector;
let htmlDir: string;

beforeAll(async () => {
  const bundle = join(demoAssetsDir, DEMO_SCRIPT_FILE);
  if (!existsSync(bundle)) throw new Error(`the demo bundle ${bundle} is missing: build first (npx turbo build --filter=@vantage/demo)`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  htmlDir = await mkdtemp(join(tmpdir(), 'vantage-r3f-'));
  pages = await servePages({
    scripts: { '/r3f-demo.js': fileURLToPath(new URL('../../../connectors/r3f/demo/main.tsx', import.meta.url)) },
    // esbuild bundles React in development mode unless told otherwise; the demo ships production React.
    define: { 'process.env.NODE_ENV': '"production"' },
    files: {
      '/r3f': join(htmlDir, 'r3f.html'),
      '/demo': join(htmlDir, 'demo.html'),
      [`${ASSETS}/${DEMO_SCRIPT_FILE}`]: bundle,
      [`${ASSETS}/GlamVelvetSofa.glb`]: demoModelPath,
    },
  });
  collector = await startBrowserCollector({ driver: 'postgres', postgresUrl: inject('postgresUrl'), origins: [pages.origin] });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await collector?.close();
  if (htmlDir) await rm(htmlDir, { recursive: true, force: true });
});


type Kind = 'three' | 'r3f';
interface Visit {
  tab: TestPage;
  bodies: Array<{ type: string; body: Buffer }>;
}

/** What the page under test exposes, whichever demo it is (evaluated in the page). */
const HANDLE = `(window.vantageR3fDemo ?? window.vantageDemo)`;

async function visit(kind: Kind, sceneId: string): Promise<Visit> {
  const config = { endpoint: collector.url, publishableKey: collector.pk, sceneId, modelUrl: `${ASSETS}/GlamVelvetSofa.glb` };
  if (kind === 'r3f') await writeFile(join(htmlDir, 'r3f.html'), renderR3fDemoPage(config, '/r3f-demo.js'));
  else await writeFile(join(htmlDir, 'demo.html'), renderDemoPage({ ...config, assetBase: ASSETS }));
  const tab = await openPage(browser, { viewport: { width: 1100, height: 700 } });
  const bodies: Visit['bodies'] = [];
  tab.page.on('request', (request: Request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/collect') {
      const body = request.postDataBuffer();
      if (body) bodies.push({ type: (request.headers()['content-type'] ?? '').split(';')[0] ?? '', body });
    }
  });
  await tab.page.goto(pages.url(kind === 'r3f' ? '/r3f' : '/demo'), { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await tab.page.waitForFunction(`${HANDLE} !== undefined && ${HANDLE}.controls != null`, undefined, { timeout: 90_000 });
  // Damping converges per frame and SwiftShader draws few frames a second: without it a drag ends where the mouse let go.
  await tab.page.evaluate(`${HANDLE}.controls.enableDamping = false`);
  return { tab, bodies };
}





/** The same script on either page; returns what the collector accepted from it. */
async function session(kind: Kind, sceneId: string): Promise<{ events: VantageEvent[]; visit: Visit }> {
  const v = await visit(kind, sceneId);
  const page = v.tab.page;
  await orbit(page, 300, HANDLE);
  const targets = await sofaTargets(page, HANDLE);
  expect(targets.map((t) => t.id).sort()).toEqual(SOFA_MESHES);
  for (const target of targets) {
    await page.mouse.move(target.x, target.y, { steps: 5 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await page.mouse.click(target.x, target.y);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await page.locator('button', { hasText: 'Champagne' }).first().click();
  await page.locator('#add-to-cart').click();
  await orbit(page, -250, HANDLE);
  // Housekeeping sends the viewport and registers the proxy once the mesh set has been stable for a second.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await page.evaluate(`${HANDLE}.client.flush()`)).toBe(true);
  return { events: decodeBodies(v.bodies), visit: v };
}

async function proxyIds(sceneId: string): Promise<{ ids: string[]; boxOf: Map<string, number[]> }> {
  const answer = await fetch(`${collector.url}/api/v1/scenes/${sceneId}/proxy`, { headers: { Authorization: `Bearer ${collector.sk}` } });
  expect(answer.status).toBe(200);
  const proxy = (await answer.json()) as { meshes: Array<{ id: string; box: number[] }> };
  return { ids: proxy.meshes.map((m) => m.id), boxOf: new Map(proxy.meshes.map((m) => [m.id, m.box])) };
}

const meshIds = (events: VantageEvent[], type: string): string[] =>
  [...new Set(events.filter((e) => e.type === type).map((e) => (e as { mesh?: string }).mesh).filter((m): m is string => m !== undefined))].sort();

describe('the R3F sofa configurator, end to end, next to the three.js demo', () => {
  it('sends the same channels with the same mesh ids as the three.js demo, hit points on the sofa, one session under StrictMode', async () => {
    const three = await session('three', 'sofa-three');
    await three.visit.tab.close();
    const r3f = await session('r3f', 'sofa-r3f');
    const tab = r3f.visit.tab;
    await tab.page.locator('#stage canvas').screenshot({ path: join(SCREENSHOT_DIR, 'r3f-demo-canvas.png') });
    await tab.page.screenshot({ path: join(SCREENSHOT_DIR, 'r3f-demo.png') });
    expect(tab.pageErrors).toEqual([]);

    // The same channels reached the collector, per its own counts, and it stored what was sent.
    const stored = { three: await collector.eventCounts('sofa-three'), r3f: await collector.eventCounts('sofa-r3f') };
    // (session_end aside: the three.js page was closed already, and sent it at page hide.)
    const channels = (counts: Record<string, number>) => Object.keys(counts).filter((c) => c !== 'session_end').sort();
    expect(channels(stored.r3f)).toEqual(channels(stored.three));
    for (const channel of ['session_start', 'camera', 'pointer_move', 'click', 'mesh_pick', 'perf', 'viewport', 'asset_load', 'custom']) {
      expect(stored.r3f[channel], channel).toBeGreaterThanOrEqual(1);
    }
    const sent: Record<string, number> = {};
    for (const e of r3f.events) sent[e.type] = (sent[e.type] ?? 0) + 1;
    expect(stored.r3f).toEqual(sent);

    // The same mesh ids, channel by channel and in the proxy the collector holds.
    for (const type of ['click', 'mesh_pick', 'pointer_move']) {
      expect(meshIds(r3f.events, type), type).toEqual(SOFA_MESHES);
      expect(meshIds(r3f.events, type), type).toEqual(meshIds(three.events, type));
    }
    const proxies = { three: await proxyIds('sofa-three'), r3f: await proxyIds('sofa-r3f') };
    expect(proxies.r3f.ids).toEqual(SOFA_MESHES);
    expect(proxies.r3f.ids).toEqual(proxies.three.ids);

    // Hit points from R3F's pointer and raycaster lie on the mesh they name.
    const onMesh = (e: { mesh?: string; hx?: number; hy?: number; hz?: number }) => {
      const box = e.mesh === undefined ? undefined : proxies.r3f.boxOf.get(e.mesh);
      if (!box || e.hx === undefined || e.hy === undefined || e.hz === undefined) return false;
      return e.hx >= box[0]! - 2 && e.hy >= box[1]! - 2 && e.hz >= box[2]! - 2 && e.hx <= box[3]! + 2 && e.hy <= box[4]! + 2 && e.hz <= box[5]! + 2;
    };
    const picks = r3f.events.filter((e): e is Extract<VantageEvent, { type: 'mesh_pick' }> => e.type === 'mesh_pick');
    expect(picks.map((p) => p.mesh).sort()).toEqual(SOFA_MESHES);
    expect(picks.every((p) => p.source === 'pointer' && onMesh(p))).toBe(true);
    const clicks = r3f.events.filter((e): e is Extract<VantageEvent, { type: 'click' }> => e.type === 'click' && e.mesh !== undefined);
    expect(clicks.every(onMesh)).toBe(true);
    expect(r3f.events.filter((e) => e.type === 'pointer_move' && e.mesh !== undefined).every((e) => onMesh(e as never))).toBe(true);

    // useLoader's load went through the DefaultLoadingManager; the app's custom events; one session (StrictMode).
    expect(r3f.events.some((e) => e.type === 'asset_load' && e.url.endsWith('/demo/assets/GlamVelvetSofa.glb') && e.ok)).toBe(true);
    expect(r3f.events.filter((e) => e.type === 'custom').map((e) => (e.type === 'custom' ? e.name : ''))).toEqual(['variant_selected', 'add_to_cart']);
    const starts = r3f.events.filter((e): e is Extract<VantageEvent, { type: 'session_start' }> => e.type === 'session_start');
    expect(starts).toHaveLength(1);
    expect(starts[0]?.sdk).toBe('demo-r3f/0.1.0');
    expect(new Set((await collector.batches('sofa-r3f')).map((b) => b.sessionId)).size).toBe(1);
    await tab.close();
  }, 300_000);
});

/**
 * The single-file builds of `@vantage/three` (sdk-core + the connector, three.js left out), as a
 * page without a bundler uses them: the ES module with three.js from an import map, and the
 * classic script reading `window.THREE`. Real Chromium, the real collector.
 */
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, openPage, servePages, startBrowserCollector, type BrowserCollector, type PageServer } from '../harness/index.js';
import { until } from './setup.js';

const dist = (file: string) => fileURLToPath(new URL(`../../../connectors/three/dist/${file}`, import.meta.url));
const three = (file: string) => fileURLToPath(new URL(`../../../node_modules/three/build/${file}`, import.meta.url));

/** The page's own code: a box in front of the camera, tracked; `V` is what the build exposes. */
const SCENE_CODE = (endpoint: string, key: string, scene: string) => `
  const renderer = new THREE.WebGLRenderer();
  renderer.setSize(400, 300);
  document.body.style.margin = '0';
  document.body.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(50, 4 / 3, 0.1, 100);
  camera.position.set(0, 0, 4);
  const box = new THREE.Mesh(new THREE.BoxGeometry(1.5, 1.5, 1.5), new THREE.MeshBasicMaterial({ color: 0x3366cc }));
  V.tagObject(box, 'the-box');
  scene.add(box);
  const client = V.createClient({ endpoint: ${JSON.stringify(endpoint)}, key: ${JSON.stringify(key)}, sceneId: ${JSON.stringify(scene)}, flushIntervalMs: 300 });
  V.trackScene({ scene, camera, renderer, client });
  const loop = () => { renderer.render(scene, camera); requestAnimationFrame(loop); };
  loop();
  window.ready = true;
`;

/**
 * The ES module with the client's hooks and every opt-in channel: `onError` and `beforeSend`
 * record what they see in `window`, and the page exposes the client as `window.client`. It checks
 * the paths the build renames internally (queue, batches, reporter, sessions, config, beacon).
 */
const FULL_CODE = (endpoint: string, key: string, scene: string) => `
  window.errors = [];
  window.seen = [];
  const renderer = new THREE.WebGLRenderer();
  renderer.setSize(400, 300);
  document.body.style.margin = '0';
  document.body.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(50, 4 / 3, 0.1, 100);
  camera.position.set(0, 0, 4);
  const box = new THREE.Mesh(new THREE.BoxGeometry(1.5, 1.5, 1.5), new THREE.MeshBasicMaterial({ color: 0x3366cc }));
  V.tagObject(box, 'the-box');
  scene.add(box);
  const client = V.createClient({
    endpoint: ${JSON.stringify(endpoint)}, key: ${JSON.stringify(key)}, sceneId: ${JSON.stringify(scene)}, flushIntervalMs: 300,
    onError: (e) => window.errors.push(e.code),
    beforeSend: (event) => { window.seen.push(event.type); return event.type === 'custom' && event.name === 'drop-me' ? null : event; },
  });
  window.client = client;
  V.trackScene({ scene, camera, renderer, client, hoverThresholdMs: 100, visibilityWindowMs: 1000, resourceIntervalMs: 500 });
  let angle = 0;
  const loop = () => { angle += 0.01; camera.position.set(Math.sin(angle) * 4, 0, Math.cos(angle) * 4); camera.lookAt(0, 0, 0); renderer.render(scene, camera); requestAnimationFrame(loop); };
  loop();
  window.ready = true;
`;

let pages: PageServer;
let collector: BrowserCollector;
let browser: Browser;

const IMPORT_MAP = '<script type="importmap">{ "imports": { "three": "/three/three.module.js" } }</script>';

/** The two ways of loading the build, by page path: the page's body around the scene code. */
const VARIANTS = {
  '/esm': ['the ES module (three.js from an import map)', (code: string) => `${IMPORT_MAP}<script type="module">import * as THREE from 'three'; import * as V from '/vantage.js';${code}</script>`],
  '/classic': [
    'the classic script (window.THREE)',
    (code: string) =>
      `${IMPORT_MAP}<script type="module">import * as THREE from 'three'; window.THREE = THREE; const s = document.createElement('script'); s.src = '/vantage.global.js'; s.onload = () => { const V = window.Vantage; ${code} }; document.head.appendChild(s);</script>`,
  ],
} as const;
const FULL_SCENE = 'script-tag-full';
const sceneOf = (path: string) => `script-tag${path.replace('/', '-')}`;

beforeAll(async () => {
  // The collector's URL goes into the pages, so it starts first; its origin allowlist learns the
  // page server's origin right after.
  collector = await startBrowserCollector({ driver: 'embedded', postgresUrl: inject('postgresUrl'), origins: [] });
  const html = (path: keyof typeof VARIANTS) =>
    `<!doctype html><html><head><meta charset="utf-8"></head><body>${VARIANTS[path][1](SCENE_CODE(collector.url, collector.pk, sceneOf(path)))}</body></html>`;
  pages = await servePages({
    scripts: {},
    pages: {
      '/esm': html('/esm'),
      '/classic': html('/classic'),
      '/full': `<!doctype html><html><head><meta charset="utf-8"></head><body>${IMPORT_MAP}<script type="module">import * as THREE from 'three'; import * as V from '/vantage.js';${FULL_CODE(collector.url, collector.pk, FULL_SCENE)}</script></body></html>`,
    },
    files: {
      '/vantage.js': dist('vantage.js'),
      '/vantage.global.js': dist('vantage.global.js'),
      '/three/three.module.js': three('three.module.js'),
      '/three/three.core.js': three('three.core.js'),
    },
  });
  await collector.allowOrigin(pages.origin);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await collector?.close();
});

describe('the single-file builds in a page without a bundler (Chromium → real collector)', () => {
  for (const [path, [name]] of Object.entries(VARIANTS)) {
    it(`${name}: a click on the tagged box arrives with its id`, async () => {
      const scene = sceneOf(path);
      const tab = await openPage(browser, { viewport: { width: 400, height: 300 } });
      try {
        await tab.page.goto(pages.url(path));
        await tab.page.waitForFunction(() => (window as { ready?: boolean }).ready === true, undefined, { timeout: 30_000 });
        await new Promise((resolve) => setTimeout(resolve, 500));
        await tab.page.mouse.click(200, 150);
        await until('the click at the collector', async () => (await collector.eventCounts(scene)).mesh_pick === 1);
        expect(await collector.eventCounts(scene)).toMatchObject({ session_start: 1, click: 1, mesh_pick: 1 });
        // The tag reached the collector: the scene's proxy names the box by it.
        const proxy = async () => (await fetch(`${collector.url}/api/v1/scenes/${scene}/proxy`, { headers: { Authorization: `Bearer ${collector.sk}` } })).json() as Promise<{ meshes?: Array<{ id: string }> }>;
        await until('the scene proxy', async () => (await proxy()).meshes !== undefined);
        expect((await proxy()).meshes?.map((m) => m.id)).toEqual(['the-box']);
        expect(tab.pageErrors).toEqual([]);
      } finally {
        await tab.close();
      }
    });
  }

  it('the ES module: every channel, remote flags, validation, beforeSend, onError and the beacon at page hide', async () => {
    await collector.setCapture(FULL_SCENE, { mesh_visibility: true, hover_dwell: true, gaze: true, resource_sample: true, runtime_error: true });
    const tab = await openPage(browser, { viewport: { width: 400, height: 300 } });
    try {
      await tab.page.goto(pages.url('/full'));
      await tab.page.waitForFunction(() => (window as { ready?: boolean }).ready === true, undefined, { timeout: 30_000 });
      // The config answer turns the opt-in channels on in the page.
      await tab.page.waitForFunction(() => (window as unknown as { client: { isEnabled(t: string): boolean } }).client.isEnabled('gaze'), undefined, { timeout: 30_000 });
      for (let i = 0; i <= 8; i++) await tab.page.mouse.move(20 + i * 22, 20 + i * 16);
      await tab.page.mouse.move(200, 150, { steps: 4 });
      await new Promise((resolve) => setTimeout(resolve, 700));
      await tab.page.mouse.click(200, 150);
      await tab.page.mouse.move(5, 5, { steps: 3 });
      await tab.page.evaluate(() => {
        const w = window as unknown as { client: { track(type: string, fields: unknown): void; custom(name: string, props?: unknown): void } };
        w.client.custom('kept', { variant: 'navy' });
        w.client.custom('drop-me');
        w.client.track('click', { x: 'not a number', y: 0, button: 0 });
        setTimeout(() => {
          throw new Error('a page error for runtime_error');
        }, 0);
      });
      await until('the channels at the collector', async () => {
        const counts = await collector.eventCounts(FULL_SCENE);
        return ['camera', 'pointer_move', 'click', 'mesh_pick', 'perf', 'viewport', 'custom', 'mesh_visibility', 'hover_dwell', 'gaze', 'resource_sample', 'runtime_error'].every((t) => (counts[t] ?? 0) > 0);
      });
      const page = await tab.page.evaluate(() => ({ errors: (window as unknown as { errors: string[] }).errors, seen: (window as unknown as { seen: string[] }).seen }));
      // The invalid click was refused in the page (it never reached the queue), and said so.
      expect(page.errors).toContain('invalid_event');
      expect(page.seen).toEqual(expect.arrayContaining(['session_start', 'camera', 'click', 'custom']));
      const counts = await collector.eventCounts(FULL_SCENE);
      // beforeSend dropped one of the two custom events; one click only (the valid one).
      expect(counts).toMatchObject({ session_start: 1, custom: 1, click: 1, mesh_pick: 1 });
      expect(counts.session_end).toBeUndefined();
      // Page hide: the session's end leaves by beacon.
      await tab.page.goto(pages.url('/blank'));
      await until('session_end by beacon', async () => (await collector.eventCounts(FULL_SCENE)).session_end === 1);
      const batches = await collector.batches(FULL_SCENE);
      expect(new Set(batches.map((b) => b.sessionId)).size).toBe(1);
      expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i));
    } finally {
      await tab.close();
    }
  });
});

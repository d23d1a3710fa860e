/**
 * The dashboard in real headless Chromium against a collector started as `npm start` starts it
 * (raw session retention on) and loaded with simulated sessions: sign-in (a wrong password
 * refused), every page with the collector's real numbers, a capture flag flipped here reaching
 * the running demo scene, a key created (shown once) and revoked, the replay opened from the
 * sessions list, sign-out. Screenshots go to `artifacts/screens/dashboard-*.png` and are checked
 * for content.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelPath } from '@vantage/demo';
import type {} from '../../../demo/src/page/handle.js';
import { formatDecimal } from '../../../dashboard/src/app/format.js';
import { launchChromium, openPage, servePages, type TestPage } from '../harness/index.js';
import { api, pixels, SCENES, SCREENSHOT_DIR, signIn, startLoadedCollector, unlabelled, type LoadedCollector } from './setup.js';

/** SwiftShader can take seconds over its first frames: poll patiently. */
const POLL = { timeout: 30_000 };
const VIEWPORT = { width: 1280, height: 860 };

let c: LoadedCollector;
let browser: Browser;
let tab: TestPage;

beforeAll(async () => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  c = await startLoadedCollector({ sessions: 240, env: { ENABLE_RAW_SESSION_RETENTION: 'true' } });
  browser = await launchChromium();
  tab = await openPage(browser, { viewport: VIEWPORT });
}, 300_000);

afterAll(async () => {
  await tab?.close();
  await browser?.close();
  await c?.close();
});

async function shoot(page: Page, name: string): Promise<Buffer> {
  const png = await page.screenshot({ path: join(SCREENSHOT_DIR, `dashboard-${name}.png`), fullPage: true });
  const stats = await pixels(page, png);
  expect(stats.covered, `${name}: the screenshot shows something`).toBeGreaterThan(0.01);
  return png;
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
}

/** The text of a tile on the overview, by its label. */
async function tile(page: Page, label: string): Promise<string> {
  return (await page.locator('.tile', { has: page.getByText(label, { exact: true }) }).locator('.tile-value').textContent()) ?? '';
}

describe('the dashboard', () => {
  it('serves the app at / with a strict CSP and hashed, long-cached assets', async () => {
    const index = await fetch(`${c.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${c.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${c.url}/assets/..%2Findex.html`)).status).toBe(404);
  });

  it('refuses a wrong password with a clear message, then signs in', async () => {
    const { page } = tab;
    await page.goto(c.url);
    await page.getByLabel('Email').fill(c.operator.email);
    await page.getByLabel('Password').fill('not the password at all');
    // Keyboard only: Enter submits the form.
    await page.getByLabel('Password').press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('Wrong email or password');
    await shoot(page, 'sign-in');
    await page.getByLabel('Password').fill(c.operator.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor(POLL);
  });

  it('overview: the collector\'s numbers, a chart, top meshes, FPS', async () => {
    const { page } = tab;
    const activity = (await api(c, 'GET', '/api/v1/activity')) as { totals: { sessions: number; events: number } };
    expect(activity.totals.sessions).toBe(c.sessions);
    await expect.poll(() => tile(page, 'Sessions'), POLL).toBe(activity.totals.sessions.toLocaleString('en'));
    expect(await tile(page, 'Events')).toBe(activity.totals.events.toLocaleString('en'));
    expect(Number((await tile(page, 'Visitors')).replace(/,/g, ''))).toBeGreaterThan(0);
    const perf = (await api(c, 'GET', '/api/v1/performance')) as { groups: Array<{ fps: { p50: number; p5: number } }> };
    const frames = perf.groups[0]!;
    expect(frames.fps.p50).toBeGreaterThan(0);
    await expect.poll(() => tile(page, 'FPS p50'), POLL).toBe(formatDecimal(frames.fps.p50));
    // The slow end: FPS's p5 (not its p95, the fast end), below the median.
    expect(frames.fps.p5).toBeLessThan(frames.fps.p50);
    await expect.poll(() => tile(page, 'FPS, slowest 5 %'), POLL).toBe(formatDecimal(frames.fps.p5));
    await page.locator('.chart canvas').first().waitFor(POLL);
    await expect.poll(() => page.locator('table tbody tr').count()).toBeGreaterThan(0);
    await expect(page.getByRole('cell', { name: 'GlamVelvetSofa_fabric' }).count()).resolves.toBeGreaterThan(0);
    // Hovers and visible time are on here (opt-in channels switched on): numbers, not "—".
    const topMeshes = page.locator('section', { has: page.getByRole('heading', { name: 'Top meshes' }) });
    expect(await topMeshes.getByRole('cell', { name: '—', exact: true }).count()).toBe(0);
    expect(await topMeshes.getByText('none in this window').count()).toBe(0);
    // The time window and scene pickers re-query.
    await page.getByLabel('Time window', { exact: true }).selectOption('24h');
    await page.getByLabel('Scene', { exact: true }).selectOption(SCENES[0]);
    await page.getByRole('heading', { name: `Overview · ${SCENES[0]}` }).waitFor(POLL);
    const scene = (await api(c, 'GET', `/api/v1/activity?scene=${SCENES[0]}&from=${Date.now() - 86_400_000}`)) as { totals: { sessions: number } };
    await expect.poll(() => tile(page, 'Sessions'), POLL).toBe(scene.totals.sessions.toLocaleString('en'));
    await page.getByLabel('Time window', { exact: true }).selectOption('7d');
    await shoot(page, 'overview');
  });

  it('3D heatmap: voxels coloured by count over the proxy, with a legend', async () => {
    const { page } = tab;
    await go(page, '#/heatmap');
    await page.getByRole('heading', { name: `3D heatmap · ${SCENES[0]}` }).waitFor(POLL);
    const stage = page.getByTestId('heatmap-stage');
    await expect.poll(async () => Number(await stage.getAttribute('data-voxels')), POLL).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.legend').textContent(), POLL).toContain('3 meshes from the scene proxy');
    // A new tint keeps the operator's view; camera positions (around the sofa) frame it again.
    const framings = async () => Number(await stage.getAttribute('data-framings'));
    const framed = await framings();
    const shown = Number(await stage.getAttribute('data-shows'));
    expect(framed).toBeGreaterThan(0);
    await page.getByLabel('Meshes coloured by').selectOption('clicks');
    await expect.poll(async () => Number(await stage.getAttribute('data-shows')), POLL).toBeGreaterThan(shown);
    expect(await framings()).toBe(framed);
    await page.getByRole('radio', { name: 'Camera positions' }).check();
    await expect.poll(framings, POLL).toBe(framed + 1);
    await page.getByRole('radio', { name: 'Clicks' }).check();
    await expect.poll(async () => (await pixels(page, await stage.locator('canvas').screenshot())).ramp, POLL).toBeGreaterThan(0.002);
    await shoot(page, 'heatmap');
  });

  it('scenes: a capture flag flipped here reaches the running demo scene at its next config read', async () => {
    const demo = await openPage(browser, { viewport: { width: 900, height: 600 } });
    try {
      await demo.page.goto(`${c.url}/demo`);
      await demo.page.waitForFunction(() => window.vantageDemo?.client?.config !== undefined, undefined, { timeout: 60_000 });
      expect(await demo.page.evaluate(() => window.vantageDemo!.client!.capture.gaze)).toBe(false);
      // The demo's scene shows up once it sent events or its proxy.
      const { page } = tab;
      await expect.poll(async () => ((await api(c, 'GET', '/api/v1/scenes')) as { scenes: Array<{ scene: string }> }).scenes.map((s) => s.scene), POLL).toContain('demo-sofa');
      await page.reload();
      await go(page, '#/scenes');
      await page.getByLabel('Scene', { exact: true }).selectOption('demo-sofa');
      const flag = page.getByLabel('Capture gaze in demo-sofa');
      await expect(flag.isChecked()).resolves.toBe(false);
      await flag.check();
      await page.getByLabel('Sampling rate of gaze in demo-sofa').fill('0.5');
      await page.getByRole('button', { name: 'Save demo-sofa' }).click();
      await expect.poll(() => page.getByRole('status').first().textContent(), POLL).toBe('Saved.');
      await shoot(page, 'scenes');
      // The demo reads its config when it starts a session: the next visit (a new browser
      // context: the config answer may be cached for 30 s) captures gaze, sampled at one half.
      const next = await openPage(browser, { viewport: { width: 900, height: 600 } });
      try {
        await next.page.goto(`${c.url}/demo`);
        await next.page.waitForFunction(() => window.vantageDemo?.client?.config !== undefined, undefined, { timeout: 60_000 });
        expect(await next.page.evaluate(() => window.vantageDemo!.client!.capture.gaze)).toBe(true);
        expect(await next.page.evaluate(() => window.vantageDemo!.client!.config!.sampling)).toMatchObject({ gaze: 0.5 });
      } finally {
        await next.close();
      }
      const audit = (await api(c, 'GET', '/api/v1/audit?action=scene.update')) as { items: Array<{ target: string }> };
      expect(audit.items.map((i) => i.target)).toContain('demo-sofa');
    } finally {
      await demo.close();
    }
  });

  it('sessions: a filtered, paged list that opens the replay viewer', { timeout: 120_000 }, async () => {
    const { page } = tab;
    await page.getByLabel('Scene', { exact: true }).selectOption('');
    await go(page, '#/sessions');
    await page.getByRole('heading', { name: 'Sessions' }).waitFor(POLL);
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count(), POLL).toBe(25);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.getByText('Page 2').count(), POLL).toBe(1);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByLabel('Device').selectOption('mobile');
    const mobile = (await api(c, 'GET', '/api/v1/sessions?deviceType=mobile&limit=25')) as { sessions: Array<{ id: string }> };
    await expect.poll(async () => (await rows.count()) === mobile.sessions.length && (await rows.first().textContent())?.includes('mobile'), POLL).toBe(true);
    await page.getByLabel('Device').selectOption('');
    await expect.poll(() => rows.count(), POLL).toBe(25);
    await rows.first().getByRole('button', { name: /^Replay session/ }).click();
    await page.locator('.vantage-replay canvas').waitFor(POLL);
    expect(await page.getByText('Replay is unavailable').count()).toBe(0);
    await expect.poll(async () => (await pixels(page, await page.locator('.vantage-replay canvas').screenshot())).covered, POLL).toBeGreaterThan(0.05);
    await page.locator('.replay').scrollIntoViewIfNeeded();
    await shoot(page, 'sessions-replay');
    await page.getByRole('button', { name: 'Close replay' }).click();
  });

  it('3D heatmap and replay draw a scene\'s glTF model: a path on this collector, or another origin once the page allows it', { timeout: 180_000 }, async () => {
    // The sofa on another origin (another port), served with CORS as a CDN would.
    const models = await servePages({ scripts: {}, files: { '/models/sofa.glb': demoModelPath }, headers: { 'Access-Control-Allow-Origin': '*' } });
    const remote = models.url('/models/sofa.glb');
    const fresh = await openPage(browser, { viewport: VIEWPORT });
    const stage = (page: Page) => page.getByTestId('heatmap-stage');
    try {
      // The first start registered the demo scene with the demo's own sofa, a path here.
      const listed = (await api(c, 'GET', '/api/v1/scenes')) as { scenes: Array<{ scene: string; modelUrl: string | null }> };
      expect(listed.scenes.find((s) => s.scene === 'demo-sofa')?.modelUrl).toBe('/demo/assets/GlamVelvetSofa.glb');

      // Registered from a page opened before: its CSP does not allow the new origin, and it says so.
      const { page } = tab;
      await page.getByLabel('Scene', { exact: true }).selectOption(SCENES[0]);
      await go(page, '#/scenes');
      const form = page.getByRole('form', { name: `Scene ${SCENES[0]}` });
      await form.getByLabel(/^Model URL/).fill(remote);
      await form.getByRole('button', { name: `Save ${SCENES[0]}` }).click();
      await expect.poll(() => form.getByRole('status').textContent(), POLL).toBe(`Saved. Reload the dashboard to load the model from ${models.origin}.`);
      await go(page, '#/heatmap');
      await expect.poll(async () => stage(page).getAttribute('data-model'), POLL).toBe('failed');
      await expect.poll(() => page.locator('.legend').getByRole('alert').textContent(), POLL).toContain(`this page was opened before ${models.origin} was registered; reload it`);
      expect(models.requests).not.toContain('/models/sofa.glb');
      // The replay says the same, and draws the proxy meanwhile.
      await go(page, '#/sessions');
      await page.locator('tbody tr').first().getByRole('button', { name: /^Replay session/ }).click();
      await expect.poll(() => page.locator('.replay').getByRole('alert').textContent(), POLL).toContain(`this page was opened before ${models.origin} was registered; reload it`);
      await expect.poll(() => page.locator('.vantage-replay').getAttribute('data-scene-model'), POLL).toBe('proxy');
      await page.getByRole('button', { name: 'Close replay' }).click();

      // Reloaded, the page allows it: the model is fetched and drawn under the proxy boxes.
      await page.reload();
      await page.getByLabel('Scene', { exact: true }).selectOption(SCENES[0]);
      await go(page, '#/heatmap');
      await page.getByRole('heading', { name: `3D heatmap · ${SCENES[0]}` }).waitFor(POLL);
      await expect.poll(async () => stage(page).getAttribute('data-model'), POLL).toBe('loaded');
      expect(models.requests).toContain('/models/sofa.glb');
      await expect.poll(() => page.locator('.legend').textContent(), POLL).toContain('The model from sofa.glb, under the proxy boxes.');
      await shoot(page, 'heatmap-model');
      await go(page, '#/sessions');
      await page.locator('tbody tr').first().getByRole('button', { name: /^Replay session/ }).click();
      await expect.poll(() => page.locator('.vantage-replay').getAttribute('data-scene-model'), POLL).toBe('gltf');
      expect(await page.locator('.replay').getByRole('alert').count()).toBe(0);
      await page.locator('.replay').scrollIntoViewIfNeeded();
      await shoot(page, 'sessions-replay-model');
      await page.getByRole('button', { name: 'Close replay' }).click();

      // A fresh sign-in reloads the page by itself when a model's origin needs it.
      await signIn(fresh.page, c.url, c.operator);
      await fresh.page.getByLabel('Scene', { exact: true }).selectOption(SCENES[0]);
      await go(fresh.page, '#/heatmap');
      await expect.poll(async () => stage(fresh.page).getAttribute('data-model'), POLL).toBe('loaded');

      // The demo scene's model is a path on this collector: allowed on any page.
      await fresh.page.getByLabel('Scene', { exact: true }).selectOption('demo-sofa');
      await fresh.page.getByRole('heading', { name: '3D heatmap · demo-sofa' }).waitFor(POLL);
      await expect.poll(async () => stage(fresh.page).getAttribute('data-model'), POLL).toBe('loaded');
      expect(fresh.pageErrors.map((e) => e.message)).toEqual([]);
    } finally {
      await api(c, 'PUT', `/api/v1/scenes/${SCENES[0]}`, { modelUrl: null });
      await fresh.close();
      await models.close();
    }
  });

  it('settings: creates a key shown once, lists and revokes it; settings and audit log', async () => {
    const { page } = tab;
    await go(page, '#/settings');
    await page.getByRole('heading', { name: 'API keys' }).waitFor(POLL);
    const project = (await api(c, 'GET', '/api/v1/project')) as { retention_days: number };
    await expect.poll(() => page.getByLabel('Retention (days)').inputValue(), POLL).toBe(String(project.retention_days));
    await page.getByLabel('Label').fill('e2e browser key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const token = (await page.getByTestId('new-token').textContent({ timeout: 30_000 })) ?? '';
    expect(token).toMatch(/^pk_/);
    const config = await fetch(`${c.url}/api/v1/config?scene=demo-sofa`, { headers: { Authorization: `Bearer ${token}` } });
    expect(config.status).toBe(200);
    await expect.poll(() => page.getByRole('cell', { name: 'e2e browser key', exact: true }).count(), POLL).toBe(1);
    await shoot(page, 'settings');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: /Revoke key .* e2e browser key/ }).click();
    await expect.poll(() => page.locator('tr', { hasText: 'e2e browser key' }).textContent(), POLL).toContain('revoked');
    const refused = await fetch(`${c.url}/api/v1/config?scene=demo-sofa`, { headers: { Authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    // The audit log names both.
    await expect.poll(() => page.locator('section', { hasText: 'Audit log' }).textContent(), POLL).toContain('key.revoke');
  });

  it('every page is reached with the keyboard alone, and every control on it has a name', { timeout: 120_000 }, async () => {
    const { page } = tab;
    const links = await page.locator('nav[aria-label="Pages"] a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href') ?? '', text: a.textContent ?? '' })));
    expect(links.length).toBeGreaterThanOrEqual(10);
    for (const link of links) {
      await page.locator('body').focus();
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate((href) => document.activeElement?.getAttribute('href') === href, link.href);
      }
      expect(reached, `Tab reaches ${link.text}`).toBe(true);
      await page.keyboard.press('Enter');
      await page.waitForFunction((href) => location.hash === href, link.href);
      await expect.poll(() => page.locator('nav a[aria-current="page"]').textContent(), { timeout: 20_000 }).toBe(link.text);
      await page.locator('main h1').first().waitFor();
      await expect.poll(() => page.locator('main [aria-busy="true"], main .loading').count(), { timeout: 20_000 }).toBe(0);
      expect(await unlabelled(page), `${link.text}: unnamed controls`).toEqual([]);
    }
  });

  it('signs out back to the sign-in form', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Vantage' }).waitFor(POLL);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Vantage' }).waitFor(POLL);
    expect(tab.pageErrors.map((e) => e.message)).toEqual([]);
  });
});

describe('the dashboard on a collector without raw retention', () => {
  let lean: LoadedCollector;
  let leanTab: TestPage;

  beforeAll(async () => {
    lean = await startLoadedCollector({ sessions: 12 });
    leanTab = await openPage(browser, { viewport: VIEWPORT });
  }, 300_000);

  afterAll(async () => {
    await leanTab?.close();
    await lean?.close();
  });

  it('says why replay is unavailable instead of failing', async () => {
    const { page } = leanTab;
    await page.goto(lean.url);
    await page.getByLabel('Email').fill(lean.operator.email);
    await page.getByLabel('Password').fill(lean.operator.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor(POLL);
    await go(page, '#/sessions');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count(), POLL).toBe(12);
    await rows.first().getByRole('button', { name: /^Replay session/ }).click();
    await expect.poll(() => page.locator('.replay').textContent(), POLL).toContain('ENABLE_RAW_SESSION_RETENTION is off');
    expect(await page.locator('.vantage-replay').count()).toBe(0);
    await shoot(page, 'sessions-no-raw');
    expect(leanTab.pageErrors.map((e) => e.message)).toEqual([]);
  });
});

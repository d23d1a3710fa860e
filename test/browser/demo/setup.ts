/**
 * Shared setup of the demo page's browser tests: Chromium, a page server with the BUILT demo
 * bundle and the sofa at the paths the collector uses (`/demo/assets/…`), the real collector, and
 * the page itself rendered by `renderDemoPage` for each test (its own scene id and key).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoAssetsDir, demoModelPath, DEMO_SCRIPT_FILE, renderDemoPage, type DemoPageOptions } from '@vantage/demo';
import type {} from '../../../demo/src/page/handle.js'; // window.vantageDemo
import { launchChromium, openPage, servePages, startBrowserCollector, type BrowserCollector, type PageServer, type TestPage } from '../harness/index.js';

/** Where the collector serves the demo's assets; the page server uses the same paths. */
export const ASSET_BASE = '/demo/assets';
/** Path of the demo page on the page server. */
export const DEMO_PATH = '/demo';

/** Folder for the screenshots a person should look at: `VANTAGE_SCREENSHOT_DIR`, else `artifacts/screens` (git-ignored). */
export const SCREENSHOT_DIR = process.env.VANTAGE_SCREENSHOT_DIR ?? fileURLToPath(new URL('../../../artifacts/screens/', import.meta.url));

/** A demo page under test, with every URL it requested. */
export type DemoTab = TestPage & { requests: string[] };

/** Everything a demo test needs. */
export interface DemoSuite {
  browser: Browser;
  pages: PageServer;
  collector: BrowserCollector;
}

/** The file's suite, started in `beforeAll` and closed in `afterAll`; each test's pages are closed after it. */
export function useDemoSuite(): { readonly suite: DemoSuite; open(options?: Partial<DemoPageOptions>, initScript?: string): Promise<DemoTab> } {
  let suite: DemoSuite | undefined;
  let htmlDir: string | undefined;
  const opened: TestPage[] = [];
  beforeAll(async () => {
    const bundle = join(demoAssetsDir, DEMO_SCRIPT_FILE);
    if (!existsSync(bundle)) {
      throw new Error(`the demo bundle ${bundle} is missing: build first (npx turbo build --filter=@vantage/demo)`);
    }
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    htmlDir = await mkdtemp(join(tmpdir(), 'vantage-demo-'));
    const pages = await servePages({
      scripts: {},
      files: {
        // Rewritten by each open(): the server reads files on every request. A real HTTP answer,
        // not a route fulfilled by playwright: Chromium gives such an answer no address space,
        // and then refuses the page's requests to the loopback collector (local network access).
        [DEMO_PATH]: join(htmlDir, 'demo.html'),
        [`${ASSET_BASE}/${DEMO_SCRIPT_FILE}`]: bundle,
        [`${ASSET_BASE}/${DEMO_SCRIPT_FILE}.map`]: `${bundle}.map`,
        [`${ASSET_BASE}/GlamVelvetSofa.glb`]: demoModelPath,
      },
    });
    const collector = await startBrowserCollector({ driver: 'postgres', postgresUrl: inject('postgresUrl'), origins: [pages.origin] });
    const browser = await launchChromium();
    suite = { browser, pages, collector };
  });
  // Each page renders continuously (as a three.js app does): close it when its test ends, or the
  // pages of earlier tests slow the later ones down.
  afterEach(async () => {
    for (const tab of opened.splice(0)) await tab.close();
  });
  afterAll(async () => {
    await suite?.browser.close();
    await suite?.pages.close();
    await suite?.collector.close();
    if (htmlDir !== undefined) await rm(htmlDir, { recursive: true, force: true });
  });
  const running = (): DemoSuite => {
    if (!suite) throw new Error('the demo suite is not running (use it inside tests)');
    return suite;
  };
  return {
    get suite() {
      return running();
    },
    /**
     * A new context on the demo page, rendered by `renderDemoPage` with these options over the
     * suite's defaults (collector URL, its publishable key), and loaded: `window.vantageDemo` set.
     * The page server answers it at `/demo` (same origin as the assets). Tests of a file run one
     * after another, so one HTML file serves them all.
     */
    async open(options = {}, initScript) {
      const { pages, collector, browser } = running();
      const html = renderDemoPage({
        endpoint: collector.url,
        publishableKey: collector.pk,
        sceneId: 'demo-sofa',
        assetBase: ASSET_BASE,
        modelUrl: `${ASSET_BASE}/GlamVelvetSofa.glb`,
        ...options,
      });
      const tab: DemoTab = Object.assign(await openPage(browser), { requests: [] as string[] });
      opened.push(tab);
      tab.page.on('request', (request) => tab.requests.push(request.url()));
      if (initScript) await tab.page.addInitScript(initScript);
      await writeFile(join(htmlDir as string, 'demo.html'), html);
      // SwiftShader on a busy machine can take a while to draw the first frames: wait for the
      // page's own signal, not for the load event.
      await tab.page.goto(pages.url(DEMO_PATH), { waitUntil: 'domcontentloaded', timeout: 60_000 });
      await tab.page.waitForFunction(() => window.vantageDemo !== undefined, undefined, { timeout: 60_000 });
      await nextFrames(tab, 3);
      return tab;
    },
  };
}

/** A PNG screenshot of the 3D view alone (the canvas), for {@link centreStats}. */
export function viewShot(tab: TestPage): Promise<Buffer> {
  return tab.page.locator('#stage canvas').screenshot();
}

/** Wait until the page drew `n` more frames. */
export function nextFrames(tab: TestPage, n: number): Promise<void> {
  return tab.page.evaluate(
    (count) =>
      new Promise<void>((resolve) => {
        const step = (left: number): void => {
          if (left === 0) resolve();
          else requestAnimationFrame(() => step(left - 1));
        };
        step(count);
      }),
    n,
  );
}

/** What the centre of a screenshot shows. */
export interface CentreStats {
  /** Share of the centre ninth's pixels that differ clearly from the page background. */
  covered: number;
  /** Mean colour of the centre ninth, 0–255 per channel. */
  mean: [number, number, number];
}

/**
 * Measure the centre ninth of a PNG screenshot of the 3D view (decoded by the browser: no image
 * library here). The background colour is read from the top centre, above the sofa.
 */
export function centreStats(tab: TestPage, png: Buffer): Promise<CentreStats> {
  return tab.page.evaluate(async (base64) => {
    const blob = await (await fetch(`data:image/png;base64,${base64}`)).blob();
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2d context');
    ctx.drawImage(bitmap, 0, 0);
    const bg = ctx.getImageData(Math.floor(bitmap.width / 2), 3, 1, 1).data;
    const w = Math.floor(bitmap.width / 3);
    const h = Math.floor(bitmap.height / 3);
    const { data } = ctx.getImageData(w, h, w, h);
    let covered = 0;
    let [sumR, sumG, sumB] = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] as number, data[i + 1] as number, data[i + 2] as number];
      sumR += r;
      sumG += g;
      sumB += b;
      if (Math.abs(r - (bg[0] as number)) + Math.abs(g - (bg[1] as number)) + Math.abs(b - (bg[2] as number)) > 30) covered++;
    }
    const pixels = data.length / 4;
    return { covered: covered / pixels, mean: [sumR / pixels, sumG / pixels, sumB / pixels] as [number, number, number] };
  }, png.toString('base64'));
}

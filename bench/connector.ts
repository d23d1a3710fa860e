/**
 * The connector's side of `npm run bench`, in real headless Chromium (SwiftShader WebGL):
 *
 * - **per-frame cost**: the connector test page with 1,000 meshes and every channel on (the
 *   scene's opt-in flags switched on at the collector), the pointer moving and the camera
 *   orbiting, measured with and without the connector in the same run, alternating; the time
 *   inside the connector's frame hook is also measured directly, because with WebGL on the CPU a
 *   frame takes tens of milliseconds and the difference of two frame times is mostly noise;
 * - **wire bytes per event** of a recorded demo session: the demo page served by the collector,
 *   driven by real input (orbit drags, hovers, clicks on the sofa, variant buttons), every collect
 *   request's body counted;
 * - **bundle size**: `@vantage/three`'s single-file build (sdk-core + the connector, three.js
 *   left out), minified and gzipped.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../collector/src/config.js';
import { createLogger } from '../collector/src/log.js';
import { startCollector, type RunningCollector } from '../collector/src/server.js';
import { launchChromium, openPage } from '../test/browser/harness/chromium.js';
import { servePages } from '../test/browser/harness/page-server.js';
import '../test/browser/three-connector/page-api.js';
import type { Cleanup } from './cleanup.js';
import { measureFrameRounds, type FrameBenchResult } from './frame-rounds.js';

/** Goal: the connector adds under this many milliseconds per frame. */
export const FRAME_COST_GOAL_MS = 0.2;
/** Goal: bytes per event of a recorded demo session, at most. */
export const DEMO_WIRE_GOAL_BYTES = 40;
/** Goal: sdk-core + the connector, gzipped, under this many bytes. */
export const BUNDLE_GOAL_BYTES = 15_000;

/** What the connector bench measured. */
export interface ConnectorBenchResult {
  frames: FrameBenchResult;
  demo: { events: number; bytes: number; bytesPerEvent: number; requests: number; byType: Record<string, number> } | null;
  bundle: { file: string; minifiedBytes: number; gzippedBytes: number };
}

/** The opt-in channels, all switched on for the benches' scenes. */
export const OPT_IN = ['mesh_visibility', 'hover_dwell', 'gaze', 'resource_sample', 'runtime_error'];

async function api(collector: RunningCollector, sk: string, method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${collector.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${sk}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

/** Measure the connector. */
export async function measureConnector(options: { framesPerRun: number; rounds: number; cleanup: Cleanup; progress: (line: string) => void }): Promise<ConnectorBenchResult> {
  // Each step undoes one thing; run newest first when done (and by the bench's cleanup on a failure).
  const undo: Array<() => Promise<void>> = [];
  try {
    return await measureWith(options, undo);
  } finally {
    for (const step of undo.reverse()) await step();
  }
}

async function measureWith(options: { framesPerRun: number; rounds: number; cleanup: Cleanup; progress: (line: string) => void }, undo: Array<() => Promise<void>>): Promise<ConnectorBenchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vantage-bench-connector-'));
  undo.push(options.cleanup.defer('connector bench data', () => rm(dataDir, { recursive: true, force: true })));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', VANTAGE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_COLLECT_PER_SECOND: '1000000', RATE_LIMIT_COLLECT_BURST: '1000000', RATE_LIMIT_API_PER_SECOND: '1000000', RATE_LIMIT_API_BURST: '1000000' });
  const collector = await startCollector(config, { log: createLogger('warn') });
  undo.push(options.cleanup.defer('connector bench collector', () => collector.stop()));
  const pk = collector.demo?.keys.find((k) => k.kind === 'pk')?.token;
  const sk = collector.demo?.keys.find((k) => k.kind === 'sk')?.token;
  if (!pk || !sk) throw new Error('the bench collector created no demo project');

  // Cross-origin isolated, so that performance.now() in the page is precise to microseconds.
  const pages = await servePages({
    scripts: { '/scene-page.js': fileURLToPath(new URL('../test/browser/three-connector/scene-page.ts', import.meta.url)) },
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  });
  undo.push(options.cleanup.defer('connector bench pages', () => pages.close()));
  await api(collector, sk, 'PATCH', '/api/v1/project', { allowed_origins: [pages.origin, collector.url] });
  const scene = 'bench-1000-meshes';
  await api(collector, sk, 'PUT', `/api/v1/scenes/${scene}`, { capture: Object.fromEntries(OPT_IN.map((c) => [c, true])) });

  const browser = await launchChromium();
  undo.push(options.cleanup.defer('connector bench browser', () => browser.close()));

  // ---- per-frame cost ------------------------------------------------------------------------
  const frames = await measureFrameRounds({
    browser,
    url: pages.url('/'),
    global: 'vantageThree',
    setup: (track) => ({ grid: 10, unlit: true, size: [320, 240], track, client: { endpoint: collector.url, key: pk, sceneId: scene, flushIntervalMs: 1000 }, tuning: { visibilityWindowMs: 2000, resourceIntervalMs: 2000 } }),
    framesPerRun: options.framesPerRun,
    rounds: options.rounds,
    label: (track) => `${track ? 'with' : 'without'} the connector`,
    progress: options.progress,
  });

  // ---- wire bytes of a demo session ----------------------------------------------------------
  let demo: ConnectorBenchResult['demo'] = null;
  const probe = await fetch(`${collector.url}/demo`);
  if (probe.ok) demo = await recordDemoSession(browser, collector.url, options.progress);
  else options.progress(`no demo page at ${collector.url}/demo (${probe.status}); demo wire bytes not measured`);

  // ---- bundle size ---------------------------------------------------------------------------
  const file = fileURLToPath(new URL('../connectors/three/dist/vantage.js', import.meta.url));
  const code = await readFile(file);
  const bundle = { file: 'connectors/three/dist/vantage.js', minifiedBytes: code.byteLength, gzippedBytes: gzipSync(code, { level: 9 }).byteLength };

  return {
    frames: { meshes: 1000, framesPerRun: options.framesPerRun, rounds: options.rounds, ...frames },
    demo,
    bundle,
  };
}

/** A scripted visit of the demo page; every collect body is counted. */
async function recordDemoSession(browser: Awaited<ReturnType<typeof launchChromium>>, base: string, progress: (line: string) => void): Promise<NonNullable<ConnectorBenchResult['demo']>> {
  const tab = await openPage(browser, { viewport: { width: 1000, height: 700 } });
  const bodies: Buffer[] = [];
  tab.page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/collect') {
      const body = request.postDataBuffer();
      if (body) bodies.push(body);
    }
  });
  try {
    await tab.page.goto(`${base}/demo`);
    await tab.page.waitForFunction(() => (window as { vantageDemo?: { variants?: unknown[] } }).vantageDemo?.variants !== undefined, undefined, { timeout: 60_000 });
    const box = await tab.page.locator('canvas').first().boundingBox();
    if (!box) throw new Error('the demo has no canvas');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    for (let visit = 0; visit < 4; visit++) {
      // Orbit: a drag across the canvas.
      await tab.page.mouse.move(cx - 150, cy);
      await tab.page.mouse.down();
      await tab.page.mouse.move(cx + 150, cy + 30, { steps: 25 });
      await tab.page.mouse.up();
      // Hover over the sofa, rest, click it.
      await tab.page.mouse.move(cx, cy + 20, { steps: 10 });
      await new Promise((resolve) => setTimeout(resolve, 800));
      await tab.page.mouse.click(cx + 30, cy + 10);
      // Change the fabric.
      const buttons = tab.page.locator('button[data-variant]');
      const n = await buttons.count();
      if (n > 0) await buttons.nth(visit % n).click();
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    await tab.page.evaluate(() => (window as unknown as { vantageDemo: { client: { flush(): Promise<boolean> } } }).vantageDemo.client.flush());
  } finally {
    await tab.close();
  }
  const { Unpackr } = await import('msgpackr');
  const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
  let events = 0;
  let bytes = 0;
  const byType: Record<string, number> = {};
  for (const body of bodies) {
    let batch: { events?: unknown[][] };
    try {
      batch = unpackr.unpack(body) as { events?: unknown[][] };
    } catch {
      batch = JSON.parse(body.toString('utf8')) as { events?: unknown[][] };
    }
    events += batch.events?.length ?? 0;
    bytes += body.byteLength;
    for (const e of batch.events ?? []) byType[String(e[0])] = (byType[String(e[0])] ?? 0) + 1;
  }
  progress(`demo session: ${events} events in ${bodies.length} requests, ${bytes} bytes`);
  return { events, bytes, bytesPerEvent: events > 0 ? bytes / events : Number.NaN, requests: bodies.length, byType };
}

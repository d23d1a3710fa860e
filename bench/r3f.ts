/**
 * The R3F connector's side of `npm run bench`, in real headless Chromium (SwiftShader WebGL): the
 * per-frame cost of `<VantageAnalytics>` on an R3F `<Canvas>` of 1,000 meshes with every channel
 * on (the scene's opt-in flags switched on at the collector), the pointer moving and the camera
 * orbiting, next to the same R3F page without it, alternating, in the same run. As in
 * `connector.ts`, each page warms up under the same input and orbit as its measured frames, and
 * the time inside the connector's frame work (its `useFrame` call of `tracker.frame`) is measured
 * directly, because whole frames on a CPU rasteriser are tens of milliseconds of noise.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../collector/src/config.js';
import { createLogger } from '../collector/src/log.js';
import { startCollector } from '../collector/src/server.js';
import { launchChromium } from '../test/browser/harness/chromium.js';
import { servePages } from '../test/browser/harness/page-server.js';
import type {} from '../test/browser/r3f/bench-page-api.js';
import type { Cleanup } from './cleanup.js';
import { OPT_IN } from './connector.js';
import { measureFrameRounds, type FrameBenchResult } from './frame-rounds.js';

/** What the R3F bench measured. */
export type R3fBenchResult = FrameBenchResult;

/** Measure the R3F connector against the plain R3F page. */
export async function measureR3f(options: { framesPerRun: number; rounds: number; cleanup: Cleanup; progress: (line: string) => void }): Promise<R3fBenchResult> {
  const undo: Array<() => Promise<void>> = [];
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'vantage-bench-r3f-'));
    undo.push(options.cleanup.defer('r3f bench data', () => rm(dataDir, { recursive: true, force: true })));
    const limits = { RATE_LIMIT_COLLECT_PER_SECOND: '1000000', RATE_LIMIT_COLLECT_BURST: '1000000', RATE_LIMIT_API_PER_SECOND: '1000000', RATE_LIMIT_API_BURST: '1000000' };
    const collector = await startCollector(loadConfig({ PORT: '0', HOST: '127.0.0.1', VANTAGE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...limits }), { log: createLogger('warn') });
    undo.push(options.cleanup.defer('r3f bench collector', () => collector.stop()));
    const pk = collector.demo?.keys.find((k) => k.kind === 'pk')?.token;
    const sk = collector.demo?.keys.find((k) => k.kind === 'sk')?.token;
    if (!pk || !sk) throw new Error('the bench collector created no demo project');
    const pages = await servePages({
      scripts: { '/r3f-bench.js': fileURLToPath(new URL('../test/browser/r3f/bench-page.tsx', import.meta.url)) },
      define: { 'process.env.NODE_ENV': '"production"' },
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    });
    undo.push(options.cleanup.defer('r3f bench pages', () => pages.close()));
    const api = async (method: string, path: string, body: unknown): Promise<void> => {
      const response = await fetch(`${collector.url}${path}`, { method, headers: { Authorization: `Bearer ${sk}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    };
    await api('PATCH', '/api/v1/project', { allowed_origins: [pages.origin, collector.url] });
    const scene = 'bench-r3f-1000-meshes';
    await api('PUT', `/api/v1/scenes/${scene}`, { capture: Object.fromEntries(OPT_IN.map((c) => [c, true])) });
    const browser = await launchChromium();
    undo.push(options.cleanup.defer('r3f bench browser', () => browser.close()));

    const frames = await measureFrameRounds({
      browser,
      url: pages.url('/'),
      global: 'vantageR3fBench',
      setup: (track) => ({ grid: 10, size: [320, 240], track, client: { endpoint: collector.url, key: pk, sceneId: scene, flushIntervalMs: 1000 }, tuning: { visibilityWindowMs: 2000, resourceIntervalMs: 2000 } }),
      framesPerRun: options.framesPerRun,
      rounds: options.rounds,
      label: (track) => `R3F page ${track ? 'with' : 'without'} <VantageAnalytics>`,
      progress: options.progress,
    });
    return { meshes: 1000, framesPerRun: options.framesPerRun, rounds: options.rounds, ...frames };
  } finally {
    for (const step of undo.reverse()) await step();
  }
}

/**
 * Shared setup of the dashboard's browser tests: a collector started as `npm start` starts it
 * (embedded store, first start creating the demo project and its operator), loaded with a few
 * hundred simulated sessions through `POST /api/v1/collect` (every opt-in channel on, the sofa's
 * proxy registered, so every page has real numbers), and screenshot checks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';
import type { Page } from 'playwright-core';
import { SOFA_PARTS, simulateVisitors } from '@vantage/fixtures';
import { OPT_IN_CHANNELS } from '@vantage/sdk-core/schema';
import { loadConfig } from '../../../collector/src/config.js';
import { createLogger } from '../../../collector/src/log.js';
import { startCollector, type RunningCollector } from '../../../collector/src/server.js';
import { BROWSER_USER_AGENT } from '../../../collector/src/testing/harness.js';
import { freePort } from '../../postgres-server.js';

/** Folder for the screenshots a person should look at: `VANTAGE_SCREENSHOT_DIR`, else `artifacts/screens`. */
export const SCREENSHOT_DIR = process.env.VANTAGE_SCREENSHOT_DIR ?? fileURLToPath(new URL('../../../artifacts/screens/', import.meta.url));

/** Scenes the simulated sessions run in (all show the sofa). */
export const SCENES = ['glam-velvet-sofa', 'living-room-showcase'] as const;

/** A loaded collector and what signs in to it. */
export interface LoadedCollector {
  collector: RunningCollector;
  url: string;
  pk: string;
  sk: string;
  operator: { email: string; password: string };
  /** Sessions posted. */
  sessions: number;
  close(): Promise<void>;
}

const packr = new Packr({ useRecords: false });

/** Senders' user agents, one per session in turn: the collector derives device and browser from them. */
const USER_AGENTS = [
  BROWSER_USER_AGENT,
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
];

/**
 * The batch as if sent now by a device whose clock is right: the collector moves event times by
 * `receivedAt − sentAt` (clock skew), so a simulated batch sent with its old `sentAt` would land
 * at the moment it is posted; with `sentAt` = now its events keep their simulated times, spread
 * over the last day as a real day's traffic.
 */
function sentNow<T extends { sentAt: number }>(batch: T): T {
  return { ...batch, sentAt: Date.now() };
}

/** `fetch` the collector with the secret key; throws on a non-2xx answer. */
export async function api(c: { url: string; sk: string }, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${c.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${c.sk}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/** The sofa's proxy: one box per mesh (the union of its hit boxes), in mm. */
function sofaProxy(): { hash: string; meshes: Array<{ id: string; box: number[] }> } {
  const boxes = new Map<string, number[]>();
  for (const part of SOFA_PARTS) {
    const box = [...part.min, ...part.max].map((v) => Math.round(v * 1000));
    const seen = boxes.get(part.mesh);
    boxes.set(part.mesh, seen ? seen.map((v, i) => (i < 3 ? Math.min(v, box[i]!) : Math.max(v, box[i]!))) : box);
  }
  return { hash: 'sofa1', meshes: [...boxes].map(([id, box]) => ({ id, box })) };
}

/**
 * Start a collector on a fresh embedded store and post `sessions` simulated sessions over the
 * last day into {@link SCENES}.
 */
export async function startLoadedCollector(options: { sessions: number; env?: Record<string, string> }): Promise<LoadedCollector> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vantage-dashboard-'));
  const port = await freePort();
  const collector = await startCollector(
    loadConfig({ PORT: String(port), HOST: '127.0.0.1', VANTAGE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...options.env }),
    { log: createLogger('warn') },
  );
  const demo = collector.demo;
  const pk = demo?.keys.find((k) => k.kind === 'pk')?.token;
  const sk = demo?.keys.find((k) => k.kind === 'sk')?.token;
  if (!demo || !pk || !sk) throw new Error('the first start created no demo project');
  const c = { url: collector.url, sk };
  for (const scene of SCENES) {
    await api(c, 'PUT', `/api/v1/scenes/${scene}`, { capture: Object.fromEntries(OPT_IN_CHANNELS.map((ch) => [ch, true])) });
    await api(c, 'PUT', `/api/v1/scenes/${scene}/proxy`, sofaProxy());
  }
  const now = Date.now();
  const sessions = simulateVisitors({
    sessions: options.sessions,
    seed: 8,
    scenes: SCENES,
    startMs: now - 22 * 3_600_000,
    spreadMs: 20 * 3_600_000,
    durationMs: { medianMs: 30_000, minMs: 8_000, maxMs: 120_000 },
    optIn: true,
  });
  let posted = 0;
  const queue: Promise<void>[] = [];
  for (const session of sessions) {
    const userAgent = USER_AGENTS[posted % USER_AGENTS.length]!;
    posted++;
    queue.push(
      (async () => {
        for (const batch of session.batches) {
          const response = await fetch(`${collector.url}/api/v1/collect`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/msgpack', Authorization: `Bearer ${pk}`, 'User-Agent': userAgent },
            body: new Uint8Array(packr.pack(sentNow(batch))),
          });
          if (response.status !== 202) throw new Error(`collect: ${response.status} ${await response.text()}`);
        }
      })(),
    );
    if (queue.length >= 16) await Promise.all(queue.splice(0));
  }
  await Promise.all(queue);
  return {
    collector,
    url: collector.url,
    pk,
    sk,
    operator: demo.operator,
    sessions: posted,
    async close() {
      await collector.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Pixel statistics of a PNG, decoded by the browser. */
export interface Pixels {
  /** Share of pixels clearly unlike the top-left corner's colour. */
  covered: number;
  /** Share of pixels of the heatmap ramp's violet to pink middle (no UI colour is like them). */
  ramp: number;
}

/** Decode `png` in `page` and count its pixels. */
export function pixels(page: Page, png: Buffer): Promise<Pixels> {
  return page.evaluate(async (base64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    const bg = [data[0]!, data[1]!, data[2]!];
    let covered = 0;
    let ramp = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (Math.abs(r - bg[0]!) + Math.abs(g - bg[1]!) + Math.abs(b - bg[2]!) > 30) covered++;
      if (r > 90 && b > 60 && g < r - 50 && g < b - 10) ramp++;
    }
    const n = data.length / 4;
    return { covered: covered / n, ramp: ramp / n };
  }, png.toString('base64'));
}

/**
 * Post `sessions` simulated sessions (seed `seed`, over the last day, into `scenes`) with the
 * publishable key `pk`: how a second project gets numbers of its own. Answers the sessions posted.
 */
export async function postSimulatedSessions(url: string, pk: string, options: { sessions: number; seed: number; scenes: readonly string[] }): Promise<number> {
  const now = Date.now();
  const sessions = simulateVisitors({
    sessions: options.sessions,
    seed: options.seed,
    scenes: options.scenes,
    startMs: now - 22 * 3_600_000,
    spreadMs: 20 * 3_600_000,
    durationMs: { medianMs: 20_000, minMs: 8_000, maxMs: 60_000 },
    optIn: true,
  });
  let posted = 0;
  for (const session of sessions) {
    posted++;
    for (const batch of session.batches) {
      const response = await fetch(`${url}/api/v1/collect`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/msgpack', Authorization: `Bearer ${pk}`, 'User-Agent': BROWSER_USER_AGENT },
        body: new Uint8Array(packr.pack(sentNow(batch))),
      });
      if (response.status !== 202) throw new Error(`collect: ${response.status} ${await response.text()}`);
    }
  }
  return posted;
}

/** Sign `operator` in on a fresh page and wait for the overview. */
export async function signIn(page: Page, url: string, operator: { email: string; password: string }): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(operator.email);
  await page.getByLabel('Password').fill(operator.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Overview/ }).waitFor({ timeout: 30_000 });
}

/**
 * A request from inside `page` with its dashboard session: the cookie, the session's CSRF token
 * (from `GET /api/v1/auth/me`) and `X-Vantage-Project: project` — what the dashboard sends,
 * or a forged variant of it. Answers the status and the error code, if any.
 */
export function fetchAsSession(page: Page, request: { method: string; path: string; project: string; body?: unknown }): Promise<{ status: number; error: string | null }> {
  return page.evaluate(async ({ method, path, project, body }) => {
    const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
    const response = await fetch(path, {
      method,
      headers: { 'X-Vantage-Project': project, 'X-CSRF-Token': me.csrfToken, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let error: string | null = null;
    try {
      error = ((await response.json()) as { error?: string }).error ?? null;
    } catch {
      // no JSON body
    }
    return { status: response.status, error };
  }, request);
}

/**
 * Controls of the page without an accessible name (none is the goal): form fields without a
 * label, `aria-label` or `aria-labelledby`, and buttons and links without any of those or text.
 */
export function unlabelled(page: Page): Promise<string[]> {
  return page.locator('input:not([type=hidden]), select, textarea, button, a[href]').evaluateAll((controls) =>
    controls
      .filter((el) => {
        if (el.getAttribute('aria-label')?.trim() || el.getAttribute('aria-labelledby') || el.getAttribute('title')?.trim()) return false;
        if (el instanceof HTMLButtonElement || el instanceof HTMLAnchorElement) return !el.textContent?.trim();
        return (el as HTMLInputElement).labels?.length === 0;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

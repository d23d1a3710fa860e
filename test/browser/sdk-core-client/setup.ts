/**
 * Shared setup of the client's browser tests: Chromium, the client test page, the real collector
 * (PostgreSQL store) allowing the page's origin, and helpers to read what went over the wire.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, inject } from 'vitest';
import { Unpackr } from 'msgpackr';
import type { Browser } from 'playwright-core';
import type { ClientOptions } from '@vantage/sdk-core';
import type { WireBatch } from '@vantage/sdk-core/schema';
import { launchChromium, openPage, servePages, startBrowserCollector, startFaultProxy, type BrowserCollector, type FaultProxy, type LaunchOptions, type PageServer, type ProxiedRequest, type TestPage } from '../harness/index.js';
import type { RecordedError } from './page-api.js';

/** Everything a test file needs. */
export interface ClientSuite {
  browser: Browser;
  pages: PageServer;
  collector: BrowserCollector;
  close(): Promise<void>;
}

/** Start Chromium, the page server and a collector that allows the page origin. */
export async function startClientSuite(postgresUrl: string | undefined, launch: LaunchOptions = {}): Promise<ClientSuite> {
  const pages = await servePages({ scripts: { '/client-page.js': fileURLToPath(new URL('./client-page.ts', import.meta.url)) } });
  const collector = await startBrowserCollector({ driver: 'postgres', postgresUrl, origins: [pages.origin] });
  const browser = await launchChromium(launch);
  return {
    browser,
    pages,
    collector,
    async close() {
      await browser.close();
      await pages.close();
      await collector.close();
    },
  };
}

/** A test file's suite, started before its tests and closed after them with all it opened. */
export interface ClientSuiteFixture {
  /** The running suite (available inside tests and hooks). */
  readonly suite: ClientSuite;
  /** A new client test page (see {@link openClientPage}), closed after the file. */
  page(initScript?: string): Promise<TestPage>;
  /** A fault proxy (see `startFaultProxy`), closed after the file. */
  proxy(...args: Parameters<typeof startFaultProxy>): Promise<FaultProxy>;
}

/** Register the file's suite with vitest: started in `beforeAll`, closed in `afterAll`. */
export function useClientSuite(): ClientSuiteFixture {
  let suite: ClientSuite | undefined;
  const opened: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    suite = await startClientSuite(inject('postgresUrl'));
  });
  afterAll(async () => {
    for (const thing of opened) await thing.close();
    await suite?.close();
  });
  const running = (): ClientSuite => {
    if (!suite) throw new Error('the client suite is not running (use it inside tests)');
    return suite;
  };
  return {
    get suite() {
      return running();
    },
    async page(initScript) {
      const tab = await openClientPage(running(), initScript);
      opened.push(tab);
      return tab;
    },
    async proxy(...args) {
      const proxy = await startFaultProxy(...args);
      opened.push(proxy);
      return proxy;
    },
  };
}

/** A new context on the client test page, ready (`window.vantageTest` defined). */
export async function openClientPage(suite: ClientSuite, initScript?: string): Promise<TestPage> {
  const tab = await openPage(suite.browser);
  if (initScript) await tab.page.addInitScript(initScript);
  await tab.page.goto(suite.pages.url('/'));
  await tab.page.waitForFunction(() => window.vantageTest !== undefined);
  return tab;
}

/** Client options for `endpoint` with the suite's key and a scene; functions cannot cross into the page, so hooks are set in `page.evaluate`. */
export function clientOptions(suite: ClientSuite, sceneId: string, extra: Partial<ClientOptions> = {}, endpoint = suite.collector.url): ClientOptions {
  return { endpoint, key: suite.collector.pk, sceneId, ...extra };
}

/** The errors the page's client reported. */
export function errorsOf(tab: TestPage): Promise<RecordedError[]> {
  return tab.page.evaluate(() => window.vantageTest.errors);
}

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/** The batch a proxied `POST /api/v1/collect` carried (msgpack, or JSON from a beacon). */
export function batchOf(request: ProxiedRequest): WireBatch {
  const type = String(request.headers['content-type'] ?? '');
  return (type.startsWith('application/msgpack') ? unpackr.unpack(request.body) : JSON.parse(request.body.toString('utf8'))) as WireBatch;
}

/** The collect POSTs a proxy saw (preflights left out). */
export function collectPosts(requests: readonly ProxiedRequest[]): ProxiedRequest[] {
  return requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/collect');
}

/** A scene id unique to one test. */
export function sceneFor(name: string): string {
  return `${name}-${Math.random().toString(36).slice(2, 8)}`;
}

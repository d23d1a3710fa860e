/**
 * Shared setup of the connector's browser tests: Chromium, the scene page with the real models,
 * the real collector behind a recording proxy, and decoding of what went over the wire.
 */
import { fileURLToPath } from 'node:url';
import { Unpackr } from 'msgpackr';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { createWireValidators, type VantageEvent, type WireBatch } from '@vantage/sdk-core/schema';
import { launchChromium, openPage, servePages, startBrowserCollector, startFaultProxy, type BrowserCollector, type FaultProxy, type PageServer, type ProxiedRequest, type TestPage } from '../harness/index.js';
import type { SceneSetup } from './page-api.js';

const models = fileURLToPath(new URL('../../../fixtures/models/', import.meta.url));

/** The models the page can load, by URL path. */
export const MODELS = {
  sofa: '/models/GlamVelvetSofa.glb',
  fox: '/models/Fox.glb',
  figure: '/models/RiggedFigure.glb',
} as const;

export interface ConnectorSuite {
  browser: Browser;
  pages: PageServer;
  collector: BrowserCollector;
  /** Forwards to the collector and records every request. */
  wire: FaultProxy;
}

/** Start everything in `beforeAll`, close it in `afterAll`. */
export function useConnectorSuite(env: Record<string, string> = {}): { readonly suite: ConnectorSuite; open(setup: Omit<SceneSetup, 'client'> & { scene: string; initScript?: string }): Promise<TestPage> } {
  let suite: ConnectorSuite | undefined;
  const tabs: TestPage[] = [];
  beforeAll(async () => {
    const pages = await servePages({
      scripts: { '/scene-page.js': fileURLToPath(new URL('./scene-page.ts', import.meta.url)) },
      files: {
        [MODELS.sofa]: `${models}GlamVelvetSofa.glb`,
        [MODELS.fox]: `${models}Fox.glb`,
        [MODELS.figure]: `${models}RiggedFigure.glb`,
      },
    });
    const collector = await startBrowserCollector({ driver: 'postgres', postgresUrl: inject('postgresUrl'), origins: [pages.origin], env });
    const wire = await startFaultProxy(collector.url);
    suite = { browser: await launchChromium(), pages, collector, wire };
  });
  afterAll(async () => {
    for (const tab of tabs) await tab.close();
    await suite?.browser.close();
    await suite?.wire.close();
    await suite?.pages.close();
    await suite?.collector.close();
  });
  const running = () => {
    if (!suite) throw new Error('the connector suite is not running');
    return suite;
  };
  return {
    get suite() {
      return running();
    },
    async open(setup) {
      const s = running();
      const tab = await openPage(s.browser, { viewport: { width: 800, height: 600 } });
      tabs.push(tab);
      if (setup.initScript) await tab.page.addInitScript(setup.initScript);
      await tab.page.goto(s.pages.url('/'));
      await tab.page.waitForFunction(() => window.vantageThree !== undefined);
      const { scene, initScript: _ignored, ...rest } = setup;
      await tab.page.evaluate(
        (o) => window.vantageThree.open(o),
        { ...rest, model: rest.model ? s.pages.url(rest.model) : undefined, client: { endpoint: s.wire.url, key: s.collector.pk, sceneId: scene, flushIntervalMs: 500 } },
      );
      return tab;
    },
  };
}

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
const validators = createWireValidators();

/** Every event of `scene` the recorded collect requests carried, decoded as the collector decodes them (mesh ids resolved). */
export function wireEvents(requests: readonly ProxiedRequest[], scene: string): VantageEvent[] {
  const events: VantageEvent[] = [];
  for (const request of requests) {
    if (request.method !== 'POST' || request.path !== '/api/v1/collect' || request.status !== 202) continue;
    const type = String(request.headers['content-type'] ?? '');
    const batch = (type.startsWith('application/msgpack') ? unpackr.unpack(request.body) : JSON.parse(request.body.toString('utf8'))) as WireBatch;
    if (batch.scene !== scene) continue;
    for (const raw of batch.events) {
      const decoded = validators.decodeEvent(raw, batch);
      if (!decoded.ok) throw new Error(`an event the collector would drop went over the wire: ${decoded.reason} ${decoded.detail}`);
      events.push(decoded.event);
    }
  }
  return events;
}

/** Events of one type. */
export function ofType<T extends VantageEvent['type']>(events: readonly VantageEvent[], type: T): Array<Extract<VantageEvent, { type: T }>> {
  return events.filter((e): e is Extract<VantageEvent, { type: T }> => e.type === type);
}

/** A scene id unique to one test. */
export function sceneFor(name: string): string {
  return `${name}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Wait until `check` holds (polling), or fail with `what`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Consent and remote capture flags of `@vantage/sdk-core`'s client in real headless Chromium,
 * against the real collector: with Global Privacy Control or Do Not Track the page makes no
 * request at all; opt-in channels stay off until the scene's config says otherwise.
 */
import type { Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestPage } from '../harness/index.js';
import { clientOptions, collectPosts, errorsOf, sceneFor, useClientSuite } from './setup.js';

const fixture = useClientSuite();

const GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });";
const DNT = "Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1', configurable: true });";

/** A page with `initScript`, and every request it makes outside the page's own origin. */
async function watchedPage(initScript?: string): Promise<{ tab: TestPage; outside: string[] }> {
  const tab = await fixture.page(initScript);
  const outside: string[] = [];
  tab.page.on('request', (request: Request) => {
    if (!request.url().startsWith(fixture.suite.pages.origin)) outside.push(`${request.method()} ${request.url()}`);
  });
  return { tab, outside };
}

/** Track a bit of everything, flush, stop, and leave the page (pagehide). */
async function trackFlushStopLeave(tab: TestPage, options: ReturnType<typeof clientOptions>) {
  const state = await tab.page.evaluate(async (o) => {
    const client = window.vantageTest.start(o);
    for (let i = 0; i < 20; i++) client.track('camera', { px: i, py: 1500, pz: -3000, qx: 0, qy: 3000, qz: 0, qw: 32630 });
    client.custom('opted_out_probe', { a: 1 });
    const flushed = await client.flush();
    const before = { active: client.active, optedOut: client.optedOut, sessionId: client.sessionId, stats: { ...client.stats } };
    const stopped = await client.stop();
    return { ...before, flushed, stopped, cookie: document.cookie, storage: localStorage.length + sessionStorage.length };
  }, options);
  await tab.page.goto(fixture.suite.pages.url('/blank'));
  return state;
}

describe('sdk-core client consent (Chromium → real collector)', () => {
  for (const [signal, script] of [
    ['Global Privacy Control', GPC],
    ['Do Not Track', DNT],
  ] as const) {
    it(`with ${signal} set, makes no request at all and nothing is stored`, async () => {
      const scene = sceneFor('opted-out');
      const wire = await fixture.proxy(fixture.suite.collector.url);
      const { tab, outside } = await watchedPage(script);
      const state = await trackFlushStopLeave(tab, clientOptions(fixture.suite, scene, { flushAt: 1 }, wire.url));
      await new Promise((resolve) => setTimeout(resolve, 1000));

      expect(state).toMatchObject({ active: false, optedOut: true, sessionId: undefined, flushed: true, stopped: true, cookie: '', storage: 0 });
      expect(state.stats).toMatchObject({ queuedTotal: 0, queued: 0, sentEvents: 0, beaconEvents: 0 });
      expect(outside).toEqual([]);
      expect(wire.requests).toEqual([]);
      expect(await fixture.suite.collector.storedEvents(scene)).toBe(0);
    });
  }

  it('captures despite Global Privacy Control when the app passes ignoreOptOut: true', async () => {
    const scene = sceneFor('ignore-opt-out');
    const { tab, outside } = await watchedPage(GPC);
    expect(await tab.page.evaluate(() => (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl)).toBe(true);
    const state = await trackFlushStopLeave(tab, clientOptions(fixture.suite, scene, { ignoreOptOut: true }));
    expect(state).toMatchObject({ active: true, optedOut: false, flushed: true, stopped: true });
    expect(outside.length).toBeGreaterThan(0);
    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 1, camera: 20, custom: 1, session_end: 1 });
  });
});

describe('sdk-core client remote capture flags (Chromium → real collector)', () => {
  it('drops opt-in events until the config answers with the channel on', async () => {
    const scene = sceneFor('opt-in');
    // The config answer is held back, so events tracked before it are tracked before it.
    const wire = await fixture.proxy(fixture.suite.collector.url, (request) =>
      request.method === 'GET' && request.path === '/api/v1/config' ? { kind: 'forward', delayMs: 1000 } : { kind: 'forward' },
    );
    const options = clientOptions(fixture.suite, scene, { flushAt: 1000, flushIntervalMs: 600_000 }, wire.url);
    const gaze = { hx: 0, hy: 400, hz: 0, mesh: 'sofa/cushion' };

    // The channel is off for the scene (the default).
    const { tab: first } = await watchedPage();
    const before = await first.page.evaluate(
      ({ o, g }) => {
        const client = window.vantageTest.start(o);
        for (let i = 0; i < 5; i++) client.track('gaze', g);
        client.track('camera', { px: 0, py: 1500, pz: -3000, qx: 0, qy: 3000, qz: 0, qw: 32630 });
        return { enabled: client.isEnabled('gaze'), configs: window.vantageTest.configs.length };
      },
      { o: options, g: gaze },
    );
    expect(before).toEqual({ enabled: false, configs: 0 });
    await first.page.waitForFunction(() => window.vantageTest.configs.length === 1);
    const afterOff = await first.page.evaluate(async (g) => {
      const client = window.vantageTest.client!;
      for (let i = 0; i < 3; i++) client.track('gaze', g);
      await client.flush();
      return { enabled: client.isEnabled('gaze'), flags: window.vantageTest.configs[0]?.capture, stats: { ...client.stats } };
    }, gaze);
    expect(afterOff.enabled).toBe(false);
    expect(afterOff.flags).toMatchObject({ gaze: false, hover_dwell: false, camera: true });
    expect(afterOff.stats.droppedDisabled).toBe(8);

    // An operator switches the channel on; a new page reads it once the config answers.
    await fixture.suite.collector.setCapture(scene, { gaze: true });
    const { tab: second } = await watchedPage();
    const early = await second.page.evaluate(
      ({ o, g }) => {
        const client = window.vantageTest.start(o);
        for (let i = 0; i < 4; i++) client.track('gaze', g);
        return client.isEnabled('gaze');
      },
      { o: options, g: gaze },
    );
    expect(early).toBe(false);
    await second.page.waitForFunction(() => window.vantageTest.configs.length === 1);
    const late = await second.page.evaluate(async (g) => {
      const client = window.vantageTest.client!;
      let heard: boolean | undefined;
      const unsubscribe = client.onConfig((config) => {
        heard = config.capture.gaze;
      });
      unsubscribe();
      for (let i = 0; i < 6; i++) client.track('gaze', g);
      const flushed = await client.flush();
      return { enabled: client.isEnabled('gaze'), heard, flushed, stats: { ...client.stats } };
    }, gaze);
    expect(late).toMatchObject({ enabled: true, heard: true, flushed: true });
    expect(late.stats.droppedDisabled).toBe(4);

    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 2, camera: 1, gaze: 6 });
    const configRequests = wire.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/config');
    expect(configRequests.map((r) => r.headers.authorization)).toEqual([`Bearer ${fixture.suite.collector.pk}`, `Bearer ${fixture.suite.collector.pk}`]);
    expect(collectPosts(wire.requests)).toHaveLength(2);
    expect(await errorsOf(first)).toEqual([]);
    expect(await errorsOf(second)).toEqual([]);
  });
});

/**
 * Sessions and error handling of `@vantage/sdk-core`'s client in real headless Chromium, against
 * the real collector: inactivity ends a session and the next activity starts a new one; a page
 * restored from the back/forward cache resumes its session; bad input and a broken `beforeSend`
 * reach `onError` and never throw into the page.
 */
import { describe, expect, it } from 'vitest';
import { launchChromium, openPage, type FaultProxy, type TestPage } from '../harness/index.js';
import { batchOf, clientOptions, collectPosts, errorsOf, sceneFor, useClientSuite } from './setup.js';

const fixture = useClientSuite();

const page = (): Promise<TestPage> => fixture.page();

const proxy = (): Promise<FaultProxy> => fixture.proxy(fixture.suite.collector.url);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CAMERA = { px: 0, py: 1500, pz: -3000, qx: 0, qy: 3000, qz: 0, qw: 32630 };
const CLICK = { x: 0, y: 0, button: 0, mesh: 'sofa/leg' };

describe('sdk-core client errors (Chromium → real collector)', () => {
  it('reports bad input and a throwing beforeSend through onError, never throws into the page, and sends only what is valid', async () => {
    const scene = sceneFor('errors');
    const wire = await proxy();
    const tab = await page();
    const result = await tab.page.evaluate(
      async ({ o, camera, click }) => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        const client = window.vantageTest.start({
          ...o,
          onError: () => {
            throw new Error('a broken host handler');
          },
          beforeSend: (event) => {
            if (event.type === 'custom' && event.name === 'explode') throw new Error('a broken hook');
            if (event.type === 'custom' && event.name === 'secret') return null;
            // A value JSON (and the wire) cannot carry: dropped here, not left to block the queue.
            if (event.type === 'custom' && event.name === 'bigint') return { ...event, props: { n: BigInt(10) } };
            if (event.type === 'session_start') return { ...event, url: 'https://redacted.example/' };
            return event;
          },
        });
        const thrown: string[] = [];
        const attempt = (fn: () => void) => {
          try {
            fn();
          } catch (error) {
            thrown.push(String(error));
          }
        };
        // Deliberately wrong input, as plain JavaScript could pass it.
        const loose = client as unknown as { track(type: unknown, fields: unknown): void; custom(name: unknown, props?: unknown): void };
        attempt(() => client.track('camera', { ...camera, px: 1.5 }));
        attempt(() => loose.track('nonsense', {}));
        attempt(() => loose.track('camera', null));
        attempt(() => loose.track('session_start', { url: 'x' }));
        attempt(() => loose.custom('bad name!'));
        attempt(() => client.custom('cyclic', cyclic));
        attempt(() => client.track('click', { ...click, mesh: 'x'.repeat(200) }));
        attempt(() => client.custom('explode'));
        attempt(() => client.custom('secret'));
        attempt(() => client.custom('bigint', { n: 1 }));
        attempt(() => client.identify({ userId: '' }));
        attempt(() => client.custom('fine', { ok: true }));
        attempt(() => client.track('click', click));
        const flushed = await client.flush();
        return { thrown, flushed, stats: { ...client.stats } };
      },
      { o: clientOptions(fixture.suite, scene, { flushAt: 1000, flushIntervalMs: 600_000 }, wire.url), camera: CAMERA, click: CLICK },
    );

    expect(result.thrown).toEqual([]);
    expect(tab.pageErrors).toEqual([]);
    expect(result.flushed).toBe(true);
    expect(result.stats).toMatchObject({ droppedInvalid: 9, droppedByHook: 1, queuedTotal: 3, sentEvents: 3 });
    const codes = (await errorsOf(tab)).map((e) => e.code);
    expect(codes).toEqual(['invalid_event', 'invalid_event', 'invalid_event', 'invalid_event', 'invalid_event', 'invalid_event', 'invalid_event', 'before_send', 'before_send', 'invalid_options']);
    expect(tab.console.filter((line) => line.startsWith('warning: [vantage] ')).length).toBe(codes.length);
    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 1, custom: 1, click: 1 });
    const events = collectPosts(wire.requests).flatMap((post) => batchOf(post).events as unknown[][]);
    // session_start went out as beforeSend rewrote it.
    expect(events[0]?.slice(0, 3)).toEqual([1, 0, 'https://redacted.example/']);
  });
});

describe('sdk-core client sessions (Chromium → real collector)', () => {
  it('sends the app-supplied ids with the following batches, and the connector\'s session info in session_start', async () => {
    const scene = sceneFor('identity');
    const wire = await proxy();
    const tab = await page();
    await tab.page.evaluate(async (o) => {
      const client = window.vantageTest.start(o);
      client.setSessionInfo({ sdk: 'three/0.1.0', gpu: 'software' });
      client.custom('anonymous');
      await client.flush();
      client.identify({ userId: 'user-42' });
      client.custom('signed_in');
      await client.flush();
      client.identify({ userId: null });
      client.custom('signed_out');
      await client.flush();
    }, clientOptions(fixture.suite, scene, { flushAt: 1000, flushIntervalMs: 600_000, anonymousId: 'anon-7' }, wire.url));
    const batches = collectPosts(wire.requests).map(batchOf);
    expect(batches.map((b) => [b.seq, b.anon, b.user])).toEqual([
      [0, 'anon-7', undefined],
      [1, 'anon-7', 'user-42'],
      [2, 'anon-7', undefined],
    ]);
    const start = (batches[0]?.events as unknown[][])[0];
    expect(start?.[0]).toBe(1);
    expect(start?.slice(6)).toEqual(['three/0.1.0', null, expect.any(String), 'software']);
    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 1, custom: 3 });
  });

  it('ends an idle session (reason inactivity) and starts a new one, with seq from 0, on the next activity', async () => {
    const scene = sceneFor('inactivity');
    const wire = await proxy();
    const tab = await page();
    const first = await tab.page.evaluate(
      ({ o, click }) => {
        const client = window.vantageTest.start(o);
        client.track('click', click);
        return client.sessionId;
      },
      { o: clientOptions(fixture.suite, scene, { inactivityTimeoutMs: 1000, flushIntervalMs: 200 }, wire.url), click: CLICK },
    );
    await sleep(1600);
    const second = await tab.page.evaluate(
      async ({ camera, click }) => {
        const client = window.vantageTest.client!;
        const between = client.sessionId;
        client.track('camera', camera); // passive: no session to belong to
        client.track('click', click); // activity: a new session
        const next = client.sessionId;
        await client.flush();
        return { between, next, stats: { ...client.stats } };
      },
      { camera: CAMERA, click: CLICK },
    );
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second.between).toBeUndefined();
    expect(second.next).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second.next).not.toBe(first);
    expect(second.stats.droppedDisabled).toBe(1);

    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 2, click: 2, session_end: 1 });
    const batches = collectPosts(wire.requests).map(batchOf);
    expect(batches.map((b) => [b.sid, b.seq])).toEqual([
      [first, 0],
      [first, 1],
      [second.next, 0],
    ]);
    const end = (batches[1]?.events as unknown[][]).find((e) => e[0] === 2);
    expect(end?.[2]).toBe('inactivity');
    expect(end?.[3]).toBeGreaterThanOrEqual(1000);
  });

  it('keeps a session alive while the person uses the page', async () => {
    const scene = sceneFor('active');
    const tab = await page();
    const first = await tab.page.evaluate((o) => window.vantageTest.start(o).sessionId, clientOptions(fixture.suite, scene, { inactivityTimeoutMs: 1000 }));
    for (let i = 0; i < 8; i++) {
      await tab.page.mouse.move(100 + i * 20, 100 + i * 10);
      await sleep(300);
    }
    const after = await tab.page.evaluate(async () => {
      const client = window.vantageTest.client!;
      const id = client.sessionId;
      await client.flush();
      return id;
    });
    expect(after).toBe(first);
    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 1 });
  });

  it('stop() ends the session (reason stop), sends what is queued and captures nothing after', async () => {
    const scene = sceneFor('stop');
    const wire = await proxy();
    const tab = await page();
    const result = await tab.page.evaluate(
      async ({ o, camera }) => {
        const client = window.vantageTest.start(o);
        for (let i = 0; i < 5; i++) client.track('camera', camera);
        const stopped = await client.stop();
        client.track('camera', camera);
        client.custom('after_stop');
        const again = await client.flush();
        return { stopped, again, active: client.active, enabled: client.isEnabled('camera'), sessionId: client.sessionId };
      },
      { o: clientOptions(fixture.suite, scene, { flushAt: 1000, flushIntervalMs: 600_000 }, wire.url), camera: CAMERA },
    );
    expect(result).toEqual({ stopped: true, again: true, active: false, enabled: false, sessionId: undefined });
    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 1, camera: 5, session_end: 1 });
    const events = collectPosts(wire.requests).flatMap((post) => batchOf(post).events as unknown[][]);
    expect(events.at(-1)?.[2]).toBe('stop');
    expect((await errorsOf(tab)).map((e) => e.code)).toEqual(['stopped']);
  });

  it('resumes the same session when the page comes back from the back/forward cache', async () => {
    const scene = sceneFor('bfcache');
    const browser = await launchChromium({ backForwardCache: true });
    try {
      const tab = await openPage(browser);
      await tab.page.goto(fixture.suite.pages.url('/'));
      await tab.page.waitForFunction(() => window.vantageTest !== undefined);
      const before = await tab.page.evaluate(async (o) => {
        const client = window.vantageTest.start(o);
        client.custom('before_leaving');
        await client.flush();
        return client.sessionId;
      }, clientOptions(fixture.suite, scene, { flushAt: 1000, flushIntervalMs: 600_000 }));
      await tab.page.goto(fixture.suite.pages.url('/blank'));
      await tab.page.goBack({ waitUntil: 'commit' }); // a restored page fires no load event
      await tab.page.waitForFunction(() => window.vantageTest?.pageEvents.includes('pageshow:true'));
      const after = await tab.page.evaluate(async () => {
        const client = window.vantageTest.client!;
        client.custom('after_coming_back');
        await client.flush();
        return { sessionId: client.sessionId, events: window.vantageTest.pageEvents };
      });
      expect(after.events).toEqual(['pageshow:false', 'pagehide:true', 'pageshow:true']);
      expect(after.sessionId).toBe(before);
      expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 1, custom: 2, session_end: 1 });
      const batches = await fixture.suite.collector.batches(scene);
      expect(batches.map((b) => [b.sessionId, b.seq])).toEqual([
        [before, 0],
        [before, 1],
        [before, 2],
      ]);
    } finally {
      await browser.close();
    }
  });
});

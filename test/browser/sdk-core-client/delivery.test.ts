/**
 * Delivery of `@vantage/sdk-core`'s client in real headless Chromium, against the real collector
 * (PostgreSQL store): what is tracked in the page is what the collector stores — exactly, through
 * outages, rate limits, refusals and page hide. A forwarding proxy in front of the collector
 * injects the faults and shows what went over the wire.
 */
import { describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy, type TestPage } from '../harness/index.js';
import { batchOf, clientOptions, collectPosts, errorsOf, sceneFor, useClientSuite } from './setup.js';

const fixture = useClientSuite();

const page = (): Promise<TestPage> => fixture.page();

const proxy = (...args: Parameters<typeof startFaultProxy>): Promise<FaultProxy> => fixture.proxy(...args);

/** Distinct (session, seq) pairs of stored batches, and their event total. */
async function ledger(scene: string): Promise<{ rows: number; distinct: number; events: number }> {
  const batches = await fixture.suite.collector.batches(scene);
  return {
    rows: batches.length,
    distinct: new Set(batches.map((b) => `${b.sessionId}/${b.seq}`)).size,
    events: batches.reduce((n, b) => n + b.events, 0),
  };
}

describe('sdk-core client delivery (Chromium → real collector)', () => {
  it('stores exactly what the page tracked, in msgpack batches of one session numbered from 0, with no cookie or storage', async () => {
    const scene = sceneFor('counts');
    const wire = await proxy(fixture.suite.collector.url);
    const tab = await page();
    const result = await tab.page.evaluate(async (options) => {
      const client = window.vantageTest.start(options);
      for (let i = 0; i < 120; i++) client.track('camera', { px: i * 10, py: 1500, pz: -3000, qx: 0, qy: 3000, qz: 0, qw: 32630 });
      for (let i = 0; i < 30; i++) client.track('pointer_move', { x: i * 10, y: -i * 10, mesh: `sofa/part-${i % 3}`, hx: 1, hy: 2, hz: 3 });
      for (let i = 0; i < 3; i++) client.track('click', { x: 0, y: 0, button: 0, mesh: 'sofa/leg' });
      client.custom('variant_selected', { variant: 'velvet-green' });
      const ok = await client.flush();
      return { ok, sid: client.sessionId, stats: { ...client.stats }, cookie: document.cookie, local: localStorage.length, session: sessionStorage.length };
    }, clientOptions(fixture.suite, scene, { flushIntervalMs: 60_000, maxBatchEvents: 40 }, wire.url));

    expect(result.ok).toBe(true);
    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 1, camera: 120, pointer_move: 30, click: 3, custom: 1 });
    expect(result.stats).toMatchObject({ queuedTotal: 155, sentEvents: 155, sentBatches: 4, retries: 0, droppedOverflow: 0, droppedInvalid: 0 });
    const posts = collectPosts(wire.requests);
    expect(posts).toHaveLength(4);
    for (const post of posts) {
      expect(post.headers['content-type']).toBe('application/msgpack');
      expect(post.headers.authorization).toBe(`Bearer ${fixture.suite.collector.pk}`);
      expect(post.headers.cookie).toBeUndefined();
      expect(post.status).toBe(202);
      expect(post.body.byteLength).toBeLessThan(32_768);
    }
    const batches = posts.map(batchOf);
    expect(batches.map((b) => [b.sid, b.seq, b.events.length])).toEqual([
      [result.sid, 0, 40],
      [result.sid, 1, 40],
      [result.sid, 2, 40],
      [result.sid, 3, 35],
    ]);
    expect(batches.every((b) => b.key === undefined && b.scene === scene)).toBe(true);
    expect([result.cookie, result.local, result.session]).toEqual(['', 0, 0]);
    expect(await errorsOf(tab)).toEqual([]);
  });

  it('sends when flushAt events are queued, and on the interval, without flush()', async () => {
    const bySize = sceneFor('size');
    const byTime = sceneFor('interval');
    const a = await page();
    await a.page.evaluate((options) => {
      const client = window.vantageTest.start(options);
      for (let i = 0; i < 9; i++) client.custom('step', { i });
    }, clientOptions(fixture.suite, bySize, { flushAt: 10, flushIntervalMs: 600_000 }));
    await expect.poll(() => fixture.suite.collector.storedEvents(bySize), { timeout: 5000 }).toBe(10);

    const b = await page();
    await b.page.evaluate((options) => {
      const client = window.vantageTest.start(options);
      for (let i = 0; i < 3; i++) client.custom('step', { i });
    }, clientOptions(fixture.suite, byTime, { flushAt: 1000, flushIntervalMs: 300 }));
    await expect.poll(() => fixture.suite.collector.storedEvents(byTime), { timeout: 5000 }).toBe(4);
  });

  it('loses nothing and doubles nothing when an answer is lost and the collector goes down and comes back', async () => {
    const scene = sceneFor('outage');
    // The first batch reaches the collector, but its answer comes after the client gave up waiting.
    let posts = 0;
    const wire = await proxy(fixture.suite.collector.url, (request) =>
      request.method === 'POST' && request.path === '/api/v1/collect' && posts++ === 0 ? { kind: 'forward', answerDelayMs: 2500 } : { kind: 'forward' },
    );
    const tab = await page();
    const options = clientOptions(fixture.suite, scene, { flushAt: 20, maxBatchEvents: 20, flushIntervalMs: 200, requestTimeoutMs: 1000 }, wire.url);
    await tab.page.evaluate((o) => {
      const client = window.vantageTest.start(o);
      for (let i = 0; i < 40; i++) client.custom('before_outage', { i });
    }, options);
    await expect.poll(async () => (await ledger(scene)).events, { timeout: 10_000 }).toBe(41);

    await wire.down();
    for (let round = 0; round < 3; round++) {
      await tab.page.evaluate(() => {
        for (let i = 0; i < 20; i++) window.vantageTest.client?.custom('during_outage', { i });
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await fixture.suite.collector.storedEvents(scene)).toBe(41);
    await wire.up();

    await expect.poll(() => fixture.suite.collector.storedEvents(scene), { timeout: 30_000 }).toBe(101);
    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 1, custom: 100 });
    const stored = await ledger(scene);
    expect(stored).toEqual({ rows: stored.distinct, distinct: stored.rows, events: 101 });
    // The store comes before the answer: the client counts an event sent once the 202 has passed
    // the proxy and reached the page, a moment after the collector committed it.
    await expect.poll(async () => tab.page.evaluate(() => window.vantageTest.client?.stats.sentEvents), { timeout: 10_000 }).toBe(101);

    const batches = collectPosts(wire.requests).map((post) => ({ post, batch: batchOf(post) }));
    const first = batches[0];
    // The batch whose answers were lost went again with the same session and seq, and was stored once.
    const copies = batches.filter(({ batch }) => batch.sid === first?.batch.sid && batch.seq === first?.batch.seq);
    expect(copies.map(({ post }) => [post.answerLost, post.status])).toEqual([
      [true, 0],
      [false, 202],
    ]);
    const stats = await tab.page.evaluate(() => ({ ...window.vantageTest.client?.stats }));
    expect(stats.retries).toBeGreaterThanOrEqual(2);
    expect(stats.droppedOverflow).toBe(0);
    expect(stats.sentEvents).toBe(101);
    const errors = await errorsOf(tab);
    expect(errors.every((e) => e.code === 'delivery_retrying' && e.status === 0)).toBe(true);
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });

  it('honours a 429 with Retry-After: the same batch goes again after at least that long, and is stored once', async () => {
    const scene = sceneFor('rate-limited');
    let posts = 0;
    const wire = await proxy(fixture.suite.collector.url, (request) => {
      if (request.method === 'POST' && request.path === '/api/v1/collect' && posts++ === 0) {
        return { kind: 'respond', status: 429, headers: { 'Retry-After': '1' }, body: '{"error":"rate_limited","message":"slow down"}' };
      }
      return { kind: 'forward' };
    });
    const tab = await page();
    const flushed = await tab.page.evaluate(async (options) => {
      const client = window.vantageTest.start(options);
      for (let i = 0; i < 10; i++) client.custom('rate', { i });
      return client.flush();
    }, clientOptions(fixture.suite, scene, { flushAt: 1000, flushIntervalMs: 600_000 }, wire.url));
    expect(flushed).toBe(false);
    await expect.poll(() => fixture.suite.collector.storedEvents(scene), { timeout: 10_000 }).toBe(11);

    // The proxy records an answer's status when the answer has passed through it, just after the store.
    await expect.poll(() => collectPosts(wire.requests).map((p) => p.status), { timeout: 10_000 }).toEqual([429, 202]);
    const sent = collectPosts(wire.requests);
    expect((sent[1]?.at ?? 0) - (sent[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    const [a, b] = sent.map(batchOf);
    expect([b?.sid, b?.seq]).toEqual([a?.sid, a?.seq]);
    expect(await ledger(scene)).toEqual({ rows: 1, distinct: 1, events: 11 });
    expect(await errorsOf(tab)).toEqual([expect.objectContaining({ code: 'delivery_retrying', status: 429 })]);
  });

  it('does not retry a 400: the batch is reported and dropped, later batches go on', async () => {
    const scene = sceneFor('refused');
    let posts = 0;
    const wire = await proxy(fixture.suite.collector.url, (request) => {
      if (request.method === 'POST' && request.path === '/api/v1/collect' && posts++ === 0) {
        return { kind: 'respond', status: 400, body: '{"error":"invalid_payload","message":"refused by the test"}' };
      }
      return { kind: 'forward' };
    });
    const tab = await page();
    const first = await tab.page.evaluate(async (options) => {
      const client = window.vantageTest.start(options);
      for (let i = 0; i < 10; i++) client.custom('refused', { i });
      return client.flush();
    }, clientOptions(fixture.suite, scene, { flushAt: 1000, flushIntervalMs: 600_000 }, wire.url));
    expect(first).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(collectPosts(wire.requests)).toHaveLength(1);
    expect(await errorsOf(tab)).toEqual([expect.objectContaining({ code: 'batch_rejected', status: 400, count: 11 })]);

    const second = await tab.page.evaluate(async () => {
      for (let i = 0; i < 5; i++) window.vantageTest.client?.custom('accepted', { i });
      return window.vantageTest.client?.flush();
    });
    expect(second).toBe(true);
    const sent = collectPosts(wire.requests).map(batchOf);
    expect(sent.map((b) => [b.seq, b.events.length])).toEqual([
      [0, 11],
      [1, 5],
    ]);
    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ custom: 5 });
    const stats = await tab.page.evaluate(() => ({ ...window.vantageTest.client?.stats }));
    expect(stats).toMatchObject({ droppedUndelivered: 11, retries: 0, sentEvents: 5 });
  });

  it('keeps the queue bounded: the oldest events are dropped, counted and reported; the newest arrive', async () => {
    const scene = sceneFor('overflow');
    const wire = await proxy(fixture.suite.collector.url);
    const tab = await page();
    const result = await tab.page.evaluate(async (options) => {
      const client = window.vantageTest.start(options);
      for (let i = 0; i < 300; i++) client.custom(`e${i}`);
      const flushed = await client.flush();
      const stopped = await client.stop();
      return { flushed, stopped, stats: { ...client.stats } };
    }, clientOptions(fixture.suite, scene, { maxQueueEvents: 100, flushIntervalMs: 600_000, flushAt: 1000 }, wire.url));
    expect(result).toMatchObject({ flushed: true, stopped: true });
    expect(result.stats.droppedOverflow).toBe(201);
    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ custom: 100, session_end: 1 });
    const names = collectPosts(wire.requests)
      .flatMap((post) => batchOf(post).events as unknown[][])
      .filter((e) => e[0] === 10)
      .map((e) => e[2]);
    expect(names).toEqual(Array.from({ length: 100 }, (_, i) => `e${200 + i}`));
    expect((await errorsOf(tab)).filter((e) => e.code === 'queue_overflow')).toEqual([expect.objectContaining({ count: 201 })]);
  });

  it('hands what is queued to sendBeacon at pagehide, as JSON text with the key in the body, without a preflight', async () => {
    const scene = sceneFor('beacon');
    const wire = await proxy(fixture.suite.collector.url);
    const tab = await page();
    await tab.page.evaluate((options) => {
      const client = window.vantageTest.start(options);
      for (let i = 0; i < 30; i++) client.track('camera', { px: i, py: 1500, pz: -3000, qx: 0, qy: 3000, qz: 0, qw: 32630 });
      client.custom('leaving');
    }, clientOptions(fixture.suite, scene, { flushAt: 1000, flushIntervalMs: 600_000 }, wire.url));
    expect(collectPosts(wire.requests)).toHaveLength(0);

    await tab.page.goto(fixture.suite.pages.url('/blank'));
    await expect.poll(() => fixture.suite.collector.storedEvents(scene), { timeout: 10_000 }).toBe(33);
    expect(await fixture.suite.collector.eventCounts(scene)).toEqual({ session_start: 1, camera: 30, custom: 1, session_end: 1 });

    const posts = collectPosts(wire.requests);
    expect(posts).toHaveLength(1);
    const beacon = posts[0];
    expect(beacon?.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(beacon?.headers.authorization).toBeUndefined();
    expect(beacon?.status).toBe(202);
    expect(batchOf(beacon!).key).toBe(fixture.suite.collector.pk);
    expect(wire.requests.filter((r) => r.method === 'OPTIONS' && r.path === '/api/v1/collect')).toEqual([]);
  });
});

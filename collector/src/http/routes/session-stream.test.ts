/**
 * Raw session streams: with `ENABLE_RAW_SESSION_RETENTION=true` the stream endpoint answers a
 * session's events exactly as accepted (msgpack or NDJSON, a time range reading only its
 * chunks), another project's session is 404, erasure and retention remove streams; with it off
 * (the default) nothing raw is written anywhere and the endpoint answers 403.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { brotliDecompressSync } from 'node:zlib';
import { Packr, unpack } from 'msgpackr';
import { encodeBatch, type VantageEvent } from '@vantage/sdk-core/schema';
import { runRetention } from '../../retention/run.js';
import type { Store } from '../../storage/types.js';
import { rawRequest } from '../../testing/raw-http.js';
import { BROWSER_USER_AGENT, DRIVERS, openTestStore, startTestCollector, type TestCollector } from '../../testing/harness.js';

const packr = new Packr({ useRecords: false });
const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);
const SESSION = 'sess_stream_0001';

/** Three batches of a session: 40 camera samples a second apart, a click, a custom event. */
function batches(): VantageEvent[][] {
  const out: VantageEvent[][] = [[], [], []];
  for (let i = 0; i < 40; i++) {
    out[Math.floor(i / 14)]!.push({ type: 'camera', t: NOW - 60_000 + i * 1000, px: i * 10, py: 1600, pz: 3000 - i, qx: 0, qy: 1200, qz: 0, qw: 32700 });
  }
  out[1]!.push({ type: 'click', t: NOW - 40_500, x: 2500, y: -5000, button: 0, mesh: 'sofa/seat', hx: 10, hy: 450, hz: 0 });
  out[2]!.push({ type: 'custom', t: NOW - 25_500, name: 'variant_change', props: { fabric: 'velvet' } });
  return out;
}

async function send(c: TestCollector, sid: string, seq: number, events: VantageEvent[]): Promise<void> {
  const response = await fetch(`${c.url}/api/v1/collect`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${c.pk}`, 'Content-Type': 'application/msgpack', 'User-Agent': BROWSER_USER_AGENT },
    body: packr.pack(encodeBatch({ sid, seq, scene: 'sofa', sentAt: NOW }, events)),
  });
  expect(response.status).toBe(202);
}

const sorted = (events: VantageEvent[]) => [...events].sort((a, b) => a.t - b.t);

describe.each(DRIVERS)('raw session streams on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let on: TestCollector;
  let off: TestCollector;
  let other: TestCollector;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
    on = await startTestCollector(store, { ENABLE_RAW_SESSION_RETENTION: 'true' });
    off = await startTestCollector(store);
    other = await startTestCollector(store, { ENABLE_RAW_SESSION_RETENTION: 'true' });
    for (const c of [on, off]) c.deps.clock = () => NOW;
    const parts = batches();
    for (const [seq, events] of parts.entries()) await send(on, SESSION, seq, events);
    await send(on, SESSION, 1, parts[1] as VantageEvent[]); // a retry: stored once
    for (const [seq, events] of parts.entries()) await send(off, 'sess_stream_off', seq, events);
  });

  afterAll(async () => {
    for (const c of [on, off, other]) await c?.close();
    await cleanup?.();
  });

  const get = (c: TestCollector, path: string, accept?: string) =>
    fetch(`${c.url}${path}`, { headers: { Authorization: `Bearer ${c.sk}`, ...(accept ? { Accept: accept } : {}) } });

  it('answers the session\'s events exactly as accepted, as NDJSON and as msgpack', async () => {
    const all = sorted(batches().flat());
    const ndjson = await get(on, `/api/v1/sessions/${SESSION}/events`);
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await ndjson.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ session: { id: SESSION, scene: 'sofa', startedAt: new Date(NOW).toISOString() } });
    expect(lines.slice(1)).toEqual(all);
    const packed = await get(on, `/api/v1/sessions/${SESSION}/events`, 'application/msgpack');
    expect(packed.headers.get('content-type')).toBe('application/msgpack');
    const stream = unpack(new Uint8Array(await packed.arrayBuffer())) as { events: VantageEvent[] };
    expect(stream.events).toEqual(all);
    // On the wire, compressed for a client that accepts it: msgpack maps repeat every key.
    const wire = await rawRequest(on.url, 'GET', `/api/v1/sessions/${SESSION}/events`, { Authorization: `Bearer ${on.sk}`, Accept: 'application/msgpack', 'Accept-Encoding': 'br' });
    expect(wire.headers['content-encoding']).toBe('br');
    const inflated = brotliDecompressSync(wire.body);
    expect((unpack(inflated) as { events: VantageEvent[] }).events).toEqual(all);
    expect(wire.body.byteLength).toBeLessThan(inflated.byteLength / 2);
  });

  it('reads a time range from the chunks that cover it', async () => {
    const from = NOW - 42_000;
    const to = NOW - 30_000;
    const res = await get(on, `/api/v1/sessions/${SESSION}/events?from=${from}&to=${new Date(to).toISOString()}`, 'application/msgpack');
    const stream = unpack(new Uint8Array(await res.arrayBuffer())) as { events: VantageEvent[] };
    expect(stream.events).toEqual(sorted(batches().flat()).filter((e) => e.t >= from && e.t <= to));
    expect(stream.events.some((e) => e.type === 'click')).toBe(true);
    // One chunk per batch, stored compressed: a few bytes an event.
    const chunks = await store.query<{ events: number; bytes: number }>('SELECT events, octet_length(data) AS bytes FROM session_chunks WHERE project_id = $1 ORDER BY seq', [on.project.id]);
    expect(chunks.map((c) => Number(c.events))).toEqual([14, 15, 13]);
    const perEvent = chunks.reduce((s, c) => s + Number(c.bytes), 0) / 42;
    expect(perEvent).toBeLessThan(20);
  });

  it('answers 404 for an unknown session and for another project\'s', async () => {
    expect((await get(on, '/api/v1/sessions/nobody/events')).status).toBe(404);
    const foreign = await get(other, `/api/v1/sessions/${SESSION}/events`);
    expect([foreign.status, ((await foreign.json()) as { error: string }).error]).toEqual([404, 'not_found']);
  });

  it('with raw retention off writes nothing raw and answers 403 raw_retention_disabled', async () => {
    const res = await get(off, '/api/v1/sessions/sess_stream_off/events');
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([403, 'raw_retention_disabled']);
    expect(await store.query('SELECT 1 FROM session_chunks WHERE project_id = $1', [off.project.id])).toEqual([]);
    // The session is summarised all the same.
    const [summary] = await store.query<{ events: number }>('SELECT events FROM sessions WHERE project_id = $1', [off.project.id]);
    expect(Number(summary?.events)).toBe(42);
  });

  it('erasure removes the stream, and retention removes streams past retention_days', async () => {
    const forget = await fetch(`${on.url}/api/v1/forget`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${on.sk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ session_id: SESSION }),
    });
    expect(((await forget.json()) as { deleted: Record<string, number> }).deleted).toMatchObject({ sessions: 1, session_chunks: 3 });
    expect((await get(on, `/api/v1/sessions/${SESSION}/events`)).status).toBe(404);
    await send(on, 'sess_stream_0002', 0, batches()[0] as VantageEvent[]);
    expect(await store.query('SELECT 1 FROM session_chunks WHERE project_id = $1', [on.project.id])).toHaveLength(1);
    await runRetention(store, { now: new Date(Date.now() + 91 * 86_400_000), projectId: on.project.id });
    expect(await store.query('SELECT 1 FROM session_chunks WHERE project_id = $1', [on.project.id])).toEqual([]);
  });
});

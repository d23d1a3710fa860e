import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr, unpack } from 'msgpackr';
import { encodeBatch, type VantageEvent, type WireBatch } from '@vantage/sdk-core/schema';
import { BROWSER_USER_AGENT, DRIVERS, openTestStore, startTestCollector, storedEventCount, type TestCollector } from '../testing/harness.js';
import type { Store } from '../storage/types.js';
import { revokeKey } from '../tenants/projects.js';

const packr = new Packr({ useRecords: false });
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
let sessionCounter = 0;

function events(n: number, t = T0): VantageEvent[] {
  const list: VantageEvent[] = [];
  for (let i = 0; i < n; i++) {
    list.push({ type: 'camera', t: t + i * 50, px: 1000 + i, py: 1500, pz: -3000, qx: 0, qy: 2000, qz: 0, qw: 32700 });
  }
  return list;
}

function batch(n: number, extra: Partial<WireBatch> = {}): WireBatch {
  const sid = `sess_${process.pid}_${++sessionCounter}_abcdef`;
  return { ...encodeBatch({ sid, seq: 0, scene: 'sofa', sentAt: T0 + n * 50 }, events(n)), ...extra };
}

interface Sent {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function send(c: TestCollector, body: unknown, opts: { key?: string | null; type?: string; origin?: string; raw?: Uint8Array } = {}): Promise<Sent> {
  const headers: Record<string, string> = { 'Content-Type': opts.type ?? 'application/msgpack', 'User-Agent': BROWSER_USER_AGENT };
  const key = opts.key === undefined ? c.pk : opts.key;
  if (key) headers.Authorization = `Bearer ${key}`;
  if (opts.origin) headers.Origin = opts.origin;
  const payload = opts.raw ?? (headers['Content-Type'] === 'application/json' ? JSON.stringify(body) : packr.pack(body));
  const response = await fetch(`${c.url}/api/v1/collect`, { method: 'POST', headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

describe.each(DRIVERS)('POST /api/v1/collect on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;

  beforeAll(async () => {
    const opened = await openTestStore(driver, inject('postgresUrl'));
    store = opened.store;
    cleanup = opened.cleanup;
    c = await startTestCollector(store, { COLLECTOR_CORS_ORIGINS: 'https://global.example' });
  });

  afterAll(async () => {
    await c?.close();
    await cleanup?.();
  });

  it('accepts a msgpack batch with a pk key and stores every event once it answers 202', async () => {
    const before = await storedEventCount(store, c.project.id);
    const res = await send(c, batch(50));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 50, dropped: {} });
    expect(await storedEventCount(store, c.project.id)).toBe(before + 50);
  });

  it('accepts JSON and a secret key too', async () => {
    const res = await send(c, batch(3), { type: 'application/json', key: c.sk });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(3);
  });

  it('takes the key from the batch when there is no header (sendBeacon)', async () => {
    const b = batch(2, { key: c.pk });
    const res = await send(c, null, { key: null, type: 'text/plain;charset=UTF-8', raw: new TextEncoder().encode(JSON.stringify(b)) });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    const msgpack = await send(c, { ...b, seq: 1 }, { key: null });
    expect(msgpack.status).toBe(202);
  });

  it('keeps an undecodable body without any key in the DLQ, NUL bytes and all', async () => {
    const raw = new Uint8Array([0x7b, 0x00, 0x00, 0x22, 0x01]);
    const res = await send(c, null, { key: null, type: 'application/json', raw });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_payload');
    const rows = await store.query<{ payload: Uint8Array }>(
      "SELECT payload FROM dlq WHERE project_id = '00000000-0000-0000-0000-000000000000' AND reason = 'undecodable'",
    );
    expect(rows.some((r) => Buffer.from(r.payload).equals(Buffer.from(raw)))).toBe(true);
  });

  it('keeps only the first 4 KiB of an undecodable body that comes without a key', async () => {
    const raw = new Uint8Array(100_000).fill(0xc1);
    const res = await send(c, null, { key: null, type: 'application/msgpack', raw });
    expect(res.status).toBe(400);
    const rows = await store.query<{ payload: Uint8Array; detail: string }>(
      "SELECT payload, detail FROM dlq WHERE project_id = '00000000-0000-0000-0000-000000000000' AND detail LIKE '%of 100000 bytes kept: no key)'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload.byteLength).toBe(4096);
    const keyed = await send(c, null, { type: 'application/msgpack', raw });
    expect(keyed.status).toBe(400);
    const own = await store.query<{ n: number }>("SELECT octet_length(payload) AS n FROM dlq WHERE project_id = $1 AND reason = 'undecodable' ORDER BY received_at DESC LIMIT 1", [c.project.id]);
    expect(Number(own[0]?.n)).toBe(100_000);
  });

  it('refuses a missing, malformed, unknown or revoked key with 401 invalid_api_key', async () => {
    for (const key of [null, 'nope', `pk_${'A'.repeat(54)}`]) {
      const res = await send(c, batch(1), { key });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_api_key');
    }
    const other = await startTestCollector(store);
    const pkKey = other.keys.find((k) => k.kind === 'pk');
    expect(await revokeKey(store, other.project.id, pkKey?.id ?? '', 'test')).toBe(true);
    other.deps.keys.invalidate();
    const res = await send(other, batch(1));
    expect(res.status).toBe(401);
    await other.close();
  });

  it('ignores a project id in the body: the key alone decides the project', async () => {
    const other = await startTestCollector(store);
    const beforeMine = await storedEventCount(store, c.project.id);
    const beforeOther = await storedEventCount(store, other.project.id);
    const res = await send(c, batch(4, { project: other.project.id, projectId: other.project.id } as Partial<WireBatch>));
    expect(res.status).toBe(202);
    expect(await storedEventCount(store, c.project.id)).toBe(beforeMine + 4);
    expect(await storedEventCount(store, other.project.id)).toBe(beforeOther);
    await other.close();
  });

  it('refuses an origin on neither list with 403 and no CORS grant, and grants listed ones', async () => {
    const refused = await send(c, batch(1), { origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('origin_not_allowed');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const own = await send(c, batch(1), { origin: 'https://shop.example' });
    expect(own.status).toBe(202);
    expect(own.headers.get('access-control-allow-origin')).toBe('https://shop.example');

    const global = await send(c, batch(1), { origin: 'https://global.example' });
    expect(global.status).toBe(202);
    expect(global.headers.get('access-control-allow-origin')).toBe('https://global.example');
  });

  it('answers CORS preflights only for allowed origins', async () => {
    const ok = await fetch(`${c.url}/api/v1/collect`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');

    const bad = await fetch(`${c.url}/api/v1/collect`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('drops one bad event with a reason, keeps it in the DLQ with its raw bytes, and accepts the rest', async () => {
    const b = batch(10);
    const bad = [3, 5, 1, 2, 3, 0, 0, 0, 99999];
    b.events[4] = bad;
    const before = await storedEventCount(store, c.project.id);
    const res = await send(c, b);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 9, dropped: { invalid_field: 1 } });
    expect(await storedEventCount(store, c.project.id)).toBe(before + 9);
    const rows = await store.query<{ reason: string; detail: string; payload: Uint8Array; session_id: string; seq: number; event_index: number; envelope: Record<string, unknown> }>(
      'SELECT reason, detail, payload, session_id, seq, event_index, envelope FROM dlq WHERE project_id = $1 AND session_id = $2',
      [c.project.id, b.sid],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.reason).toBe('invalid_field');
    expect(rows[0]?.detail).toMatch(/qw/);
    expect(rows[0]?.event_index).toBe(4);
    expect(unpack(Buffer.from(rows[0]?.payload ?? []))).toEqual(bad);
    expect(rows[0]?.envelope.sid).toBe(b.sid);
    expect(rows[0]?.envelope.key).toBeUndefined();
  });

  it('keeps dead letters small: known envelope fields only, whatever else the body carried', async () => {
    const b = batch(3);
    const filler = 'x'.repeat(200_000);
    b.events = [[99, 0], [99, 1], [99, 2]];
    const res = await send(c, { ...b, padding: filler });
    expect(res.body).toEqual({ accepted: 0, dropped: { unknown_type: 3 } });
    const rows = await store.query<{ envelope: Record<string, unknown> }>('SELECT envelope FROM dlq WHERE project_id = $1 AND session_id = $2', [c.project.id, b.sid]);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(Object.keys(row.envelope).sort()).toEqual(['scene', 'sentAt', 'seq', 'sid', 't0', 'v']);
      expect(JSON.stringify(row.envelope).length).toBeLessThan(300);
    }
  });

  it('never keeps an API key in a rejected body: its secret part is masked in the DLQ', async () => {
    const body = JSON.stringify({ v: 1, key: c.pk, seq: 'not-a-number', events: [] });
    const res = await send(c, null, { key: null, type: 'text/plain', raw: new TextEncoder().encode(body) });
    expect(res.status).toBe(400);
    const rows = await store.query<{ payload: Uint8Array }>(
      "SELECT payload FROM dlq WHERE project_id = $1 AND reason = 'invalid_envelope' ORDER BY received_at DESC LIMIT 1",
      [c.project.id],
    );
    const stored = Buffer.from(rows[0]?.payload ?? []).toString('utf8');
    expect(stored.length).toBe(body.length);
    expect(stored).not.toContain(c.pk.slice(3));
    expect(stored).toContain('"key":"pk_***');
  });

  it('answers 400 invalid_payload to an undecodable body and keeps the raw bytes in the DLQ', async () => {
    const raw = new Uint8Array([0xc1, 0xc1, 0xff, 0x00, 0x42]);
    const res = await send(c, null, { raw });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_payload');
    expect(typeof res.body.message).toBe('string');
    const rows = await store.query<{ payload: Uint8Array; reason: string }>(
      "SELECT payload, reason FROM dlq WHERE project_id = $1 AND reason = 'undecodable'",
      [c.project.id],
    );
    expect(rows.some((r) => Buffer.from(r.payload).equals(Buffer.from(raw)))).toBe(true);
  });

  it('answers 400 to a decodable body that is not a batch, and keeps it too', async () => {
    const res = await send(c, { hello: 'world' }, { type: 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_payload');
    const rows = await store.query("SELECT 1 FROM dlq WHERE project_id = $1 AND reason = 'invalid_envelope'", [c.project.id]);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('acknowledges a resent batch without storing it twice, also when both copies arrive together', async () => {
    const b = batch(20);
    const before = await storedEventCount(store, c.project.id);
    const first = await send(c, b);
    const again = await send(c, b);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.duplicate).toBe(true);
    expect(await storedEventCount(store, c.project.id)).toBe(before + 20);

    const twin = batch(7);
    const answers = await Promise.all([send(c, twin), send(c, twin), send(c, twin)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(2);
    expect(await storedEventCount(store, c.project.id)).toBe(before + 27);
    const ledger = await store.query('SELECT seq FROM ingest_batches WHERE project_id = $1 AND session_id = $2', [c.project.id, twin.sid]);
    expect(ledger).toHaveLength(1);
  });

  it('answers 413 payload_too_large above the body cap', async () => {
    const res = await send(c, null, { raw: new Uint8Array(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });

  it('drops events of a channel that is off for the scene until an operator switches it on', async () => {
    const gaze: VantageEvent = { type: 'gaze', t: T0, hx: 0, hy: 400, hz: 0 };
    const b = encodeBatch({ sid: `sess_gaze_${driver}_1`, seq: 0, scene: 'gaze-scene', sentAt: T0 + 10 }, [gaze, ...events(2)]);
    const off = await send(c, b);
    expect(off.body).toEqual({ accepted: 2, dropped: { channel_disabled: 1 } });
    const dlq = await store.query('SELECT 1 FROM dlq WHERE project_id = $1 AND session_id = $2', [c.project.id, b.sid]);
    expect(dlq).toHaveLength(0);

    const put = (key: string) =>
      fetch(`${c.url}/api/v1/scenes/gaze-scene`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ capture: { gaze: true } }),
      });
    const withPk = await put(c.pk);
    expect(withPk.status).toBe(403);
    expect(((await withPk.json()) as { error: string }).error).toBe('insufficient_scope');
    const withSk = await put(c.sk);
    expect(withSk.status).toBe(200);

    const config = await fetch(`${c.url}/api/v1/config?scene=gaze-scene`, { headers: { Authorization: `Bearer ${c.pk}` } });
    const flags = (await config.json()) as { capture: Record<string, boolean> };
    expect(config.headers.get('cache-control')).toBe('private, max-age=30');
    expect(config.headers.get('vary')).toContain('Authorization');
    expect(flags.capture.gaze).toBe(true);
    expect(flags.capture.hover_dwell).toBe(false);

    const on = await send(c, { ...b, seq: 1 });
    expect(on.body).toEqual({ accepted: 3, dropped: {} });
    const audit = await store.query("SELECT actor FROM audit_log WHERE project_id = $1 AND action = 'scene.update'", [c.project.id]);
    expect(audit).toHaveLength(1);
  });

  it('answers unknown routes with 404 not_found and reports health and readiness', async () => {
    const missing = await fetch(`${c.url}/api/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe('not_found');
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${c.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { store: string }).store).toBe(driver);
  });

  it('serves the landing page at / with a snippet pointing at the origin the browser used', async () => {
    const page = await fetch(`${c.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<h1>Vantage</h1>');
    expect(html).toContain(`endpoint: &quot;${c.url}&quot;`);
    expect(html).not.toMatch(/pk_[A-Za-z0-9]{10}/);
    // A page anyone can load names no project.
    expect(html).not.toContain(c.project.name);
    expect(html).not.toMatch(/\d+ projects/);
  });
});

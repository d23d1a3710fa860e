import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr, unpack } from 'msgpackr';
import { encodeBatch, type VantageEvent, type WireBatch } from '@vantage/sdk-core/schema';
import { BROWSER_USER_AGENT, DRIVERS, openTestStore, startTestCollector, type TestCollector } from '../../testing/harness.js';
import { NIL_PROJECT_ID } from '../../storage/index.js';
import type { Store } from '../../storage/types.js';
import type { DeadLetterItem } from '../../dlq/list.js';

const packr = new Packr({ useRecords: false });
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

type Item = DeadLetterItem;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(c: TestCollector, method: string, path: string, key: string | null, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${c.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function list(c: TestCollector, query = '', key = c.sk): Promise<{ items: Item[]; nextCursor: string | null }> {
  const res = await call(c, 'GET', `/api/v1/dlq${query}`, key);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as { items: Item[]; nextCursor: string | null };
}

async function collect(c: TestCollector, body: Uint8Array, type: string, key: string | null): Promise<number> {
  const headers: Record<string, string> = { 'Content-Type': type, 'User-Agent': BROWSER_USER_AGENT };
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(`${c.url}/api/v1/collect`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}

function camera(t: number): VantageEvent {
  return { type: 'camera', t, px: 1, py: 2, pz: 3, qx: 0, qy: 0, qz: 0, qw: 32767 };
}

describe.each(DRIVERS)('GET /api/v1/dlq and /api/v1/dlq/:id on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;
  let other: TestCollector;
  let batch: WireBatch;
  const badField = [3, 5, 1, 2, 3, 0, 0, 0, 99999];
  const badMesh = [5, 10, 0, 0, 0, 7];

  beforeAll(async () => {
    const opened = await openTestStore(driver, inject('postgresUrl'));
    store = opened.store;
    cleanup = opened.cleanup;
    c = await startTestCollector(store);
    other = await startTestCollector(store);
    batch = encodeBatch({ sid: `dlq_list_${driver}_1`, seq: 0, scene: 'list-scene', sentAt: T0 }, [camera(T0), camera(T0 + 10)]);
    batch.events.splice(1, 0, badField);
    batch.events.push(badMesh);
    expect(await collect(c, packr.pack(batch), 'application/msgpack', c.pk)).toBe(202);
    expect(await collect(c, new Uint8Array([0xc1, 0xc1, 0xff, 0x00, 0x42]), 'application/msgpack', c.pk)).toBe(400);
    // sendBeacon style: the key rides in the body, which is not a valid batch (v: 2).
    const beacon = JSON.stringify({ v: 2, key: c.pk, sid: `dlq_list_${driver}_2`, seq: 0, scene: 's', sentAt: T0, t0: T0, events: [] });
    expect(await collect(c, new TextEncoder().encode(beacon), 'text/plain;charset=UTF-8', null)).toBe(400);
    // No key at all: kept under the nil project, visible to nobody.
    expect(await collect(c, new Uint8Array([0x01, 0x02]), 'application/json', null)).toBe(400);
  });

  afterAll(async () => {
    await c?.close();
    await other?.close();
    await cleanup?.();
  });

  it('needs a secret key on every DLQ route', async () => {
    const routes: Array<[string, string, unknown]> = [
      ['GET', '/api/v1/dlq', undefined],
      ['GET', `/api/v1/dlq/${NIL_PROJECT_ID}`, undefined],
      ['POST', '/api/v1/dlq/replay', { ids: [NIL_PROJECT_ID] }],
    ];
    for (const [method, path, body] of routes) {
      expect(await call(c, method, path, null, body), path).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
      expect(await call(c, method, path, c.pk, body), path).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    }
  });

  it('lists the project entries newest first with reason, detail, sizes and a preview, never the payload', async () => {
    const { items, nextCursor } = await list(c);
    expect(nextCursor).toBeNull();
    expect(items.map((i) => i.reason)).toEqual(['invalid_envelope', 'undecodable', expect.any(String), expect.any(String)]);
    const perEvent = items.filter((i) => i.eventIndex !== null).sort((a, b) => (a.eventIndex ?? 0) - (b.eventIndex ?? 0));
    expect(perEvent).toMatchObject([
      { reason: 'invalid_field', eventIndex: 1, sessionId: batch.sid, seq: 0, contentType: 'application/msgpack', replayedAt: null, preview: { format: 'json', text: JSON.stringify(badField), truncated: false } },
      { reason: 'unknown_mesh_ref', eventIndex: 3, sessionId: batch.sid, seq: 0, preview: { format: 'json', text: JSON.stringify(badMesh) } },
    ]);
    expect(perEvent[0]?.detail).toMatch(/qw/);
    expect(perEvent[0]?.bytes).toBe(packr.pack(badField).byteLength);
    expect(items[1]).toMatchObject({ reason: 'undecodable', eventIndex: null, sessionId: null, bytes: 5, preview: { format: 'hex', text: 'c1c1ff0042' } });
    const beacon = items[0];
    expect(beacon?.preview.format).toBe('json');
    expect(beacon?.preview.text).toContain('"v":2');
    expect(beacon?.preview.text).not.toContain(c.pk);
    expect(beacon?.preview.text).toContain('"key":"pk_***');
    for (const item of items) expect(Object.keys(item)).not.toContain('payload');
  });

  it('pages entries in database order, ties of one batch included, and filters by reason and replay state', async () => {
    const expected = (await store.query<{ id: string }>('SELECT id FROM dlq WHERE project_id = $1 ORDER BY received_at DESC, id DESC', [c.project.id])).map((r) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Item[]; nextCursor: string | null } = await list(c, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor !== null && seen.length < 10);
    expect(seen).toEqual(expected);

    expect((await list(c, '?reason=invalid_field')).items.map((i) => i.eventIndex)).toEqual([1]);
    expect((await list(c, '?replayed=true')).items).toEqual([]);
    expect((await list(c, '?replayed=false')).items).toHaveLength(4);
    expect((await list(c, '?since=2099-01-01')).items).toEqual([]);
    for (const query of ['?replayed=yes', '?reason=Not%20A%20Reason', '?cursor=abc', '?limit=501', '?until=tomorrow']) {
      const res = await call(c, 'GET', `/api/v1/dlq${query}`, c.sk);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toBe('invalid_payload');
    }
  });

  it('shows one entry with its payload (keys masked) and envelope, audited as a raw-data read; anything else is 404 not_found', async () => {
    const { items } = await list(c);
    const perEvent = items.find((i) => i.reason === 'invalid_field');
    const one = await call(c, 'GET', `/api/v1/dlq/${perEvent?.id.toUpperCase()}`, c.sk);
    expect(one.status).toBe(200);
    const reads = await store.query<{ actor: string; target: string; detail: unknown }>("SELECT actor, target, detail FROM audit_log WHERE project_id = $1 AND action = 'dlq.read'", [c.project.id]);
    expect(reads).toEqual([{ actor: expect.stringMatching(/^key:/), target: perEvent?.id, detail: { reason: 'invalid_field' } }]);
    expect(unpack(Buffer.from(String(one.body.payload), 'base64'))).toEqual(badField);
    expect(one.body.envelope).toMatchObject({ sid: batch.sid, seq: 0, scene: 'list-scene', t0: batch.t0 });
    expect((one.body.envelope as Record<string, unknown>).key).toBeUndefined();

    const beacon = await call(c, 'GET', `/api/v1/dlq/${items[0]?.id}`, c.sk);
    const raw = Buffer.from(String(beacon.body.payload), 'base64').toString('utf8');
    expect(raw).not.toContain(c.pk);
    expect(JSON.parse(raw)).toMatchObject({ v: 2, key: `pk_${'*'.repeat(c.pk.length - 3)}` });

    const nil = await store.query<{ id: string }>('SELECT id FROM dlq WHERE project_id = $1', [NIL_PROJECT_ID]);
    expect(nil.length).toBeGreaterThan(0);
    for (const id of [nil[0]?.id, '5b0e7c1e-0000-4000-8000-000000000000', 'not-a-uuid', 'replay']) {
      expect(await call(c, 'GET', `/api/v1/dlq/${id}`, c.sk), id).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }
  });

  it("keeps project B out of project A's entries, whatever ids B sends", async () => {
    const mine = (await list(c)).items.map((i) => i.id);
    expect((await list(other)).items).toEqual([]);
    for (const id of mine) {
      expect(await call(other, 'GET', `/api/v1/dlq/${id}`, other.sk)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }
    const nil = (await store.query<{ id: string }>('SELECT id FROM dlq WHERE project_id = $1', [NIL_PROJECT_ID])).map((r) => r.id);
    const replay = await call(other, 'POST', '/api/v1/dlq/replay', other.sk, { ids: [...mine, ...nil] });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ replayed: 0, stillInvalid: [], alreadyReplayed: [] });
    expect(new Set(replay.body.notFound as string[])).toEqual(new Set([...mine, ...nil]));
    const marked = await store.query('SELECT id FROM dlq WHERE replayed_at IS NOT NULL');
    expect(marked).toEqual([]);
    // A's own replay of the nil-project entry is refused the same way.
    expect((await call(c, 'POST', '/api/v1/dlq/replay', c.sk, { ids: nil })).body).toMatchObject({ replayed: 0, notFound: nil });
  });
});

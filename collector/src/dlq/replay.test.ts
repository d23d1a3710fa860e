import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr } from 'msgpackr';
import postgres from 'postgres';
import { encodeBatch, type VantageEvent, type WireBatch, type WireValidators } from '@vantage/sdk-core/schema';
import { BROWSER_USER_AGENT, DRIVERS, openTestStore, startTestCollector, storedEventCount, type TestCollector } from '../testing/harness.js';
import { openStore } from '../storage/index.js';
import type { Store } from '../storage/types.js';

const packr = new Packr({ useRecords: false });
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const HOUR_MS = 3_600_000;
let sessions = 0;

interface Outcome {
  replayed: number;
  stillInvalid: Array<{ id: string; reason: string; detail: string }>;
  alreadyReplayed: string[];
  notFound: string[];
  dropped: Record<string, number>;
}

const camera = (t: number): VantageEvent => ({ type: 'camera', t, px: 10, py: 1600, pz: -3000, qx: 0, qy: 0, qz: 0, qw: 32767 });
const viewport = (t: number): VantageEvent => ({ type: 'viewport', t, w: 1280, h: 720, dpr100: 200 });
const gaze = (t: number): Extract<VantageEvent, { type: 'gaze' }> => ({ type: 'gaze', t, hx: 5, hy: 900, hz: -40 });
const BAD_CAMERA = [3, 7, 1, 2, 3, 0, 0, 0, 99999];

function batchOf(scene: string, events: VantageEvent[], extra: Partial<WireBatch> = {}): WireBatch {
  return { ...encodeBatch({ sid: `replay_${process.pid}_${++sessions}`, seq: 0, scene, sentAt: T0 + 100 }, events), ...extra };
}

/**
 * The validators of an older collector: it did not know camera (3) and gaze (13) events yet, and
 * its envelope had no `anon`. What it refused went to the DLQ; the current collector accepts it.
 */
function olderValidators(current: WireValidators): WireValidators {
  return {
    checkEnvelope: (value) =>
      value !== null && typeof value === 'object' && 'anon' in value ? '/anon: unknown property' : current.checkEnvelope(value),
    decodeEvent: (raw, batch) =>
      Array.isArray(raw) && (raw[0] === 3 || raw[0] === 13)
        ? { ok: false, reason: 'unknown_type', detail: `unknown event code ${String(raw[0])}` }
        : current.decodeEvent(raw, batch),
  };
}

async function send(c: TestCollector, key: string, body: Uint8Array | string, type = 'application/msgpack'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${c.url}/api/v1/collect`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': type, 'User-Agent': BROWSER_USER_AGENT }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.each(DRIVERS)('POST /api/v1/dlq/replay on the %s store', (driver) => {
  let store: Store;
  let secondStore: Store | undefined;
  let databaseUrl: string | undefined;
  let cleanup: () => Promise<void>;
  /** The current collector, and a second one on its own connection pool (a second process's view). */
  let c: TestCollector;
  let c2: TestCollector;
  /** A collector running the older pipeline, over the same store. */
  let old: TestCollector;
  let replayCalls = 0;

  beforeAll(async () => {
    const opened = await openTestStore(driver, inject('postgresUrl'));
    store = opened.store;
    databaseUrl = opened.databaseUrl;
    cleanup = opened.cleanup;
    c = await startTestCollector(store);
    old = await startTestCollector(store);
    old.deps.validators = olderValidators(c.deps.validators);
    // The embedded store has one connection per data directory; PostgreSQL gets a second pool.
    secondStore = databaseUrl ? await openStore({ databaseUrl, dataDir: opened.dataDir }) : undefined;
    c2 = await startTestCollector(secondStore ?? store);
  });

  afterAll(async () => {
    await c?.close();
    await c2?.close();
    await old?.close();
    await secondStore?.close();
    await cleanup?.();
  });

  async function replay(ids: unknown, via: TestCollector = c, key = c.sk): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${via.url}/api/v1/dlq/replay`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ids }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status === 200 && key === c.sk) replayCalls++;
    return { status: response.status, body };
  }

  async function replayOk(ids: string[], via: TestCollector = c): Promise<Outcome> {
    const res = await replay(ids, via);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as unknown as Outcome;
  }

  /** Sends `batch` through the older collector; returns the ids of the dead letters it kept. */
  async function deadLettersFromOld(batch: WireBatch, type = 'application/msgpack'): Promise<string[]> {
    const body = type === 'application/json' ? JSON.stringify(batch) : packr.pack(batch);
    await send(old, c.pk, body, type);
    return entriesOf(batch.sid);
  }

  async function entriesOf(sessionId: string): Promise<string[]> {
    const rows = await store.query<{ id: string }>(
      "SELECT id FROM dlq WHERE project_id = $1 AND (session_id = $2 OR position(convert_to($2, 'UTF8') IN payload) > 0) ORDER BY event_index NULLS FIRST",
      [c.project.id, sessionId],
    );
    return rows.map((r) => r.id);
  }

  async function sceneCounts(scene: string): Promise<Array<{ hour: number; type: string; events: number }>> {
    const rows = await store.query<{ hour: Date; type: string; events: number }>(
      'SELECT hour, type, events FROM event_counts_hourly WHERE project_id = $1 AND scene_id = $2 ORDER BY hour, type',
      [c.project.id, scene],
    );
    return rows.map((r) => ({ hour: r.hour.getTime() / HOUR_MS, type: r.type, events: Number(r.events) }));
  }

  async function isMarked(id: string): Promise<boolean> {
    const rows = await store.query<{ replayed_at: Date | null }>('SELECT replayed_at FROM dlq WHERE project_id = $1 AND id = $2', [c.project.id, id]);
    return rows[0]?.replayed_at instanceof Date;
  }

  it('replays an event an older collector did not know: counted once, in the hour it arrived, and marked', async () => {
    const batch = batchOf('replay-event', [viewport(T0), camera(T0 + 20), viewport(T0 + 40)]);
    const [id, ...more] = await deadLettersFromOld(batch);
    expect(more).toEqual([]);
    // The entry arrived five hours ago: its event belongs to that hour, not to the replay's.
    const [row] = await store.query<{ received_at: Date }>(
      "UPDATE dlq SET received_at = received_at - interval '5 hours' WHERE project_id = $1 AND id = $2 RETURNING received_at",
      [c.project.id, id],
    );
    const expectedHour = Math.floor((T0 + 20 + (row?.received_at.getTime() ?? 0) - batch.sentAt) / HOUR_MS);
    expect(await sceneCounts('replay-event')).toEqual([expect.objectContaining({ type: 'viewport', events: 2 })]);

    expect(await replayOk([id ?? ''])).toEqual({ replayed: 1, stillInvalid: [], alreadyReplayed: [], notFound: [], dropped: {} });
    expect((await sceneCounts('replay-event')).filter((r) => r.type === 'camera')).toEqual([{ hour: expectedHour, type: 'camera', events: 1 }]);
    expect(await isMarked(id ?? '')).toBe(true);
    const [ledger] = await store.query<{ events: number; dropped: number }>(
      'SELECT events, dropped FROM ingest_batches WHERE project_id = $1 AND session_id = $2 AND seq = 0',
      [c.project.id, batch.sid],
    );
    expect(ledger).toEqual({ events: 3, dropped: 0 });

    const total = await storedEventCount(store, c.project.id);
    expect(await replayOk([id ?? ''])).toMatchObject({ replayed: 0, alreadyReplayed: [id] });
    expect(await replayOk([id ?? ''], c2)).toMatchObject({ replayed: 0, alreadyReplayed: [id] });
    expect(await storedEventCount(store, c.project.id)).toBe(total);
  });

  it('leaves an entry that is still invalid in the DLQ, unmarked, and says why', async () => {
    const batch = batchOf('replay-invalid', [viewport(T0)]);
    batch.events.push(BAD_CAMERA);
    expect((await send(c, c.pk, packr.pack(batch))).body).toEqual({ accepted: 1, dropped: { invalid_field: 1 } });
    const [id] = await entriesOf(batch.sid);
    const total = await storedEventCount(store, c.project.id);
    for (let i = 0; i < 2; i++) {
      const outcome = await replayOk([id ?? '']);
      expect(outcome).toMatchObject({ replayed: 0, alreadyReplayed: [], notFound: [], stillInvalid: [{ id, reason: 'invalid_field' }] });
      expect(outcome.stillInvalid[0]?.detail).toMatch(/qw/);
    }
    expect(await isMarked(id ?? '')).toBe(false);
    expect(await storedEventCount(store, c.project.id)).toBe(total);
  });

  it("applies the scene's capture flags in force now: an opt-in event waits until its channel is on", async () => {
    const [id] = await deadLettersFromOld(batchOf('replay-gaze', [gaze(T0), viewport(T0 + 5)]));
    const off = await replayOk([id ?? '']);
    expect(off).toMatchObject({ replayed: 0, stillInvalid: [{ id, reason: 'channel_disabled' }] });
    expect(off.stillInvalid[0]?.detail).toMatch(/replay-gaze/);
    expect(await isMarked(id ?? '')).toBe(false);

    const put = await fetch(`${c.url}/api/v1/scenes/replay-gaze`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${c.sk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ capture: { gaze: true } }),
    });
    expect(put.status).toBe(200);
    expect(await replayOk([id ?? ''])).toMatchObject({ replayed: 1, stillInvalid: [] });
    expect((await sceneCounts('replay-gaze')).filter((r) => r.type === 'gaze').map((r) => r.events)).toEqual([1]);
  });

  it('keeps only the mesh id an event refers to in its letter, and replays it against that id', async () => {
    const put = await fetch(`${c.url}/api/v1/scenes/replay-mesh`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${c.sk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ capture: { gaze: true } }),
    });
    expect(put.status).toBe(200);
    const pointer = (t: number, mesh: string): VantageEvent => ({ type: 'pointer_move', t, x: 1, y: 2, mesh });
    const batch = batchOf('replay-mesh', [pointer(T0, 'sofa/cushion'), pointer(T0 + 5, 'sofa/arm'), { ...gaze(T0 + 10), mesh: 'sofa/leg' }]);
    expect(batch.ids).toEqual(['sofa/cushion', 'sofa/arm', 'sofa/leg']);
    const [id, ...more] = await deadLettersFromOld(batch);
    expect(more).toEqual([]);
    const [letter] = await store.query<{ envelope: Record<string, unknown> }>('SELECT envelope FROM dlq WHERE project_id = $1 AND id = $2', [c.project.id, id]);
    expect(letter?.envelope.ids).toBeUndefined();
    expect(letter?.envelope.meshIds).toEqual({ '2': 'sofa/leg' });

    expect(await replayOk([id ?? ''])).toMatchObject({ replayed: 1, stillInvalid: [] });
    expect((await sceneCounts('replay-mesh')).filter((r) => r.type === 'gaze').map((r) => r.events)).toEqual([1]);
  });

  it('replays a whole body an older collector refused through the ledger; its bad events become new entries', async () => {
    const batch = batchOf('replay-body', [viewport(T0), camera(T0 + 10)], { anon: 'anon-visitor-1' });
    batch.events.push(BAD_CAMERA);
    const [id, ...more] = await deadLettersFromOld(batch, 'application/json');
    expect(more).toEqual([]);
    const [entry] = await store.query<{ reason: string; event_index: number | null }>('SELECT reason, event_index FROM dlq WHERE id = $1', [id]);
    expect(entry).toEqual({ reason: 'invalid_envelope', event_index: null });
    const total = await storedEventCount(store, c.project.id);

    expect(await replayOk([id ?? ''])).toEqual({ replayed: 1, stillInvalid: [], alreadyReplayed: [], notFound: [], dropped: { invalid_field: 1 } });
    expect(await storedEventCount(store, c.project.id)).toBe(total + 2);
    expect(await isMarked(id ?? '')).toBe(true);
    const letters = await store.query<{ reason: string; event_index: number }>(
      'SELECT reason, event_index FROM dlq WHERE project_id = $1 AND session_id = $2',
      [c.project.id, batch.sid],
    );
    expect(letters).toEqual([{ reason: 'invalid_field', event_index: 2 }]);

    expect(await replayOk([id ?? ''])).toMatchObject({ replayed: 0, alreadyReplayed: [id], dropped: {} });
    // The client's own retry of that batch is now a duplicate too.
    expect((await send(c, c.pk, JSON.stringify(batch), 'application/json')).body).toMatchObject({ duplicate: true });
    expect(await storedEventCount(store, c.project.id)).toBe(total + 2);
    expect(await entriesOf(batch.sid)).toHaveLength(2);
  });

  it('does not guess content types: a msgpack batch sent as text/xml stays undecodable', async () => {
    const batch = batchOf('replay-xml', [viewport(T0)]);
    expect((await send(c, c.pk, packr.pack(batch), 'text/xml')).status).toBe(400);
    const [id] = await entriesOf(batch.sid);
    expect(id).toBeDefined();
    const outcome = await replayOk([id ?? '']);
    expect(outcome).toMatchObject({ replayed: 0, stillInvalid: [{ id, reason: 'undecodable' }] });
    expect(outcome.stillInvalid[0]?.detail).toMatch(/text\/xml/);
    expect(await isMarked(id ?? '')).toBe(false);
  });

  it('counts each entry once when replays of the same entries race in two collectors', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(...(await deadLettersFromOld(batchOf('replay-race', [camera(T0), viewport(T0 + 1), camera(T0 + 2)]))));
      ids.push(...(await deadLettersFromOld(batchOf('replay-race', [viewport(T0), camera(T0 + 3)], { anon: `anon-${i}` }))));
    }
    expect(ids).toHaveLength(9); // 6 events and 3 whole bodies
    const before = await storedEventCount(store, c.project.id);
    const outcomes = await Promise.all([c, c2, c, c2].map((via) => replayOk(ids, via)));
    expect(outcomes.reduce((n, o) => n + o.replayed, 0)).toBe(9);
    for (const o of outcomes) {
      expect(o.replayed + o.alreadyReplayed.length).toBe(9);
      expect(o.stillInvalid).toEqual([]);
    }
    expect(await storedEventCount(store, c.project.id)).toBe(before + 6 + 3 * 2);
    for (const id of ids) expect(await isMarked(id)).toBe(true);
  });

  it.runIf(driver === 'postgres')('makes a replay that waited on a concurrent one re-read the mark instead of counting again', async () => {
    const [id] = await deadLettersFromOld(batchOf('replay-lock', [camera(T0), viewport(T0 + 1)]));
    const before = await storedEventCount(store, c.project.id);
    const holder = postgres(databaseUrl ?? '', { max: 1, onnotice: () => undefined });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const locked = new Promise<void>((resolve, reject) => {
      holder
        .begin(async (tx) => {
          await tx`SELECT 1 FROM dlq WHERE project_id = ${c.project.id} AND id = ${id ?? ''} FOR UPDATE`;
          resolve();
          await released;
        })
        .catch(reject);
    });
    await locked;
    // Both replays read the entry as unmarked, then wait for the row.
    const racing = [replayOk([id ?? ''], c), replayOk([id ?? ''], c2)];
    for (let waited = 0; ; waited += 20) {
      const [row] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if ((row?.n ?? 0) >= 2) break;
      if (waited > 10_000) throw new Error('the replays never waited on the row lock');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    const outcomes = await Promise.all(racing);
    await holder.end();
    expect(outcomes.map((o) => o.replayed).sort()).toEqual([0, 1]);
    expect(outcomes.flatMap((o) => o.alreadyReplayed)).toEqual([id]);
    expect(await storedEventCount(store, c.project.id)).toBe(before + 1);
  });

  it('writes a dlq.replay audit row for every call, with the key and the outcome, readable at GET /api/v1/audit', async () => {
    const [fixable] = await deadLettersFromOld(batchOf('replay-audit', [camera(T0)]));
    const invalid = batchOf('replay-audit', [viewport(T0)]);
    invalid.events.push(BAD_CAMERA);
    await send(c, c.pk, packr.pack(invalid));
    const [broken] = await entriesOf(invalid.sid);
    const missing = '7d444840-9dc0-11d1-b245-5ffdce74fad2';
    const outcome = await replayOk([fixable ?? '', broken ?? '', missing, (fixable ?? '').toUpperCase()]);
    expect(outcome).toMatchObject({ replayed: 1, notFound: [missing], stillInvalid: [{ id: broken }] });

    const response = await fetch(`${c.url}/api/v1/audit?action=dlq.replay&limit=500`, { headers: { Authorization: `Bearer ${c.sk}` } });
    const { items } = (await response.json()) as { items: Array<{ actor: string; action: string; target: string; detail: Record<string, unknown> }> };
    expect(items).toHaveLength(replayCalls);
    const skId = c.keys.find((k) => k.kind === 'sk')?.id;
    expect(items[0]).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      actor: `key:${skId}`,
      action: 'dlq.replay',
      target: 'dlq',
      detail: {
        requested: 3,
        replayed: 1,
        stillInvalid: [{ id: broken, reason: 'invalid_field' }],
        alreadyReplayed: [],
        notFound: [missing],
        dropped: {},
        ids: [fixable, broken, missing],
      },
    });
  });

  it('refuses a malformed request with 400 invalid_payload and writes nothing', async () => {
    const before = replayCalls;
    const tooMany = Array.from({ length: 501 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const ids of [undefined, [], 'x', [1], ['not-a-uuid'], tooMany]) {
      const res = await replay(ids);
      expect(res.status, JSON.stringify(ids)?.slice(0, 40)).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_payload', message: expect.stringMatching(/ids/) });
    }
    const notJson = await fetch(`${c.url}/api/v1/dlq/replay`, { method: 'POST', headers: { Authorization: `Bearer ${c.sk}` }, body: '{ids' });
    expect(notJson.status).toBe(400);
    expect(replayCalls).toBe(before);
    expect(await replayOk(tooMany.slice(0, 500))).toMatchObject({ replayed: 0, notFound: expect.arrayContaining([tooMany[0]]) });
  });
});

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { VantageEvent } from '@vantage/sdk-core/schema';
import { DRIVERS, openTestStore, storedEventCount } from '../testing/harness.js';
import type { Store } from '../storage/types.js';
import { createProject } from '../tenants/projects.js';
import type { AcceptedBatch, SessionUpdate } from './types.js';
import { createWriteBuffer } from './write-buffer.js';

const T0 = Date.UTC(2026, 10, 23, 9, 30);

function accepted(projectId: string, sessionId: string, seq: number, events = 10): AcceptedBatch {
  const list: VantageEvent[] = [];
  for (let i = 0; i < events; i++) list.push({ type: 'camera', t: T0 + i * 100, px: i, py: 0, pz: 0, qx: 0, qy: 0, qz: 0, qw: 32767 });
  return { projectId, sessionId, seq, sceneId: 'sofa', events: list, dropped: 0, deadLetters: [], dropCounts: {}, receivedAt: T0 + seq * 1_000 };
}

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function withSession(batch: AcceptedBatch, update: Partial<SessionUpdate> = {}): AcceptedBatch {
  batch.session = {
    privacyMode: 'standard',
    visitorHash: HASH_A,
    previousVisitorHash: null,
    ipHash: '1'.repeat(32),
    context: { browser: 'Chrome', os: 'Windows', deviceType: 'desktop', country: 'DE' },
    anonymousId: null,
    userId: null,
    ...update,
  } as SessionUpdate;
  return batch;
}

interface SessionRow extends Record<string, unknown> {
  id: string;
  visitor_hash: string;
  url: string | null;
  browser: string | null;
  country: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  batches: number;
  events: number;
  started_at: Date;
  last_seen_at: Date;
}

describe.each(DRIVERS)('the group-commit write buffer on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
  });
  afterAll(() => cleanup?.());

  async function newProject(): Promise<string> {
    return (await createProject(store, { name: 'buffer', privacyMode: 'standard', retentionDays: 90 }, 'test')).project.id;
  }

  it('commits many requests in one transaction and answers each once it is stored', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store, { maxDelayMs: 5 });
    const writes = Array.from({ length: 300 }, (_, i) => buffer.write(accepted(projectId, `s${i}`, 0)));
    const results = await Promise.all(writes);
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(buffer.stats()).toMatchObject({ flushes: 1, batches: 300, events: 3_000, pending: 0, inflight: 0 });
    expect(await storedEventCount(store, projectId)).toBe(3_000);
  });

  it('splits a flush into batches of at most maxBatches', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store, { maxBatches: 40 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => buffer.write(accepted(projectId, `m${i}`, 0, 1))));
    expect(buffer.stats().flushes).toBe(3);
    expect(await storedEventCount(store, projectId)).toBe(100);
  });

  it('stores a batch and its copy in the same flush once, and a later retry not at all', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store);
    const [a, b] = await Promise.all([buffer.write(accepted(projectId, 'dup', 7)), buffer.write(accepted(projectId, 'dup', 7))]);
    expect([a?.duplicate, b?.duplicate]).toEqual([false, true]);
    expect(await buffer.write(accepted(projectId, 'dup', 7))).toEqual({ duplicate: true });
    expect(await storedEventCount(store, projectId)).toBe(10);
  });

  it('adds nothing for a retry that shares a flush with new batches: counts, usage, dead letters, drops and links once', async () => {
    const projectId = await newProject();
    const withExtras = (sessionId: string) => {
      const batch = withSession(accepted(projectId, sessionId, 0, 4), { anonymousId: `anon-${sessionId}` });
      batch.dropCounts = { invalid_field: 1 };
      batch.deadLetters = [{ projectId, reason: 'invalid_field', detail: 'x out of range', contentType: 'application/msgpack', sessionId, seq: 0, eventIndex: 4, payload: new Uint8Array([1]) }];
      return batch;
    };
    const first = createWriteBuffer(store);
    expect(await first.write(withExtras('retried'))).toEqual({ duplicate: false });
    // One flush: the retry of a stored batch and two new ones. The statement is abandoned once
    // (its guard finds the retry) and run again without it.
    const buffer = createWriteBuffer(store, { maxDelayMs: 50 });
    const results = await Promise.all([buffer.write(withExtras('new-1')), buffer.write(withExtras('retried')), buffer.write(withExtras('new-2'))]);
    expect(results).toEqual([{ duplicate: false }, { duplicate: true }, { duplicate: false }]);
    expect(buffer.stats()).toMatchObject({ batches: 2, events: 8 });

    const one = async (sql: string) => Number((await store.query<{ n: string | number }>(sql, [projectId]))[0]?.n);
    expect(await one('SELECT sum(events) AS n FROM event_counts_hourly WHERE project_id = $1')).toBe(12);
    expect(await one('SELECT sum(events) AS n FROM usage_monthly WHERE project_id = $1')).toBe(12);
    expect(await one('SELECT sum(batches) AS n FROM usage_monthly WHERE project_id = $1')).toBe(3);
    expect(await one('SELECT count(*) AS n FROM dlq WHERE project_id = $1')).toBe(3);
    expect(await one("SELECT sum(events) AS n FROM drops_daily WHERE project_id = $1 AND reason = 'invalid_field'")).toBe(3);
    expect(await one('SELECT count(*) AS n FROM identity_links WHERE project_id = $1')).toBe(3);
    expect(await one("SELECT sum(batches) AS n FROM sessions WHERE project_id = $1 AND id = 'retried'")).toBe(1);
  });

  it('fails only the poisoned batch of a flush; the others are stored', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store);
    const good = [buffer.write(accepted(projectId, 'ok1', 0)), buffer.write(accepted(projectId, 'ok2', 0))];
    // A sequence number beyond int4: the database refuses the statement with a data error.
    const bad = buffer.write(accepted(projectId, 'bad', 2 ** 40));
    await expect(bad).rejects.toMatchObject({ code: '22003' });
    expect(await Promise.all(good)).toEqual([{ duplicate: false }, { duplicate: false }]);
    expect(await storedEventCount(store, projectId)).toBe(20);
  });

  it('writes loose dead letters under the nil project when no key was readable', async () => {
    const buffer = createWriteBuffer(store);
    const payload = new Uint8Array([0xc1, 0x00, 0xff]);
    await buffer.writeDeadLetters([{ projectId: '00000000-0000-0000-0000-000000000000', reason: 'undecodable', detail: 'bad\u0000bytes', contentType: 'application/msgpack', payload }]);
    const rows = await store.query<{ detail: string; payload: Uint8Array }>("SELECT detail, payload FROM dlq WHERE project_id = '00000000-0000-0000-0000-000000000000' AND detail LIKE 'bad%'");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.detail).toBe('bad\ufffdbytes');
    expect([...(rows[0]?.payload ?? [])]).toEqual([0xc1, 0x00, 0xff]);
  });

  it('drain() resolves only after everything written is stored', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store, { maxDelayMs: 1_000 });
    const pending = Array.from({ length: 20 }, (_, i) => buffer.write(accepted(projectId, `d${i}`, 0)));
    expect(buffer.stats().pending).toBe(20);
    await buffer.drain();
    expect(buffer.stats()).toMatchObject({ pending: 0, inflight: 0 });
    expect(await storedEventCount(store, projectId)).toBe(200);
    await Promise.all(pending);
  });

  it('folds a session\'s batches into one row, links the ids it saw and never counts a retry twice', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store, { maxDelayMs: 50 });
    // Three batches of one session in one flush (one upsert may not touch a row twice), the
    // first carrying session_start's context, the third after identify().
    const first = withSession(accepted(projectId, 'fold-1', 0, 4), { context: { url: 'https://shop.example/sofa', browser: 'Chrome', os: 'Windows', deviceType: 'desktop', country: 'DE' }, anonymousId: 'anon-1' });
    const second = withSession(accepted(projectId, 'fold-1', 1, 5), { anonymousId: 'anon-1' });
    const third = withSession(accepted(projectId, 'fold-1', 2, 6), { anonymousId: 'anon-1', userId: 'user-1', visitorHash: HASH_B });
    await Promise.all([buffer.write(first), buffer.write(second), buffer.write(third)]);
    expect(buffer.stats().flushes).toBe(1);
    // A retry of the second batch, and a later batch without context.
    expect(await buffer.write(withSession(accepted(projectId, 'fold-1', 1, 5)))).toEqual({ duplicate: true });
    await buffer.write(withSession(accepted(projectId, 'fold-1', 3, 1), { context: { browser: 'Firefox' } }));

    const rows = await store.query<SessionRow>('SELECT * FROM sessions WHERE project_id = $1', [projectId]);
    expect(rows).toHaveLength(1);
    const row = rows[0] as SessionRow;
    expect(row).toMatchObject({ id: 'fold-1', visitor_hash: HASH_A, url: 'https://shop.example/sofa', browser: 'Chrome', country: 'DE', anonymous_id: 'anon-1', user_id: 'user-1' });
    expect({ batches: Number(row.batches), events: Number(row.events) }).toEqual({ batches: 4, events: 16 });
    expect(row.started_at.getTime()).toBe(T0);
    expect(row.last_seen_at.getTime()).toBe(T0 + 3_000);
    const links = await store.query<{ session_id: string; anonymous_id: string; user_id: string }>(
      'SELECT session_id, anonymous_id, user_id FROM identity_links WHERE project_id = $1 ORDER BY user_id',
      [projectId],
    );
    expect(links).toEqual([
      { session_id: 'fold-1', anonymous_id: 'anon-1', user_id: '' },
      { session_id: 'fold-1', anonymous_id: 'anon-1', user_id: 'user-1' },
    ]);
    const usage = await store.query<{ events: string | number; batches: string | number; month: Date }>('SELECT events, batches, month FROM usage_monthly WHERE project_id = $1', [projectId]);
    expect(usage.map((u) => ({ events: Number(u.events), batches: Number(u.batches), month: u.month.toISOString() }))).toEqual([
      { events: 16, batches: 4, month: '2026-11-01T00:00:00.000Z' },
    ]);
  });

  it('stores a session whose context holds a NUL (PostgreSQL text cannot) with U+FFFD in its place, and counts events per hour and type', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store);
    const batch = withSession(accepted(projectId, 'nul-1', 0, 3), { context: { url: 'https://shop.example/a\u0000b', lang: 'de\u0000', browser: 'Chrome' }, anonymousId: 'anon\u0000x' });
    // One event an hour later, one of another type: three (hour, type) rows.
    batch.events.push({ ...(batch.events[0] as VantageEvent), t: T0 + 3_600_000 } as VantageEvent);
    batch.events.push({ type: 'custom', t: T0 + 10, name: 'add_to_cart', props: {} } as VantageEvent);
    await buffer.write(batch);
    const [row] = await store.query<SessionRow & { lang: string }>('SELECT * FROM sessions WHERE project_id = $1', [projectId]);
    expect(row).toMatchObject({ url: 'https://shop.example/a\ufffdb', lang: 'de\ufffd', anonymous_id: 'anon\ufffdx' });
    const counts = await store.query<{ hour: Date; type: string; events: string | number }>(
      'SELECT hour, type, events FROM event_counts_hourly WHERE project_id = $1 ORDER BY hour, type',
      [projectId],
    );
    expect(counts.map((c) => [c.hour.toISOString(), c.type, Number(c.events)])).toEqual([
      ['2026-11-23T09:00:00.000Z', 'camera', 3],
      ['2026-11-23T09:00:00.000Z', 'custom', 1],
      ['2026-11-23T10:00:00.000Z', 'camera', 1],
    ]);
  });

  it('gives a new session the visit\'s hash of the previous salt period when that visit was just seen', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store);
    await buffer.write(withSession(accepted(projectId, 'before-rotation', 0), { visitorHash: HASH_A }));
    // After the rotation the same visitor hashes to HASH_B now and to HASH_A under the previous salt.
    await buffer.write(withSession(accepted(projectId, 'after-rotation', 0), { visitorHash: HASH_B, previousVisitorHash: HASH_A }));
    // Someone else whose previous-period hash matches nothing keeps the current one.
    await buffer.write(withSession(accepted(projectId, 'stranger', 0), { visitorHash: 'c'.repeat(64), previousVisitorHash: 'd'.repeat(64) }));
    const rows = await store.query<{ id: string; visitor_hash: string }>('SELECT id, visitor_hash FROM sessions WHERE project_id = $1 ORDER BY id', [projectId]);
    expect(rows).toEqual([
      { id: 'after-rotation', visitor_hash: HASH_A },
      { id: 'before-rotation', visitor_hash: HASH_A },
      { id: 'stranger', visitor_hash: 'c'.repeat(64) },
    ]);
  });

  it('counts drops per day and reason, for stored batches once and for loose drops (bots) too', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store);
    const batch = accepted(projectId, 'drops-1', 0, 2);
    batch.dropCounts = { invalid_field: 2, channel_disabled: 1 };
    await buffer.write(batch);
    await buffer.write({ ...batch, dropCounts: { invalid_field: 2, channel_disabled: 1 } });
    await buffer.recordDrops({ projectId, at: T0, counts: { bot: 7 } });
    await buffer.recordDrops({ projectId, at: T0 + 60_000, counts: { bot: 3 } });
    const rows = await store.query<{ reason: string; events: string | number; day: Date }>('SELECT reason, events, day FROM drops_daily WHERE project_id = $1 ORDER BY reason', [projectId]);
    expect(rows.map((r) => [r.reason, Number(r.events), r.day.toISOString()])).toEqual([
      ['bot', 10, '2026-11-23T00:00:00.000Z'],
      ['channel_disabled', 1, '2026-11-23T00:00:00.000Z'],
      ['invalid_field', 2, '2026-11-23T00:00:00.000Z'],
    ]);
  });
});

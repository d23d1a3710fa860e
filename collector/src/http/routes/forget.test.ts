import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr } from 'msgpackr';
import { subjectHash } from '../../erasure/subject.js';
import type { Store } from '../../storage/types.js';
import { DRIVERS, openTestStore, startTestCollector, type TestCollector } from '../../testing/harness.js';
import { insertBatches, insertLetters, insertLinks, insertSessions, snapshotProject, type SeedLetter } from '../../testing/seed.js';

const packr = new Packr({ useRecords: false });
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

// A visitor (anon-alpha) browses in sess-one and sess-two, calls identify as user-ursula in
// sess-three; the same browser is later used by user-victor (sess-four). Ursula also has a
// second device (anon-beta: sess-five before identify, sess-six after) and a session known
// only from the sessions table (sess-thirteen). anon-gamma is somebody else; sess-eight has no ids.
const SESSIONS = [
  { id: 'sess-one', anon: 'anon-alpha' },
  { id: 'sess-two', anon: 'anon-alpha' },
  { id: 'sess-three', anon: 'anon-alpha', user: 'user-ursula' },
  { id: 'sess-four', anon: 'anon-alpha', user: 'user-victor' },
  { id: 'sess-five', anon: 'anon-beta' },
  { id: 'sess-six', anon: 'anon-beta', user: 'user-ursula' },
  { id: 'sess-seven', anon: 'anon-gamma' },
  { id: 'sess-eight' },
  { id: 'sess-thirteen', user: 'user-ursula' },
];
const LINKS: Array<[string, string, string]> = [
  ['sess-one', 'anon-alpha', ''],
  ['sess-two', 'anon-alpha', ''],
  ['sess-three', 'anon-alpha', 'user-ursula'],
  ['sess-four', 'anon-alpha', 'user-victor'],
  ['sess-five', 'anon-beta', ''],
  ['sess-six', 'anon-beta', 'user-ursula'],
  ['sess-seven', 'anon-gamma', ''],
];

function envelope(sid: string, ids: { anon?: string; user?: string } = {}): Record<string, unknown> {
  return { v: 1, sid, seq: 0, scene: 'seed-scene', sentAt: T0, t0: T0, ...ids };
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const tuple = packr.pack([3, 0, 1, 2, 3, 0, 0, 0, 99999]);
/** A msgpack body without its last bytes (an unfinished events array): it no longer decodes. */
const cutShort = (body: Uint8Array) => body.subarray(0, body.length - 4);

/** Letters by name; `erased` says whether forgetting user-ursula erases it, and why. */
const LETTERS: Array<{ name: string; erased: boolean; letter: SeedLetter }> = [
  { name: 'event in her session', erased: true, letter: { sessionId: 'sess-one', eventIndex: 0, envelope: envelope('sess-one', { anon: 'anon-alpha' }), payload: tuple } },
  { name: "event in victor's session", erased: false, letter: { sessionId: 'sess-four', eventIndex: 0, envelope: envelope('sess-four', { anon: 'anon-alpha', user: 'user-victor' }), payload: tuple } },
  { name: "event of anon-gamma", erased: false, letter: { sessionId: 'sess-seven', eventIndex: 1, envelope: envelope('sess-seven', { anon: 'anon-gamma' }), payload: tuple } },
  { name: 'event of her anon id, session unknown', erased: true, letter: { sessionId: 'sess-nine', eventIndex: 0, envelope: envelope('sess-nine', { anon: 'anon-alpha' }), payload: tuple } },
  { name: 'event naming her user id', erased: true, letter: { sessionId: 'sess-ten', eventIndex: 0, envelope: envelope('sess-ten', { user: 'user-ursula' }), payload: tuple } },
  { name: 'msgpack body of her anon id', erased: true, letter: { payload: packr.pack({ ...envelope('sess-eleven', { anon: 'anon-alpha' }), v: 99, events: [] }) } },
  { name: 'JSON beacon body naming her', erased: true, letter: { contentType: 'text/plain;charset=UTF-8', payload: json({ ...envelope('sess-twelve', { user: 'user-ursula' }), v: 2, events: [] }) } },
  {
    name: 'JSON body cut short',
    erased: true,
    letter: { contentType: 'application/json', reason: 'undecodable', payload: new TextEncoder().encode('{"v":1,"sid":"sess-fourteen","seq":0,"user" : "user-ursula","events":[[3,0,') },
  },
  {
    name: 'msgpack body cut short',
    erased: true,
    letter: { reason: 'undecodable', payload: cutShort(packr.pack({ ...envelope('sess-fifteen', { user: 'user-ursula' }), events: [[3, 0, 1, 2, 3]] })) },
  },
  { name: "somebody else's body", erased: false, letter: { contentType: 'application/json', payload: json({ ...envelope('sess-sixteen', { user: 'user-ulrich' }), v: 0 }) } },
  { name: "victor's body on the shared browser", erased: false, letter: { contentType: 'application/json', payload: json({ ...envelope('sess-seventeen', { anon: 'anon-alpha', user: 'user-victor' }), v: 0 }) } },
  { name: 'undecodable bytes', erased: false, letter: { reason: 'undecodable', payload: new Uint8Array([0xc1, 0xff, 0x00]) } },
  { name: "anonymous body in victor's session", erased: false, letter: { contentType: 'application/json', payload: json({ ...envelope('sess-four', { anon: 'anon-alpha' }), v: 0 }) } },
];

async function seedWorld(store: Store, projectId: string): Promise<Map<string, string>> {
  await insertSessions(store, projectId, SESSIONS);
  await insertLinks(store, projectId, LINKS);
  for (const s of SESSIONS) await insertBatches(store, projectId, s.id);
  // Every session saw one error: the error's sessions are per-session data, erased with them.
  for (const s of SESSIONS) {
    await store.query("INSERT INTO agg_error_sessions (project_id, scene_id, hour, fingerprint, session_id) VALUES ($1, 'seed-scene', $2, 'f00df00df00df00d', $3)", [projectId, new Date(T0), s.id]);
  }
  const ids = await insertLetters(store, projectId, LETTERS.map((l) => l.letter));
  return new Map(LETTERS.map((l, i) => [l.name, ids[i] as string]));
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function forget(c: TestCollector, body: unknown, key: string | null = c.sk, path = '/api/v1/forget'): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(`${c.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function column(store: Store, sql: string, projectId: string): Promise<string[]> {
  return (await store.query<{ v: string }>(sql, [projectId])).map((r) => r.v).sort();
}

async function forgetAudits(store: Store, projectId: string): Promise<Array<{ actor: string; target: string; detail: Record<string, unknown>; row: string }>> {
  return store.query(
    "SELECT actor, target, detail, row_to_json(a)::text AS row FROM audit_log a WHERE project_id = $1 AND action = 'forget' ORDER BY at, id",
    [projectId],
  );
}

describe.each(DRIVERS)('POST /api/v1/forget on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;
  let other: TestCollector;
  let letters: Map<string, string>;
  let theirs: Record<string, string[]>;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
    c = await startTestCollector(store);
    other = await startTestCollector(store);
    letters = await seedWorld(store, c.project.id);
    // The other project holds the very same ids: none of its rows may be touched.
    await seedWorld(store, other.project.id);
    theirs = await snapshotProject(store, other.project.id);
  });

  afterAll(async () => {
    await c?.close();
    await other?.close();
    await cleanup?.();
  });

  it('needs a secret key: none or an unknown one is 401 invalid_api_key, a pk key 403 forget_requires_secret_key', async () => {
    for (const path of ['/api/v1/forget', '/v1/forget']) {
      expect(await forget(c, { user_id: 'user-ursula' }, null, path)).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
      expect(await forget(c, { user_id: 'user-ursula' }, `sk_${'A'.repeat(54)}`, path)).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
      expect(await forget(c, { user_id: 'user-ursula' }, c.pk, path)).toMatchObject({ status: 403, body: { error: 'forget_requires_secret_key' } });
    }
    expect(await column(store, 'SELECT id AS v FROM sessions WHERE project_id = $1', c.project.id)).toHaveLength(SESSIONS.length);
  });

  it('refuses a body without a subject, with unknown fields or bad ids: 400 invalid_payload, nothing deleted', async () => {
    const before = await snapshotProject(store, c.project.id, ['rate_buckets']);
    const bodies: unknown[] = [{}, { project_id: other.project.id }, [], 'null', '{"user_id":', { user_id: '' }, { user_id: 'x'.repeat(129) }, { user_id: 7 }, { userId: 'user-ursula' }, { user_id: 'user-ursula', anon: 'anon-alpha' }];
    for (const body of bodies) {
      const res = await forget(c, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe('invalid_payload');
      expect(String(res.body.message)).not.toContain('user-ursula');
    }
    expect(await snapshotProject(store, c.project.id, ['rate_buckets'])).toEqual(before);
    expect(await forgetAudits(store, c.project.id)).toEqual([]);
  });

  it("erases a user with the sessions before identify, on every device, but not another user's session on a shared browser", async () => {
    const res = await forget(c, { user_id: 'user-ursula', project_id: other.project.id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: { sessions: 6, identity_links: 5, ingest_batches: 12, session_chunks: 0, dlq: 7, agg_error_sessions: 6 } });

    expect(await column(store, 'SELECT id AS v FROM sessions WHERE project_id = $1', c.project.id)).toEqual(['sess-eight', 'sess-four', 'sess-seven']);
    expect(await column(store, 'SELECT session_id AS v FROM agg_error_sessions WHERE project_id = $1', c.project.id)).toEqual(['sess-eight', 'sess-four', 'sess-seven']);
    expect(await column(store, "SELECT session_id || '|' || anonymous_id || '|' || user_id AS v FROM identity_links WHERE project_id = $1", c.project.id)).toEqual([
      'sess-four|anon-alpha|user-victor',
      'sess-seven|anon-gamma|',
    ]);
    expect(await column(store, "SELECT session_id || '/' || seq AS v FROM ingest_batches WHERE project_id = $1", c.project.id)).toEqual(
      ['sess-eight/0', 'sess-eight/1', 'sess-four/0', 'sess-four/1', 'sess-seven/0', 'sess-seven/1'],
    );
    const kept = await column(store, 'SELECT id::text AS v FROM dlq WHERE project_id = $1', c.project.id);
    expect(kept).toEqual(LETTERS.filter((l) => !l.erased).map((l) => letters.get(l.name)).sort());

    // The other project, holding the same ids, is untouched (the project_id field is ignored).
    expect(await snapshotProject(store, other.project.id)).toEqual(theirs);
  });

  it('writes an audit row naming the subject only by a hash, with the counts', async () => {
    const audits = await forgetAudits(store, c.project.id);
    expect(audits).toHaveLength(1);
    const [audit] = audits;
    const skId = c.keys.find((k) => k.kind === 'sk')?.id;
    expect(audit).toMatchObject({
      actor: `key:${skId}`,
      target: subjectHash(c.project.id, 'user_id', 'user-ursula'),
      detail: { subject: ['user_id'], deleted: { sessions: 6, identity_links: 5, ingest_batches: 12, session_chunks: 0, dlq: 7, agg_error_sessions: 6 } },
    });
    expect(audit?.target).toMatch(/^[0-9a-f]{64}$/);
    // Recomputing needs the project too: the same user id elsewhere hashes differently.
    expect(subjectHash(other.project.id, 'user_id', 'user-ursula')).not.toBe(audit?.target);
    for (const id of ['user-ursula', 'anon-alpha', 'anon-beta', 'sess-one', 'sess-three']) expect(audit?.row).not.toContain(id);
    expect(await forgetAudits(store, other.project.id)).toEqual([]);
  });

  it('is idempotent: erasing again answers zeros and is audited again', async () => {
    const before = await snapshotProject(store, c.project.id, ['rate_buckets']);
    const res = await forget(c, { user_id: 'user-ursula' });
    expect(res).toEqual({ status: 200, body: { deleted: { sessions: 0, identity_links: 0, ingest_batches: 0, session_chunks: 0, dlq: 0, agg_error_sessions: 0 } } });
    const after = await snapshotProject(store, c.project.id, ['rate_buckets']);
    expect(after.audit_log).toHaveLength((before.audit_log?.length ?? 0) + 1);
    expect({ ...after, audit_log: [] }).toEqual({ ...before, audit_log: [] });
    expect((await forgetAudits(store, c.project.id)).map((a) => a.target)).toEqual([
      subjectHash(c.project.id, 'user_id', 'user-ursula'),
      subjectHash(c.project.id, 'user_id', 'user-ursula'),
    ]);
  });

  it('erases by anonymous id and by session id, several at once, on /v1/forget too', async () => {
    const res = await forget(c, { anonymous_id: 'anon-gamma', session_id: 'sess-eight' }, c.sk, '/v1/forget');
    expect(res).toEqual({ status: 200, body: { deleted: { sessions: 2, identity_links: 1, ingest_batches: 4, session_chunks: 0, dlq: 1, agg_error_sessions: 2 } } });
    expect(await column(store, 'SELECT id AS v FROM sessions WHERE project_id = $1', c.project.id)).toEqual(['sess-four']);
    expect(await column(store, 'SELECT id::text AS v FROM dlq WHERE project_id = $1', c.project.id)).not.toContain(letters.get('event of anon-gamma'));
    const last = (await forgetAudits(store, c.project.id)).at(-1);
    expect(last?.target).toBe(`${subjectHash(c.project.id, 'anonymous_id', 'anon-gamma')},${subjectHash(c.project.id, 'session_id', 'sess-eight')}`);
    expect(last?.detail).toMatchObject({ subject: ['anonymous_id', 'session_id'] });

    // An anonymous id reaches every session it appeared in, identified ones included.
    expect((await forget(c, { anonymous_id: 'anon-alpha' })).body).toEqual({ deleted: { sessions: 1, identity_links: 1, ingest_batches: 2, session_chunks: 0, dlq: 3, agg_error_sessions: 1 } });
    expect(await snapshotProject(store, other.project.id)).toEqual(theirs);
  });

  it('answers 500 forget_failed when the store refuses, and then nothing is deleted and nothing audited', async () => {
    await insertSessions(store, c.project.id, [{ id: 'sess-twenty', anon: 'anon-delta', user: 'user-wanda' }]);
    await insertLinks(store, c.project.id, [['sess-twenty', 'anon-delta', 'user-wanda']]);
    await insertBatches(store, c.project.id, 'sess-twenty');
    await store.query("INSERT INTO agg_error_sessions (project_id, scene_id, hour, fingerprint, session_id) VALUES ($1, 'seed-scene', $2, 'f00df00df00df00d', 'sess-twenty')", [c.project.id, new Date(T0)]);
    await insertLetters(store, c.project.id, [{ sessionId: 'sess-twenty', eventIndex: 0, envelope: envelope('sess-twenty', { user: 'user-wanda' }), payload: tuple }]);
    const before = await snapshotProject(store, c.project.id, ['rate_buckets']);

    await store.query(`CREATE FUNCTION test_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'sessions refuse deletes in this test'; END $$`);
    await store.query('CREATE TRIGGER test_refuse_delete BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION test_refuse_delete()');
    try {
      const res = await forget(c, { user_id: 'user-wanda' });
      expect(res.status).toBe(500);
      expect(res.body.error).toBe('forget_failed');
      expect(String(res.body.message)).not.toContain('user-wanda');
      expect(await snapshotProject(store, c.project.id, ['rate_buckets'])).toEqual(before);
    } finally {
      await store.query('DROP TRIGGER test_refuse_delete ON sessions');
      await store.query('DROP FUNCTION test_refuse_delete()');
    }
    expect((await forget(c, { user_id: 'user-wanda' })).body).toEqual({ deleted: { sessions: 1, identity_links: 1, ingest_batches: 2, session_chunks: 0, dlq: 1, agg_error_sessions: 1 } });
    expect(await snapshotProject(store, other.project.id)).toEqual(theirs);
  });
});

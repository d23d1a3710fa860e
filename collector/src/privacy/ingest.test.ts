/**
 * The privacy promises as ingest keeps them, checked on what is stored: privacy modes, bots,
 * trusted proxies, visitor and IP hashes, rotation, and event minimisation (URLs, properties).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr, unpack } from 'msgpackr';
import { encodeBatch, type VantageEvent, type WireBatch } from '@vantage/sdk-core/schema';
import type { PrivacyMode } from '../config.js';
import type { Store } from '../storage/types.js';
import { BROWSER_USER_AGENT, DRIVERS, openTestStore, startTestCollector, storedEventCount, type TestCollector } from '../testing/harness.js';
import { createProject } from '../tenants/projects.js';
import { ipHmac, visitorHmac } from './hmac.js';
import { createVisitorPipeline } from './visitor.js';

const packr = new Packr({ useRecords: false });
const T0 = Date.now() - 60_000;
const PAGE = 'https://shop.example/products/sofa?utm_source=news&utm_campaign=spring&email=jane%40mail.example&gclid=abc123#reviews';
const REFERRER = 'https://news.example/articles/sofas?session=s3cr3t';
const PUBLIC_IP = '81.2.69.160'; // GB in the shipped database
const OTHER_IP = '193.0.6.139'; // NL

interface SessionRow extends Record<string, unknown> {
  id: string;
  privacy_mode: string;
  visitor_hash: string;
  ip_hash: string | null;
  url: string | null;
  referrer_origin: string | null;
  gpu_class: string | null;
  lang: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  country: string | null;
  anonymous_id: string | null;
  user_id: string | null;
}

function sessionStart(t = T0): VantageEvent {
  return { type: 'session_start', t, url: PAGE, viewportW: 1280, viewportH: 720, dpr100: 100, sdk: 'three/0.1.0', referrer: REFERRER, lang: 'en-GB', gpu: 'integrated' };
}

function camera(t: number): VantageEvent {
  return { type: 'camera', t, px: 0, py: 1, pz: 2, qx: 0, qy: 0, qz: 0, qw: 32767 };
}

function batchOf(sid: string, seq: number, events: VantageEvent[], extra: Partial<WireBatch> = {}): WireBatch {
  return { ...encodeBatch({ sid, seq, scene: 'sofa', sentAt: T0 + seq * 1_000 + 500 }, events), ...extra };
}

async function send(url: string, key: string, body: WireBatch, headers: Record<string, string | undefined> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const all: Record<string, string> = { 'Content-Type': 'application/msgpack', Authorization: `Bearer ${key}` };
  for (const [name, value] of Object.entries({ 'User-Agent': BROWSER_USER_AGENT, ...headers })) if (value !== undefined) all[name] = value;
  const response = await fetch(`${url}/api/v1/collect`, { method: 'POST', headers: all, body: packr.pack(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.each(DRIVERS)('privacy at ingest on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  /** TRUST_PROXY=1: the last X-Forwarded-For hop is the client. */
  let c: TestCollector;
  /** TRUST_PROXY off. */
  let untrusting: TestCollector;
  const run = `${driver}_${Date.now().toString(36)}`;

  beforeAll(async () => {
    const opened = await openTestStore(driver, inject('postgresUrl'));
    store = opened.store;
    cleanup = opened.cleanup;
    c = await startTestCollector(store, { TRUST_PROXY: '1' });
    untrusting = await startTestCollector(store, {});
  });

  afterAll(async () => {
    await c?.close();
    await untrusting?.close();
    await cleanup?.();
  });

  async function projectKey(mode: PrivacyMode): Promise<{ projectId: string; pk: string }> {
    const { project, keys } = await createProject(store, { name: `mode ${mode}`, privacyMode: mode, retentionDays: 90 }, 'test');
    return { projectId: project.id, pk: keys.find((k) => k.kind === 'pk')?.token ?? '' };
  }

  const sessionRows = (projectId: string) => store.query<SessionRow>('SELECT * FROM sessions WHERE project_id = $1 ORDER BY id', [projectId]);

  it.each<[PrivacyMode]>([['standard'], ['strict'], ['paranoid']])('keeps exactly what the %s mode allows', async (mode) => {
    const { projectId, pk } = await projectKey(mode);
    const sid = `mode_${mode}_${run}`;
    const first = await send(c.url, pk, batchOf(sid, 0, [sessionStart(), camera(T0 + 10)], { anon: 'anon-7', user: 'user-7' }), { 'X-Forwarded-For': PUBLIC_IP });
    expect(first).toEqual({ status: 202, body: { accepted: 2, dropped: {} } });
    const second = await send(c.url, pk, batchOf(sid, 1, [camera(T0 + 1_010)], { anon: 'anon-7', user: 'user-7' }), { 'X-Forwarded-For': PUBLIC_IP });
    expect(second.status).toBe(202);

    const rows = await sessionRows(projectId);
    expect(rows).toHaveLength(1);
    const row = rows[0] as SessionRow;
    expect(row.visitor_hash).toMatch(/^[0-9a-f]{64}$/);
    expect({ batches: Number(row.batches), events: Number(row.events) }).toEqual({ batches: 2, events: 3 });
    const context = {
      url: row.url, referrer_origin: row.referrer_origin, gpu_class: row.gpu_class, lang: row.lang,
      browser: row.browser, os: row.os, device_type: row.device_type, country: row.country,
      ip_hash: row.ip_hash === null ? null : 'set', anonymous_id: row.anonymous_id, user_id: row.user_id,
    };
    const strict = {
      url: 'https://shop.example/products/sofa?utm_source=news&utm_campaign=spring',
      referrer_origin: 'https://news.example',
      gpu_class: 'integrated',
      lang: 'en',
      browser: 'Chrome',
      os: 'Windows',
      device_type: 'desktop',
      ip_hash: 'set',
      anonymous_id: 'anon-7',
      user_id: 'user-7',
    };
    const links = await store.query('SELECT anonymous_id, user_id FROM identity_links WHERE project_id = $1', [projectId]);
    if (mode === 'standard') {
      expect(context).toEqual({ ...strict, country: 'GB' });
      expect(links).toEqual([{ anonymous_id: 'anon-7', user_id: 'user-7' }]);
    } else if (mode === 'strict') {
      expect(context).toEqual({ ...strict, country: null });
      expect(links).toHaveLength(1);
    } else {
      // Nothing but the scene, the events and the visitor hash.
      expect(context).toEqual({
        url: null, referrer_origin: null, gpu_class: null, lang: null, browser: null, os: null, device_type: null,
        country: null, ip_hash: null, anonymous_id: null, user_id: null,
      });
      expect(links).toEqual([]);
      expect(row.scene_id).toBe('sofa');
    }
    expect(await storedEventCount(store, projectId)).toBe(3);
  });

  it('hashes the visitor from the trusted client address and the user agent, with an ip_hash of 16 bytes', async () => {
    const sid = `hash_${run}`;
    // The first hop is whatever the client claims; with one trusted proxy the last hop is the client.
    expect((await send(c.url, c.pk, batchOf(sid, 0, [sessionStart()]), { 'X-Forwarded-For': `10.9.9.9, ${PUBLIC_IP}` })).status).toBe(202);
    const [row] = await store.query<SessionRow>('SELECT * FROM sessions WHERE project_id = $1 AND id = $2', [c.project.id, sid]);
    const [visitorSalt] = await store.query<{ salt: Uint8Array }>("SELECT salt FROM visitor_salts WHERE project_id = $1 AND kind = 'visitor' ORDER BY period_start DESC LIMIT 1", [c.project.id]);
    const [ipSalt] = await store.query<{ salt: Uint8Array }>("SELECT salt FROM visitor_salts WHERE project_id = $1 AND kind = 'ip' ORDER BY period_start DESC LIMIT 1", [c.project.id]);
    expect(row?.visitor_hash).toBe(visitorHmac(visitorSalt?.salt ?? new Uint8Array(), c.project.id, PUBLIC_IP, BROWSER_USER_AGENT));
    expect(row?.ip_hash).toBe(ipHmac(ipSalt?.salt ?? new Uint8Array(), PUBLIC_IP));
    expect(row?.ip_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(row?.country).toBe('GB');
  });

  it('ignores a client-sent X-Forwarded-For unless TRUST_PROXY says otherwise', async () => {
    const a = `xff_a_${run}`;
    const b = `xff_b_${run}`;
    await send(untrusting.url, untrusting.pk, batchOf(a, 0, [sessionStart()]), { 'X-Forwarded-For': PUBLIC_IP });
    await send(untrusting.url, untrusting.pk, batchOf(b, 0, [sessionStart()]), { 'X-Forwarded-For': OTHER_IP });
    const rows = await sessionRows(untrusting.project.id);
    expect(rows.map((r) => r.id)).toEqual([a, b]);
    // Both hashed from the socket (127.0.0.1): one visitor, no country (a private address).
    expect(rows[0]?.visitor_hash).toBe(rows[1]?.visitor_hash);
    expect(rows.map((r) => r.country)).toEqual([null, null]);

    // Trusted, the two addresses are two visitors in two countries.
    const x = `xff_x_${run}`;
    const y = `xff_y_${run}`;
    await send(c.url, c.pk, batchOf(x, 0, [sessionStart()]), { 'X-Forwarded-For': PUBLIC_IP });
    await send(c.url, c.pk, batchOf(y, 0, [sessionStart()]), { 'X-Forwarded-For': OTHER_IP });
    const trusted = (await sessionRows(c.project.id)).filter((r) => r.id === x || r.id === y);
    expect(trusted.map((r) => r.country)).toEqual(['GB', 'NL']);
    expect(trusted[0]?.visitor_hash).not.toBe(trusted[1]?.visitor_hash);
  });

  it('drops bots and senders without a user agent with reason bot, counting them and storing nothing else', async () => {
    const { projectId, pk } = await projectKey('standard');
    const headless = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/150.0.0.0 Safari/537.36';
    const crawler = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
    for (const [i, userAgent] of [headless, crawler, 'curl/8.5.0', ''].entries()) {
      const res = await send(c.url, pk, batchOf(`bot_${i}_${run}`, 0, [sessionStart(), camera(T0 + 5)]), { 'User-Agent': userAgent });
      expect(res).toEqual({ status: 202, body: { accepted: 0, dropped: { bot: 2 } } });
    }
    expect(await sessionRows(projectId)).toEqual([]);
    expect(await storedEventCount(store, projectId)).toBe(0);
    expect(await store.query('SELECT 1 FROM ingest_batches WHERE project_id = $1', [projectId])).toEqual([]);
    expect(await store.query('SELECT 1 FROM dlq WHERE project_id = $1', [projectId])).toEqual([]);
    const drops = await store.query<{ reason: string; events: string | number }>('SELECT reason, events FROM drops_daily WHERE project_id = $1', [projectId]);
    expect(drops.map((d) => [d.reason, Number(d.events)])).toEqual([['bot', 8]]);
    // A browser with the same key is accepted.
    expect((await send(c.url, pk, batchOf(`human_${run}`, 0, [sessionStart()]))).body).toEqual({ accepted: 1, dropped: {} });
  });

  it('keeps one hash for a visit across a salt rotation, and a new hash for someone else', async () => {
    const { projectId, pk } = await projectKey('standard');
    await store.query('UPDATE projects SET hash_rotation_hours = 1 WHERE id = $1', [projectId]);
    const clock = { now: Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_599_000 };
    const original = c.deps.visitors;
    c.deps.visitors = createVisitorPipeline(store, c.deps.config, { now: () => clock.now });
    try {
      const visitor = { 'X-Forwarded-For': PUBLIC_IP };
      await send(c.url, pk, batchOf(`rot_1_${run}`, 0, [sessionStart()]), visitor);
      clock.now += 2_000; // past the hour: a new salt
      // The open session goes on; a new session of the same visitor starts; someone else arrives.
      await send(c.url, pk, batchOf(`rot_1_${run}`, 1, [camera(T0 + 1_100)]), visitor);
      await send(c.url, pk, batchOf(`rot_2_${run}`, 0, [sessionStart()]), visitor);
      await send(c.url, pk, batchOf(`rot_3_${run}`, 0, [sessionStart()]), { 'X-Forwarded-For': OTHER_IP });
      const rows = await sessionRows(projectId);
      expect(rows.map((r) => r.id)).toEqual([`rot_1_${run}`, `rot_2_${run}`, `rot_3_${run}`]);
      expect(rows[1]?.visitor_hash).toBe(rows[0]?.visitor_hash);
      expect(rows[2]?.visitor_hash).not.toBe(rows[0]?.visitor_hash);
      expect(Number(rows[0]?.batches)).toBe(2);
      // Two rotations later the first salt is gone: the stored hash cannot be recomputed.
      clock.now += 2 * 3_600_000;
      await send(c.url, pk, batchOf(`rot_4_${run}`, 0, [sessionStart()]), visitor);
      const salts = await store.query<{ salt: Uint8Array }>("SELECT salt FROM visitor_salts WHERE kind = 'visitor'");
      for (const { salt } of salts) expect(visitorHmac(salt, projectId, PUBLIC_IP, BROWSER_USER_AGENT)).not.toBe(rows[0]?.visitor_hash);
    } finally {
      c.deps.visitors = original;
    }
  });

  it('replaces properties over 8 KB and drops query strings in what it keeps of a rejected event', async () => {
    const sid = `props_${run}`;
    const big = { notes: 'x'.repeat(9_000) };
    const ok: VantageEvent = { type: 'custom', t: T0 + 1, name: 'configured', props: big };
    const batch = batchOf(sid, 0, [ok]);
    // A second custom event with a name the schema refuses: it goes to the DLQ with its props.
    (batch.events as unknown[]).push([10, 2, 'bad name!', big]);
    // An asset load whose size is negative: refused, kept without its query string.
    (batch.events as unknown[]).push([9, 3, 'https://cdn.example/sofa.glb?token=s3cr3t&utm_source=x', 'model', 10, true, -5]);
    const res = await send(c.url, c.pk, batch);
    expect(res.body).toEqual({ accepted: 1, dropped: { invalid_field: 2 } });
    const letters = await store.query<{ payload: Uint8Array; event_index: number }>('SELECT payload, event_index FROM dlq WHERE project_id = $1 AND session_id = $2 ORDER BY event_index', [c.project.id, sid]);
    expect(letters).toHaveLength(2);
    const [custom, asset] = letters.map((l) => unpack(l.payload) as unknown[]);
    expect(custom?.[3]).toEqual({ __truncated: true, original_bytes: Buffer.byteLength(JSON.stringify(big)) });
    expect(asset?.[2]).toBe('https://cdn.example/sofa.glb?utm_source=x');
  });

  it('erasing a user reaches what ingest wrote: the sessions before identify, their links, ledger, dead letters and the errors they saw', async () => {
    const { project, keys } = await createProject(store, { name: 'erasure e2e', privacyMode: 'standard', retentionDays: 90 }, 'test');
    const pk = keys.find((k) => k.kind === 'pk')?.token ?? '';
    const sk = keys.find((k) => k.kind === 'sk')?.token ?? '';
    const sid = (n: number) => `erase_${n}_${run}`;
    // Browsing anonymously in two sessions (one with a broken event), then identifying in a third;
    // someone else meanwhile.
    const broken = batchOf(sid(1), 0, [sessionStart()], { anon: 'anon-e' });
    (broken.events as unknown[]).push([9, 3, 'https://cdn.example/x.glb', 'model', 10, true, -5]);
    expect((await send(c.url, pk, broken)).body).toEqual({ accepted: 1, dropped: { invalid_field: 1 } });
    // Errors on: which sessions saw an error is per-session data too.
    const scene = await fetch(`${c.url}/api/v1/scenes/sofa`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${sk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ capture: { runtime_error: true } }),
    });
    expect(scene.status).toBe(200);
    const error: VantageEvent = { type: 'runtime_error', t: T0 + 200, message: 'TypeError: x is undefined', source: 'https://shop.example/app.js' };
    expect((await send(c.url, pk, batchOf(sid(2), 0, [sessionStart(), error], { anon: 'anon-e' }))).body).toEqual({ accepted: 2, dropped: {} });
    await send(c.url, pk, batchOf(sid(3), 0, [sessionStart()], { anon: 'anon-e', user: 'user-e' }));
    expect((await send(c.url, pk, batchOf(sid(4), 0, [sessionStart(), error], { anon: 'anon-other', user: 'user-other' }))).body).toEqual({ accepted: 2, dropped: {} });
    expect(await store.query('SELECT session_id FROM agg_error_sessions WHERE project_id = $1 ORDER BY session_id', [project.id])).toEqual([{ session_id: sid(2) }, { session_id: sid(4) }]);
    const counted = await storedEventCount(store, project.id);

    const response = await fetch(`${c.url}/api/v1/forget`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: 'user-e' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deleted: { sessions: 3, identity_links: 3, ingest_batches: 3, session_chunks: 0, dlq: 1, agg_error_sessions: 1 } });
    expect(await store.query('SELECT session_id FROM agg_error_sessions WHERE project_id = $1', [project.id])).toEqual([{ session_id: sid(4) }]);
    expect((await sessionRows(project.id)).map((r) => r.id)).toEqual([sid(4)]);
    expect(await store.query('SELECT session_id FROM identity_links WHERE project_id = $1', [project.id])).toEqual([{ session_id: sid(4) }]);
    expect(await store.query('SELECT 1 FROM dlq WHERE project_id = $1', [project.id])).toEqual([]);
    // Aggregates hold no ids and stay.
    expect(await storedEventCount(store, project.id)).toBe(counted);
  });
});

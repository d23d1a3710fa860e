/**
 * `WS /api/v1/live` through a real collector (`startCollector`, the wiring `vantage serve`
 * uses) on both stores: who may open it, presence per scene of the key's project only, live
 * follow of a session's new batches with raw retention on (and its refusal with it off), and a
 * stop closing live sockets with 1001.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr } from 'msgpackr';
import { encodeBatch, type VantageEvent } from '@vantage/sdk-core/schema';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { startCollector, type RunningCollector } from '../server.js';
import { createProject, revokeKey, type CreatedKey, type Project } from '../tenants/projects.js';
import { BROWSER_USER_AGENT, createTestDatabase, DRIVERS, type TestDatabase } from '../testing/harness.js';
import { nothingArrives, openLive, refusedUpgrade, type LiveClient } from '../testing/live-client.js';
import type { EventsMessage, PresenceMessage, ServerMessage } from './protocol.js';
import { mintLiveToken } from './tokens.js';

const packr = new Packr({ useRecords: false });
const NOW = Date.UTC(2026, 11, 8, 12, 0, 0);
const ORIGIN = 'https://shop.example';

interface Tenant {
  project: Project;
  pk: string;
  sk: string;
  skKey: CreatedKey;
}

interface Running {
  database: TestDatabase;
  collector: RunningCollector;
}

async function start(driver: (typeof DRIVERS)[number], env: Record<string, string>): Promise<Running> {
  const database = await createTestDatabase(driver, inject('postgresUrl'));
  const config = loadConfig({ ...database.env, PORT: '0', LOG_LEVEL: 'silent', ...env });
  const collector = await startCollector(config, { createDemo: false, log: createLogger('silent') });
  // Zero clock skew: accepted events keep the times they were sent with.
  collector.deps.clock = () => NOW;
  return { database, collector };
}

async function tenant(running: Running): Promise<Tenant> {
  const { project, keys } = await createProject(
    running.collector.deps.store,
    { name: `live ${randomBytes(3).toString('hex')}`, privacyMode: 'standard', retentionDays: 90, allowedOrigins: [ORIGIN] },
    'test',
  );
  const skKey = keys.find((k) => k.kind === 'sk') as CreatedKey;
  return { project, pk: keys.find((k) => k.kind === 'pk')?.token ?? '', sk: skKey.token, skKey };
}

function cameraEvents(seq: number, n = 5): VantageEvent[] {
  return Array.from({ length: n }, (_, i) => ({ type: 'camera', t: NOW - 10_000 + seq * 1000 + i * 100, px: seq * 100 + i, py: 1600, pz: -2900, qx: 0, qy: 2100, qz: 0, qw: 32700 }) as VantageEvent);
}

async function send(url: string, t: Tenant, sid: string, seq: number, scene: string, events: VantageEvent[]): Promise<void> {
  const response = await fetch(`${url}/api/v1/collect`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${t.pk}`, 'Content-Type': 'application/msgpack', 'User-Agent': BROWSER_USER_AGENT },
    body: packr.pack(encodeBatch({ sid, seq, scene, sentAt: NOW }, events)),
  });
  expect(response.status).toBe(202);
}

const isPresence = (m: ServerMessage): m is PresenceMessage => m.type === 'presence';
const isEvents = (m: ServerMessage): m is EventsMessage => m.type === 'events';

describe.each(DRIVERS)('live channel on the %s store', (driver) => {
  let on: Running;
  let off: Running;
  let a: Tenant;
  let b: Tenant;
  let offTenant: Tenant;
  const clients: LiveClient[] = [];
  const url = () => on.collector.url;

  async function connect(baseUrl: string, options: Parameters<typeof openLive>[1]): Promise<LiveClient> {
    const client = await openLive(baseUrl, options);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    on = await start(driver, { ENABLE_RAW_SESSION_RETENTION: 'true' });
    off = await start(driver, {});
    a = await tenant(on);
    b = await tenant(on);
    offTenant = await tenant(off);
  });

  afterAll(async () => {
    for (const c of clients) c.socket.terminate();
    for (const r of [on, off]) {
      await r?.collector.stop();
      await r?.database.cleanup();
    }
  });

  it('refuses pk keys, bad keys, keys in the URL, expired, tampered or revoked tokens and other origins', async () => {
    expect(await refusedUpgrade(url(), { key: a.pk })).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    expect(await refusedUpgrade(url(), { key: `sk_${'x'.repeat(54)}` })).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
    expect(await refusedUpgrade(url(), {})).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
    expect(await refusedUpgrade(url(), { token: a.sk })).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
    expect(await refusedUpgrade(url(), { key: a.sk, origin: 'https://evil.example' })).toMatchObject({ status: 403, body: { error: 'origin_not_allowed' } });
    expect(await refusedUpgrade(url(), { key: a.sk, path: '/api/v1/elsewhere' })).toMatchObject({ status: 404, body: { error: 'not_found' } });

    const key = { projectId: a.project.id, keyId: a.skKey.id, kind: 'sk' as const };
    const expired = await mintLiveToken(on.collector.deps.store, key, Date.now() - 61_000);
    expect(await refusedUpgrade(url(), { token: expired.token })).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
    const good = await mintLiveToken(on.collector.deps.store, key, Date.now());
    const [payload, signature] = good.token.slice(3).split('.') as [string, string];
    const claim = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { p: string; e: number };
    for (const forged of [
      `lt_${Buffer.from(JSON.stringify({ ...claim, p: b.project.id })).toString('base64url')}.${signature}`,
      `lt_${Buffer.from(JSON.stringify({ ...claim, e: claim.e + 3_600_000 })).toString('base64url')}.${signature}`,
      `lt_${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
      `lt_${payload}`,
    ]) {
      expect(await refusedUpgrade(url(), { token: forged })).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
    }
    // The untampered token opens, from an allowed origin too.
    (await connect(url(), { token: good.token, origin: ORIGIN })).socket.close();

    // A revoked key's tokens stop working at once.
    const other = await tenant(on);
    const minted = await mintLiveToken(on.collector.deps.store, { projectId: other.project.id, keyId: other.skKey.id, kind: 'sk' }, Date.now());
    await revokeKey(on.collector.deps.store, other.project.id, other.skKey.id, 'test');
    expect(await refusedUpgrade(url(), { token: minted.token })).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
  });

  it('POST /api/v1/live/token mints a ~60 s token for sk keys only, which opens the channel', async () => {
    const post = (key: string) => fetch(`${url()}/api/v1/live/token`, { method: 'POST', headers: { Authorization: `Bearer ${key}` } });
    const refused = await post(a.pk);
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([403, 'insufficient_scope']);
    const response = await post(a.sk);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: string };
    expect(token).toMatch(/^lt_[\w-]+\.[\w-]+$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(50_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    const client = await connect(url(), { token });
    expect((await client.next(isPresence)).type).toBe('presence');
    client.socket.close();
  });

  it('pushes presence per scene for the key\'s project only: at connect and every ~2 s', async () => {
    await send(url(), a, 'pres_a_000001', 0, 'sofa', cameraEvents(0));
    await send(url(), a, 'pres_a_000002', 0, 'sofa', cameraEvents(0));
    await send(url(), a, 'pres_a_000003', 0, 'lamp', cameraEvents(0));
    await send(url(), b, 'pres_b_000001', 0, 'b-only-scene', cameraEvents(0));
    const client = await connect(url(), { key: a.sk });
    const first = await client.next<PresenceMessage>(isPresence);
    expect(first.scenes).toEqual({ sofa: 2, lamp: 1 });
    expect(Math.abs(first.at - Date.now())).toBeLessThan(5_000);

    // A session moving to another scene counts there; a new one counts at the next push.
    await send(url(), a, 'pres_a_000002', 1, 'lamp', cameraEvents(1));
    await send(url(), a, 'pres_a_000004', 0, 'lamp', cameraEvents(0));
    const pushed = await client.next<PresenceMessage>((m) => isPresence(m) && m.scenes.lamp === 3, 4_000);
    expect(pushed.scenes).toEqual({ sofa: 1, lamp: 3 });
    const bClient = await connect(url(), { key: b.sk });
    expect((await bClient.next<PresenceMessage>(isPresence)).scenes).toEqual({ 'b-only-scene': 1 });
    expect(client.messages.filter(isPresence).some((m) => 'b-only-scene' in m.scenes)).toBe(false);
  });

  it('follows a session: each new batch arrives as the events that were accepted, until unfollow', async () => {
    const sid = 'follow_a_0001';
    await send(url(), a, sid, 0, 'sofa', cameraEvents(0));
    const client = await connect(url(), { key: a.sk });
    client.send({ type: 'follow', session: sid });
    expect(await client.next((m) => m.type === 'following')).toEqual({ type: 'following', session: sid });

    const sent = [...cameraEvents(1), { type: 'custom', t: NOW - 8_500, name: 'variant_change', props: { fabric: 'velvet' } } as VantageEvent];
    const before = Date.now();
    await send(url(), a, sid, 1, 'sofa', sent);
    const message = await client.next<EventsMessage>(isEvents, 3_000);
    expect(Date.now() - before).toBeLessThan(1_500);
    expect(message).toEqual({ type: 'events', session: sid, seq: 1, events: [...sent].sort((x, y) => x.t - y.t) });
    // The same events the stream endpoint answers for that batch.
    const stream = await fetch(`${url()}/api/v1/sessions/${sid}/events?from=${NOW - 9_000}`, { headers: { Authorization: `Bearer ${a.sk}` } });
    const lines = (await stream.text()).trimEnd().split('\n').slice(1).map((l) => JSON.parse(l) as VantageEvent);
    expect(lines).toEqual(message.events);

    client.send({ type: 'unfollow' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await send(url(), a, sid, 2, 'sofa', cameraEvents(2));
    expect(await nothingArrives(client, isEvents, 1_000)).toEqual([]);
  });

  it('never delivers another project\'s session: not_found for its id, nothing for the same id in another project', async () => {
    await send(url(), b, 'b_private_0001', 0, 'sofa', cameraEvents(0));
    const client = await connect(url(), { key: a.sk });
    client.send({ type: 'follow', session: 'b_private_0001' });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ type: 'error', error: 'not_found' });
    client.send({ type: 'follow', session: 'never_seen_0001' });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ type: 'error', error: 'not_found' });

    // One session id in both projects: A follows its own, B's batches never reach A.
    const shared = 'shared_sess_0001';
    await send(url(), a, shared, 0, 'sofa', cameraEvents(0));
    client.send({ type: 'follow', session: shared });
    await client.next((m) => m.type === 'following');
    await send(url(), b, 'b_private_0001', 1, 'sofa', cameraEvents(1));
    await send(url(), b, shared, 0, 'sofa', cameraEvents(7, 9));
    await send(url(), b, shared, 1, 'sofa', cameraEvents(8, 9));
    expect(await nothingArrives(client, isEvents, 1_200)).toEqual([]);
    await send(url(), a, shared, 1, 'sofa', cameraEvents(1));
    const own = await client.next<EventsMessage>(isEvents, 3_000);
    expect(own.events).toEqual(cameraEvents(1));
  });

  it('answers malformed messages with invalid_payload and keeps the connection', async () => {
    const client = await connect(url(), { key: a.sk });
    client.socket.send('not json');
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ error: 'invalid_payload' });
    client.send({ type: 'follow' });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ error: 'invalid_payload' });
    client.send({ type: 'dance' });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ error: 'invalid_payload' });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('with raw retention off answers raw_retention_disabled and sends nothing of the session', async () => {
    const sid = 'off_sess_0001';
    await send(off.collector.url, offTenant, sid, 0, 'sofa', cameraEvents(0));
    const client = await connect(off.collector.url, { key: offTenant.sk });
    expect((await client.next<PresenceMessage>(isPresence)).scenes).toEqual({ sofa: 1 });
    client.send({ type: 'follow', session: sid });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ type: 'error', error: 'raw_retention_disabled' });
    await send(off.collector.url, offTenant, sid, 1, 'sofa', cameraEvents(1));
    expect(await nothingArrives(client, (m) => m.type !== 'presence', 1_000)).toEqual([]);
  });

  it('closes live sockets with 1001 when the collector stops', async () => {
    const client = await connect(off.collector.url, { key: offTenant.sk });
    await client.next(isPresence);
    await off.collector.stop();
    expect((await client.closed).code).toBe(1001);
  });
});

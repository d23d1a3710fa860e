/**
 * Live fan-out across processes: two real `vantage serve` processes on one PostgreSQL database
 * (raw retention on). A client of process A, opened with a live token minted by process B,
 * follows a session whose batches are sent to B and receives them; presence on A counts the
 * sessions B ingested. SIGTERM closes A's live sockets with 1001.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr } from 'msgpackr';
import { encodeBatch, type VantageEvent } from '@vantage/sdk-core/schema';
import { freePort, printedKeys, startServe, type ServeProcess } from '../testing/cli-process.js';
import { BROWSER_USER_AGENT, createTestDatabase, type TestDatabase } from '../testing/harness.js';
import { openLive, type LiveClient } from '../testing/live-client.js';
import type { EventsMessage, PresenceMessage, ServerMessage } from './protocol.js';

const packr = new Packr({ useRecords: false });
const isPresence = (m: ServerMessage): m is PresenceMessage => m.type === 'presence';

function events(t0: number, marker: number): VantageEvent[] {
  return Array.from({ length: 8 }, (_, i) => ({ type: 'camera', t: t0 + i * 50, px: marker * 1000 + i, py: 1600, pz: -2900, qx: 0, qy: 2100, qz: 0, qw: 32700 }) as VantageEvent);
}

describe('live across two vantage serve processes sharing one PostgreSQL', () => {
  let database: TestDatabase;
  let a: ServeProcess;
  let b: ServeProcess;
  let pk = '';
  let sk = '';
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres', inject('postgresUrl'));
    const env = { ...database.env, ENABLE_RAW_SESSION_RETENTION: 'true' };
    a = await startServe({ ...env, PORT: String(await freePort()) });
    ({ pk = '', sk = '' } = printedKeys(a.stdout()));
    b = await startServe({ ...env, PORT: String(await freePort()) });
  });

  afterAll(async () => {
    for (const c of clients) c.socket.terminate();
    for (const p of [a, b]) {
      p?.child.kill('SIGKILL');
      await p?.exited;
    }
    await database?.cleanup();
  });

  async function sendToB(sid: string, seq: number, scene: string, batch: VantageEvent[]): Promise<void> {
    const response = await fetch(`${b.url}/api/v1/collect`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${pk}`, 'Content-Type': 'application/msgpack', 'User-Agent': BROWSER_USER_AGENT },
      body: packr.pack(encodeBatch({ sid, seq, scene, sentAt: Date.now() }, batch)),
    });
    expect(response.status).toBe(202);
  }

  it('a client of A follows a session sent to B, and A\'s presence counts B\'s sessions', async () => {
    expect(sk).toMatch(/^sk_/);
    const sid = `procs_${Date.now().toString(36)}`;
    await sendToB(sid, 0, 'sofa', events(Date.now() - 20_000, 0));

    // A token minted by B opens A: the processes share the signing secret through the database.
    const minted = await fetch(`${b.url}/api/v1/live/token`, { method: 'POST', headers: { Authorization: `Bearer ${sk}` } });
    const { token } = (await minted.json()) as { token: string };
    const client = await openLive(a.url, { token });
    clients.push(client);
    expect((await client.next<PresenceMessage>(isPresence)).scenes).toEqual({ sofa: 1 });

    client.send({ type: 'follow', session: sid });
    await client.next((m) => m.type === 'following');
    const sentAt = Date.now();
    await sendToB(sid, 1, 'sofa', events(Date.now() - 5_000, 1));
    const live = await client.next<EventsMessage>((m) => m.type === 'events', 5_000);
    expect(Date.now() - sentAt).toBeLessThan(1_500);
    expect(live.seq).toBe(1);
    expect(live.events.map((e) => (e as { px: number }).px)).toEqual([1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007]);
    // Exactly what B accepted and stores for that batch.
    const from = live.events[0]?.t ?? 0;
    const stream = await fetch(`${b.url}/api/v1/sessions/${sid}/events?from=${from}`, { headers: { Authorization: `Bearer ${sk}` } });
    const stored = (await stream.text()).trimEnd().split('\n').slice(1).map((l) => JSON.parse(l) as VantageEvent);
    expect(live.events).toEqual(stored);

    // A new session sent to B shows in A's next presence push.
    await sendToB(`${sid}_2`, 0, 'lamp', events(Date.now() - 3_000, 2));
    const pushed = await client.next<PresenceMessage>((m) => isPresence(m) && m.scenes.lamp === 1, 5_000);
    expect(pushed.scenes).toEqual({ sofa: 1, lamp: 1 });
  });

  it('SIGTERM closes A\'s live sockets with 1001 and A exits 0', async () => {
    const client = await openLive(a.url, { key: sk });
    clients.push(client);
    await client.next(isPresence);
    a.child.kill('SIGTERM');
    expect((await client.closed).code).toBe(1001);
    expect(await a.exited).toBe(0);
    expect(a.stderr()).not.toMatch(/"level":(50|60)/);
  });
});

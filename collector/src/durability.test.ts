/**
 * The promise behind `202`: an acknowledged batch is durable. These tests run the built
 * `vantage serve` as a real process on both stores, keep it busy with concurrent senders, then
 * kill it (`SIGKILL`, no chance to flush) or stop it (`SIGTERM`, drain), and read the store back.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Packr } from 'msgpackr';
import { encodeBatch, type VantageEvent } from '@vantage/sdk-core/schema';
import { BROWSER_USER_AGENT, createTestDatabase, DRIVERS, type TestDatabase } from './testing/harness.js';
import { freePort, printedKeys, startServe, type ServeProcess } from './testing/cli-process.js';

const packr = new Packr({ useRecords: false });
const EVENTS_PER_BATCH = 50;

interface Ack {
  sid: string;
  seq: number;
  events: number;
}

function body(sid: string, seq: number, t0: number): Uint8Array {
  const events: VantageEvent[] = [];
  for (let i = 0; i < EVENTS_PER_BATCH; i++) {
    const t = t0 + i * 40;
    events.push({ type: 'camera', t, px: 1200 + i, py: 1600, pz: -2900 + seq, qx: 0, qy: 2100, qz: 0, qw: 32700 });
  }
  return packr.pack(encodeBatch({ sid, seq, scene: 'sofa', sentAt: t0 + EVENTS_PER_BATCH * 40 }, events));
}

/**
 * `senders` loops, each sending its own session's batches one after another, until `stop()`.
 * Every `202` is recorded; failures (the process is gone) end that sender.
 */
function keepSending(url: string, pk: string, senders: number) {
  const acks: Ack[] = [];
  let running = true;
  const loops = Array.from({ length: senders }, async (_, n) => {
    const sid = `dur_${process.pid}_${n}_${Date.now().toString(36)}`;
    for (let seq = 0; running; seq++) {
      try {
        const response = await fetch(`${url}/api/v1/collect`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/msgpack', Authorization: `Bearer ${pk}`, 'User-Agent': BROWSER_USER_AGENT },
          body: body(sid, seq, Date.now() - 5_000),
        });
        const answer = (await response.json()) as { accepted?: number };
        if (response.status !== 202) return;
        acks.push({ sid, seq, events: answer.accepted ?? 0 });
      } catch {
        return;
      }
    }
  });
  return {
    acks,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every acknowledged batch is in the ledger, and the rollup holds exactly the ledger's events. */
async function expectAllAcknowledgedStored(database: TestDatabase, acks: Ack[]): Promise<void> {
  const store = await database.open();
  try {
    const rows = await store.query<{ session_id: string; seq: number; events: number }>(
      "SELECT session_id, seq, events FROM ingest_batches WHERE session_id LIKE 'dur\\_%'",
    );
    const stored = new Map(rows.map((r) => [`${r.session_id}/${r.seq}`, Number(r.events)]));
    const missing = acks.filter((a) => stored.get(`${a.sid}/${a.seq}`) !== a.events);
    expect(missing).toEqual([]);
    const ledgerEvents = rows.reduce((sum, r) => sum + Number(r.events), 0);
    const [counted] = await store.query<{ n: string | number | null }>("SELECT sum(events) AS n FROM event_counts_hourly WHERE type = 'camera'");
    expect(Number(counted?.n ?? 0)).toBe(ledgerEvents);
    expect(ledgerEvents).toBeGreaterThanOrEqual(acks.length * EVENTS_PER_BATCH);
  } finally {
    await store.close();
  }
}

describe.each(DRIVERS)('durability of vantage serve on the %s store', (driver) => {
  let database: TestDatabase | undefined;
  let serve: ServeProcess | undefined;

  afterEach(async () => {
    serve?.child.kill('SIGKILL');
    await serve?.exited;
    serve = undefined;
    await database?.cleanup();
    database = undefined;
  });

  async function start(): Promise<{ pk?: string }> {
    if (!database) throw new Error('no database');
    const port = await freePort();
    serve = await startServe({ ...database.env, PORT: String(port) });
    expect(serve.url).toBe(`http://127.0.0.1:${port}`);
    return printedKeys(serve.stdout());
  }

  it('prints the demo keys on the first start only, and accepts a batch sent with the printed pk', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const { pk } = await start();
    expect(pk).toMatch(/^pk_/);
    expect(serve?.stdout()).toContain(`Demo scene: ${serve?.url}/demo\nVantage collector on ${serve?.url}`);
    // The first operator's password is printed once, and signs in.
    const [, email, password] = /Dashboard sign-in, shown once: (\S+) \/ (\S+)/.exec(serve?.stdout() ?? '') ?? [];
    const signIn = await fetch(`${serve?.url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(signIn.status).toBe(200);
    const response = await fetch(`${serve?.url}/api/v1/collect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/msgpack', Authorization: `Bearer ${pk}`, 'User-Agent': BROWSER_USER_AGENT },
      body: body('dur_first_start_0001', 0, Date.now() - 5_000),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: EVENTS_PER_BATCH, dropped: {} });

    serve?.child.kill('SIGTERM');
    expect(await serve?.exited).toBe(0);
    const again = await start();
    expect(again).toEqual({ pk: undefined, sk: undefined });
    // The demo page lives on: it has its key without printing it again.
    expect(serve?.stdout()).toContain(`Demo scene: ${serve?.url}/demo`);
    const demo = await fetch(`${serve?.url}/demo`);
    expect(demo.status).toBe(200);
    expect(await demo.text()).toContain(pk);
    const retry = await fetch(`${serve?.url}/api/v1/collect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/msgpack', Authorization: `Bearer ${pk}`, 'User-Agent': BROWSER_USER_AGENT },
      body: body('dur_first_start_0001', 1, Date.now() - 5_000),
    });
    expect(retry.status).toBe(202);
  });

  it('loses nothing acknowledged when killed with SIGKILL under load', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const { pk } = await start();
    const load = keepSending(serve?.url ?? '', pk ?? '', 16);
    await waitFor(() => load.acks.length >= 300, 60_000);
    serve?.child.kill('SIGKILL');
    expect(await serve?.exited).toBe('SIGKILL');
    await load.stop();
    await expectAllAcknowledgedStored(database, load.acks);

    // The collector starts again on the same store (the embedded lock of the dead process is
    // taken over) and the same key still works.
    const restarted = await start();
    expect(restarted.pk).toBeUndefined();
    const after = keepSending(serve?.url ?? '', pk ?? '', 1);
    await waitFor(() => after.acks.length >= 1, 30_000);
    await after.stop();
  });

  it('drains everything accepted on SIGTERM and exits 0', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const { pk } = await start();
    const load = keepSending(serve?.url ?? '', pk ?? '', 16);
    await waitFor(() => load.acks.length >= 200, 60_000);
    serve?.child.kill('SIGTERM');
    expect(await serve?.exited).toBe(0);
    await load.stop();
    expect(serve?.stderr()).not.toMatch(/"level":(50|60)/);
    await expectAllAcknowledgedStored(database, load.acks);
  });
});

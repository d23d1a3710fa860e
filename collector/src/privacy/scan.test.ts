/**
 * The privacy scan: simulated sessions go through HTTP with realistic client addresses and user
 * agents (and some requests the collector refuses), then a dump of every table of the database
 * and everything the collector logged (at debug level) are searched for what must never be
 * kept: the raw IPs, the full user agents and any query string other than `utm_*`.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr, unpack } from 'msgpackr';
import { pino } from 'pino';
import { simulateVisitors } from '@vantage/fixtures';
import type { Store } from '../storage/types.js';
import { DRIVERS, openTestStore, startTestCollector, type TestCollector } from '../testing/harness.js';

const packr = new Packr({ useRecords: false });

/** Public addresses of several networks and countries, v4 and v6. */
const IPS = ['81.2.69.160', '193.0.6.139', '8.8.4.4', '2a00:1450:4001:82a::200e', '185.199.108.153', '151.101.1.69', '2606:4700:4700::1111', '203.0.113.77'];

/** Real browsers' user agents, each distinctive enough not to turn up by chance. */
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.86 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70',
  'Mozilla/5.0 (iPad; CPU OS 16_7_10 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
];

/** A query parameter that is not `utm_*`, in a URL-ish context. */
const FOREIGN_QUERY = /[?&](?!utm_)[A-Za-z0-9_.-]+=/g;

function render(value: unknown): { text: string; latin1: string } {
  if (value instanceof Uint8Array) {
    const latin1 = Buffer.from(value).toString('latin1');
    try {
      return { text: JSON.stringify(unpack(value)), latin1 };
    } catch {
      try {
        return { text: new TextDecoder('utf-8', { fatal: true }).decode(value), latin1 };
      } catch {
        // Random bytes (salts): searched for IPs and agents only, not for query-string patterns.
        return { text: '', latin1 };
      }
    }
  }
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return { text, latin1: text };
}

/** Every row of every table outside the system schemas, rendered as text. */
async function dumpDatabase(store: Store): Promise<{ text: string; latin1: string; tables: string[] }> {
  const tables = await store.query<{ schema: string; name: string }>(
    "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
  );
  let text = '';
  let latin1 = '';
  for (const t of tables) {
    const rows = await store.query(`SELECT * FROM "${t.schema}"."${t.name}"`);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        const r = render(value);
        text += `${t.name}.${column}=${r.text}\n`;
        latin1 += `${r.latin1}\n`;
      }
    }
  }
  return { text, latin1, tables: tables.map((t) => t.name) };
}

describe.each(DRIVERS)('the privacy scan on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;
  let logged = '';
  const sent = { batches: 0, events: 0, urls: new Set<string>() };

  beforeAll(async () => {
    const opened = await openTestStore(driver, inject('postgresUrl'));
    store = opened.store;
    cleanup = opened.cleanup;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString('utf8');
        done();
      },
    });
    c = await startTestCollector(store, { TRUST_PROXY: '1' }, ['https://shop.example.com'], pino({ level: 'trace' }, sink));

    let n = 0;
    for (const session of simulateVisitors({ sessions: 24, seed: 7, anonymousShare: 0.5 })) {
      const ip = IPS[n % IPS.length] as string;
      const userAgent = USER_AGENTS[n % USER_AGENTS.length] as string;
      n++;
      for (const batch of session.batches) {
        for (const e of batch.events) if (Array.isArray(e) && e[0] === 1) sent.urls.add(String(e[2]));
        const response = await fetch(`${c.url}/api/v1/collect`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/msgpack', Authorization: `Bearer ${c.pk}`, 'User-Agent': userAgent, 'X-Forwarded-For': `10.0.0.${n}, ${ip}`, Origin: 'https://shop.example.com' },
          body: packr.pack(batch),
        });
        expect(response.status).toBe(202);
        sent.batches++;
        sent.events += batch.events.length;
      }
    }
    // Refused requests from the same visitors: a bad key, an undecodable body, a foreign origin,
    // a batch with broken events whose URLs carry query strings.
    const headers = (i: number) => ({ 'User-Agent': USER_AGENTS[i] as string, 'X-Forwarded-For': IPS[i] as string, 'Content-Type': 'application/msgpack' });
    await fetch(`${c.url}/api/v1/collect`, { method: 'POST', headers: { ...headers(0), Authorization: 'Bearer pk_nope' }, body: packr.pack({ v: 1 }) });
    await fetch(`${c.url}/api/v1/collect`, { method: 'POST', headers: { ...headers(1), Authorization: `Bearer ${c.pk}` }, body: new Uint8Array([0xc1, 0xc1]) });
    await fetch(`${c.url}/api/v1/collect`, { method: 'POST', headers: { ...headers(2), Authorization: `Bearer ${c.pk}`, Origin: 'https://evil.example' }, body: packr.pack({ v: 1 }) });
    const broken = {
      v: 1, sid: 'scan_broken_0001', seq: 0, scene: 'sofa', sentAt: Date.now(), t0: Date.now(),
      events: [[1, 0, 'https://shop.example.com/p?email=jane%40mail.example&utm_source=x', 0, 0, 0, 'x', 'https://r.example/?q=secret'], [9, 1, 'https://cdn.example/a.glb?token=abc', 'model', -1, true]],
    };
    // A body that is not a batch (unknown version) but carries events: kept whole, minimised.
    await fetch(`${c.url}/api/v1/collect`, { method: 'POST', headers: { ...headers(4), Authorization: `Bearer ${c.pk}` }, body: packr.pack({ ...broken, v: 9, sid: 'scan_envelope_0001' }) });
    await fetch(`${c.url}/api/v1/collect`, {
      method: 'POST',
      headers: { ...headers(5), Authorization: `Bearer ${c.pk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...broken, v: 9, sid: 'scan_envelope_0002' }),
    });
    const refused = await fetch(`${c.url}/api/v1/collect`, { method: 'POST', headers: { ...headers(3), Authorization: `Bearer ${c.pk}` }, body: packr.pack(broken) });
    expect(await refused.json()).toMatchObject({ accepted: 0 });
    await c.deps.buffer.drain();
  }, 300_000);

  afterAll(async () => {
    await c?.close();
    await cleanup?.();
  });

  it('ingested realistic traffic: the scan has something to look at', async () => {
    expect(sent.batches).toBeGreaterThan(50);
    const [row] = await store.query<{ n: string | number }>('SELECT count(*) AS n FROM sessions WHERE project_id = $1', [c.project.id]);
    // The 24 simulated sessions, and the one whose every event was refused (its batch still counts).
    expect(Number(row?.n)).toBe(25);
    // The pages really had query strings beyond utm_* (click ids, options).
    expect([...sent.urls].some((u) => /[?&](gclid|fbclid|color)=/.test(u))).toBe(true);
    expect(logged).toContain('"level"');
  });

  it('the database holds none of the raw IPs, full user agents or non-utm query strings', async () => {
    const dump = await dumpDatabase(store);
    expect(dump.tables).toEqual(expect.arrayContaining(['sessions', 'dlq', 'identity_links', 'audit_log', 'event_counts_hourly']));
    for (const ip of IPS) expect(dump.latin1, ip).not.toContain(ip);
    for (const ua of USER_AGENTS) expect(dump.latin1, ua).not.toContain(ua);
    expect(dump.text.match(FOREIGN_QUERY) ?? []).toEqual([]);
    // What it does keep: the utm_* parameters and the pages' paths.
    expect(dump.text).toContain('utm_source=');
    expect(dump.text).toContain('https://shop.example.com/products/');
  });

  it('the log output holds none of them either', () => {
    for (const ip of IPS) expect(logged, ip).not.toContain(ip);
    for (const ua of USER_AGENTS) expect(logged, ua).not.toContain(ua);
    expect(logged.match(FOREIGN_QUERY) ?? []).toEqual([]);
  });
});

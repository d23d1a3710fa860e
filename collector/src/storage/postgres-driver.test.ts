/**
 * What only the server driver must do: let several collectors start together on one database,
 * respect its connection limit, and fail fast when the server is not there.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPostgres, type PostgresServer } from '../../../test/postgres-server.js';
import { openStore, type Store } from './index.js';

/** Migrations in the history (meta/_journal.json), so adding one does not break this test. */
const MIGRATIONS: number = (JSON.parse(readFileSync(new URL('./migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] }).entries.length;

describe('postgres store', () => {
  let server: PostgresServer;
  let admin: Store;
  let databases = 0;

  /** A fresh, empty database on the test server; returns its URL. */
  const freshDatabase = async () => {
    const name = `vantage_${++databases}`;
    await admin.query(`create database ${name}`);
    return server.url.replace(/\/postgres$/, `/${name}`);
  };

  beforeAll(async () => {
    server = await startPostgres();
    admin = await openStore({ dataDir: 'unused', databaseUrl: server.url, maxConnections: 1 });
  });

  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });

  test('collectors opening one empty database together migrate it once', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ dataDir: 'unused', databaseUrl: url, maxConnections: 2 })));
    try {
      const [first] = stores;
      const applied = await first?.query<{ hash: string }>('select hash from drizzle.__drizzle_migrations');
      expect(applied).toHaveLength(MIGRATIONS);
      expect(new Set(applied?.map((m) => m.hash)).size).toBe(MIGRATIONS);
      await Promise.all(stores.map((s) => s.ping()));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('maxConnections bounds the pool', async () => {
    const store = await openStore({ dataDir: 'unused', databaseUrl: await freshDatabase(), maxConnections: 2 });
    try {
      const rows = await Promise.all(
        Array.from({ length: 6 }, () => store.query<{ pid: number }>('select pg_backend_pid() as pid, pg_sleep(0.05)')),
      );
      const pids = new Set(rows.map(([row]) => row?.pid));
      expect(pids.size).toBeGreaterThanOrEqual(1);
      expect(pids.size).toBeLessThanOrEqual(2);
    } finally {
      await store.close();
    }
  });

  test('an unreachable server rejects openStore instead of hanging', async () => {
    const port = await closedPort();
    await expect(openStore({ dataDir: 'unused', databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres` })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

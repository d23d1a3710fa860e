/**
 * Opening the store: pick the driver from the options, migrate, and present the driver as a
 * {@link Store}.
 */
import { createProxyDb, type Driver } from './driver.js';
import { createEmbeddedDriver } from './embedded-driver.js';
import { lockEmbeddedStore, type EmbeddedLock } from './embedded-lock.js';
import { mkdir } from 'node:fs/promises';
import { distributeOnCitus } from './citus.js';
import { runMigrations } from './migrate.js';
import { createPostgresDriver } from './postgres-driver.js';
import type { Row, Store, StoreOptions } from './types.js';

/**
 * Opens and migrates the store: PostgreSQL through postgres.js when `databaseUrl` is set
 * (at most `maxConnections` connections, default 10), otherwise embedded PGlite in
 * `<dataDir>/pglite` (directories are created). Concurrent opens of one PostgreSQL database
 * migrate one after the other. Rejects, with the driver closed, if the database cannot be
 * reached or a migration fails.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  let lock: EmbeddedLock | undefined;
  let driver: Driver;
  if (options.databaseUrl) {
    driver = createPostgresDriver(options.databaseUrl, options.maxConnections ?? 10);
  } else {
    await mkdir(options.dataDir, { recursive: true });
    lock = await lockEmbeddedStore(options.dataDir);
    try {
      driver = await createEmbeddedDriver(options.dataDir);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }
  try {
    await driver.exclusive(runMigrations);
  } catch (error) {
    await driver.close().catch(() => undefined);
    await lock?.release();
    throw error;
  }
  const store = storeOn(driver, lock);
  try {
    // On a Citus coordinator, place every table by project (a no-op elsewhere).
    await distributeOnCitus(store);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

function storeOn(driver: Driver, lock: EmbeddedLock | undefined): Store {
  return {
    kind: driver.kind,
    db: createProxyDb(driver),
    query: async <T extends Row = Row>(sql: string, params: unknown[] = []) =>
      (await driver.query(sql, params, 'object')) as T[],
    transaction: (statements) => driver.transaction(statements),
    async ping() {
      await driver.query('select 1', [], 'object');
    },
    async close() {
      await driver.close();
      await lock?.release();
    },
  };
}

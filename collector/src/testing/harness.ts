/**
 * Test harness (not part of the build): a store on either driver and a real collector app on an
 * ephemeral port, built with `createApp(deps)` exactly as `main.ts` builds it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { loadConfig, type Config } from '../config.js';
import { createApp } from '../http/app.js';
import type { AppDeps } from '../http/deps.js';
import { createLogger, type Logger } from '../log.js';
import { createDeps } from '../server.js';
import { openStore } from '../storage/index.js';
import type { Store } from '../storage/types.js';
import { createProject, type CreatedKey, type Project } from '../tenants/projects.js';

/**
 * A real desktop Chrome user agent. Collect drops bots (reason `bot`), and a test request sent
 * with fetch's own `User-Agent` (`node`) is one: every test that expects events to be accepted
 * sends this.
 */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** The two storage drivers every storage and ingest test runs on. */
export type Driver = 'embedded' | 'postgres';
export const DRIVERS: readonly Driver[] = ['embedded', 'postgres'];

/** A fresh store: a temporary PGlite directory, or a fresh database on the test PostgreSQL server. */
export async function openTestStore(driver: Driver, postgresUrl: string | undefined): Promise<{ store: Store; databaseUrl: string | undefined; dataDir: string; cleanup(): Promise<void> }> {
  const database = await createTestDatabase(driver, postgresUrl);
  const store = await database.open();
  return {
    store,
    databaseUrl: database.env.DATABASE_URL,
    dataDir: database.env.VANTAGE_DATA_DIR ?? '',
    cleanup: async () => {
      await store.close();
      await database.cleanup();
    },
  };
}

/**
 * A fresh store on `driver` for the enclosing `describe`: opened before its tests, closed and
 * removed after them. Read `.store` inside tests and hooks (it is set once `beforeAll` ran).
 */
export function useTestStore(driver: Driver): { readonly store: Store } {
  let opened: Awaited<ReturnType<typeof openTestStore>> | undefined;
  beforeAll(async () => {
    opened = await openTestStore(driver, inject('postgresUrl'));
  });
  afterAll(async () => {
    await opened?.cleanup();
  });
  return {
    get store(): Store {
      if (!opened) throw new Error('useTestStore: the store is opened in beforeAll; read it inside a test or hook');
      return opened.store;
    },
  };
}

/** An empty place for a store, for tests that run the CLI as a process: its environment and a way to open it. */
export interface TestDatabase {
  /** `VANTAGE_DATA_DIR` (embedded) or `DATABASE_URL` (postgres) for the process under test. */
  env: Record<string, string>;
  /** Open (and migrate) the store in this process; close it before a process uses the embedded store. */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

/** A fresh, empty data directory or PostgreSQL database; nothing is opened yet. */
export async function createTestDatabase(driver: Driver, postgresUrl: string | undefined): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vantage-test-'));
  if (driver === 'embedded') {
    return {
      env: { VANTAGE_DATA_DIR: dataDir },
      open: () => openStore({ dataDir }),
      cleanup: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  if (!postgresUrl) throw new Error('the test PostgreSQL server is not running (see test/global-setup.ts)');
  const name = `vt_${randomBytes(6).toString('hex')}`;
  const admin = postgres(postgresUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    env: { DATABASE_URL: databaseUrl, VANTAGE_DATA_DIR: dataDir },
    open: () => openStore({ databaseUrl, dataDir }),
    cleanup: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A collector app listening on 127.0.0.1 with one project and its keys. */
export interface TestCollector {
  url: string;
  deps: AppDeps;
  project: Project;
  pk: string;
  sk: string;
  keys: CreatedKey[];
  close(): Promise<void>;
}

/** Start the real app over `store`; `env` overrides configuration variables. */
export async function startTestCollector(
  store: Store,
  env: Record<string, string> = {},
  origins: string[] = ['https://shop.example'],
  log: Logger = createLogger('silent'),
): Promise<TestCollector> {
  const config: Config = loadConfig({ VANTAGE_DATA_DIR: tmpdir(), LOG_LEVEL: 'silent', ...env });
  const deps = createDeps(config, store, log);
  const { project, keys } = await createProject(store, { name: `test ${randomBytes(3).toString('hex')}`, privacyMode: 'standard', retentionDays: 90, allowedOrigins: origins }, 'test');
  const server: Server = createServer(createApp(deps).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    project,
    pk: keys.find((k) => k.kind === 'pk')?.token ?? '',
    sk: keys.find((k) => k.kind === 'sk')?.token ?? '',
    keys,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.buffer.drain();
      await deps.keys.stop();
    },
  };
}

/** Events stored for a project, from the hourly rollup. */
export async function storedEventCount(store: Store, projectId: string): Promise<number> {
  const rows = await store.query<{ n: number | string | null }>('SELECT sum(events) AS n FROM event_counts_hourly WHERE project_id = $1', [projectId]);
  return Number(rows[0]?.n ?? 0);
}

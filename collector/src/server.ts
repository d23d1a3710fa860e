/**
 * Starting and stopping a collector: store → caches → write buffer → app → listen. A stop
 * (SIGTERM) stops accepting, lets in-flight requests finish, drains the write buffer so that
 * everything acknowledged is durable, then closes the store.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWireValidators } from '@vantage/sdk-core/schema';
import type { Config } from './config.js';
import { createApp } from './http/app.js';
import type { AppDeps } from './http/deps.js';
import { createWriteBuffer } from './ingest/write-buffer.js';
import { createLimits } from './limits/index.js';
import { createLiveHub } from './live/hub.js';
import { createLogger, type Logger } from './log.js';
import { missingNodeFlags } from './node-flags.js';
import { createVisitorPipeline } from './privacy/visitor.js';
import { startRetentionJob, type RetentionJob } from './retention/job.js';
import { openStore } from './storage/index.js';
import type { Store } from './storage/types.js';
import { createKeyResolver } from './tenants/key-resolver.js';
import { createTenantCache } from './tenants/project-cache.js';
import { createOperator, generatePassword } from './operators/operators.js';
import { demoPageStatements, hasDemoPage } from './tenants/demo-page.js';
import { createProject, listProjects, type CreatedKey, type Project } from './tenants/projects.js';

/** A running collector. */
export interface RunningCollector {
  /** Base URL, e.g. `http://127.0.0.1:7315`. */
  url: string;
  server: Server;
  deps: AppDeps;
  /**
   * The demo project and its keys when this start created them (first start on an empty store),
   * with the dashboard operator created for it and its password (shown once).
   */
  demo: { project: Project; keys: CreatedKey[]; operator: { email: string; password: string } } | null;
  /** `<url>/demo` when the store has a demo page (its first start created it), else null. */
  demoUrl: string | null;
  /** The retention job, started after listen (`runNow()` runs it at once). */
  retention: RetentionJob;
  /** Graceful stop; resolves when everything acknowledged is durable and the store is closed. */
  stop(): Promise<void>;
}

/** Options beyond the configuration. */
export interface StartOptions {
  log?: Logger;
  /** Create the demo project when the store has no project (default true). */
  createDemo?: boolean;
}

/** Build the app's dependencies over an open store. */
export function createDeps(config: Config, store: Store, log: Logger): AppDeps {
  const tenants = createTenantCache(store);
  const deps: AppDeps = {
    config,
    store,
    log,
    keys: createKeyResolver(store),
    tenants,
    limits: createLimits({ config, store, tenants, log }),
    validators: createWireValidators(),
    visitors: createVisitorPipeline(store, config, {
      onPruneError: (error) => log.warn({ err: error }, 'deleting expired visitor salts failed; the next rotation retries'),
    }),
    buffer: createWriteBuffer(store, {
      // Two flushes overlap on PostgreSQL: one builds and sends while the other waits for its
      // commit (measured with npm run bench; more than two queue on the rollup rows' locks).
      concurrency: store.kind === 'postgres' ? 2 : 1,
      rawStreams: config.rawSessionRetention,
      onError: (error) => log.error({ err: error }, 'write buffer flush failed'),
      onCommitted: (batches) => deps.live?.committed(batches),
    }),
  };
  deps.live = createLiveHub(deps);
  return deps;
}

/**
 * Create the demo project if the store has none; returns it with its keys (shown once). Its
 * publishable key is kept in clear for the demo page (`GET /demo`, see `tenants/demo-page.ts`)
 * in the same transaction, so there is never a demo project without its page.
 */
export async function ensureDemoProject(config: Config, store: Store): Promise<RunningCollector['demo']> {
  if ((await listProjects(store)).length > 0) return null;
  const origins = [`http://127.0.0.1:${config.port}`, `http://localhost:${config.port}`];
  const created = await createProject(
    store,
    { name: 'Demo project', privacyMode: config.privacyMode, retentionDays: config.retentionDays, allowedOrigins: origins },
    'system',
    (projectId, keys) => demoPageStatements(projectId, keys.pk, 'system'),
  );
  // The first operator, so the dashboard can be signed in to at once.
  const operator = { email: DEMO_OPERATOR_EMAIL, password: generatePassword() };
  await createOperator(store, { ...operator, projects: [{ id: created.project.id, role: 'admin' }] }, 'system');
  return { ...created, operator };
}

/** The dashboard operator the first start creates for the demo project. */
export const DEMO_OPERATOR_EMAIL = 'admin@vantage.local';

/** Start a collector with `config`. */
export async function startCollector(config: Config, options: StartOptions = {}): Promise<RunningCollector> {
  const log = options.log ?? createLogger(config.logLevel);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const demo = options.createDemo === false ? null : await ensureDemoProject(config, store);
  const deps = createDeps(config, store, log);
  const app = createApp(deps);
  let stopping = false;
  app.middleware.unshift(async (ctx, next) => {
    if (stopping) ctx.set('Connection', 'close');
    await next();
  });
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  const live = deps.live ?? createLiveHub(deps);
  await live.start();
  server.on('upgrade', (req, socket, head) => live.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  log.info({ url, store: store.kind }, 'collector listening');
  const missingFlags = store.kind === 'postgres' ? missingNodeFlags() : [];
  if (missingFlags.length > 0) {
    log.info({ missing: missingFlags }, `node was started without ${missingFlags.join(' ')}: under heavy ingest garbage collection costs more CPU (README, Configuration: NODE_OPTIONS=${missingFlags.join(' ')})`);
  }
  const demoUrl = (await hasDemoPage(store)) ? `${url}/demo` : null;
  const retention = startRetentionJob({ store, config, log });

  let stopped: Promise<void> | undefined;
  return {
    url,
    server,
    deps,
    demo,
    demoUrl,
    retention,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        // A retention run in flight stops after its current batch, while requests finish.
        const retentionStopped = retention.stop();
        // Live sockets are closed (1001) first: the HTTP server's close waits for them.
        await live.closeClients();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive sockets between requests (or opened just before the close) carry nothing
        // accepted: close them as they turn idle; requests in flight finish first.
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const force = setTimeout(() => server.closeAllConnections(), 10_000);
        await closed;
        clearInterval(sweep);
        clearTimeout(force);
        await retentionStopped;
        await deps.buffer.drain();
        // After the drain, so the last batches still reach the other processes' followers.
        await live.stop();
        await deps.keys.stop();
        await store.close();
        log.info('collector stopped; everything acknowledged is stored');
      })();
      return stopped;
    },
  };
}

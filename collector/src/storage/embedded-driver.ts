/**
 * The embedded driver: PGlite (PostgreSQL compiled to WebAssembly) under `<dataDir>/pglite`,
 * used when no `DATABASE_URL` is set. PGlite blocks its thread for the length of each
 * statement, so it runs in a worker thread (`pglite-worker.ts`) and this side only exchanges
 * messages with it. PGlite is a single connection: the worker runs requests one at a time, in
 * the order they were sent.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Driver, Executor } from './driver.js';
import { StoreError } from './errors.js';
import type { Row } from './types.js';
import { STARTUP_ID, type WireError, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

/** Opens (creating if needed) the PGlite store in `<dataDir>/pglite`; resolves once it is ready. */
export async function createEmbeddedDriver(dataDir: string): Promise<Driver> {
  const init: WorkerInit = { dataDir: join(dataDir, 'pglite') };
  await mkdir(init.dataDir, { recursive: true });
  const client = new WorkerClient(startWorker(init));
  try {
    await client.ready;
  } catch (error) {
    await client.terminate();
    throw error;
  }

  const executor: Executor = {
    query: async (sql, params, rowMode) => toBuffers(await client.request({ op: 'query', sql, params, rowMode })),
    async transaction(statements) {
      if (statements.length === 0) return [];
      const results = (await client.request({ op: 'transaction', statements })) as Row[][];
      return results.map((rows) => toBuffers(rows) as Row[]);
    },
  };
  return {
    kind: 'embedded',
    ...executor,
    exclusive: (fn) => fn(executor),
    close: () => client.close(),
  };
}

/**
 * Starts the worker module that sits next to this one: `pglite-worker.js` in a build, or
 * `pglite-worker.ts` when running from sources (vitest, tsx). Node 20 cannot load .ts itself
 * and ignores `--import tsx` in a worker's execArgv, so the worker registers tsx's loader on
 * its own thread first and then imports the .ts entry. The worker takes none of the parent's
 * node flags (`--input-type`, for one, would stop it loading a file).
 */
function startWorker(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (!new URL(here).pathname.endsWith('.ts')) {
    return new Worker(new URL('./pglite-worker.js', here), { workerData: init, execArgv: [] });
  }
  let tsx: string;
  try {
    tsx = import.meta.resolve('tsx/esm/api');
  } catch (error) {
    throw new Error('Vantage: running the collector from TypeScript sources needs tsx (npm install)', { cause: error });
  }
  const entry = new URL('./pglite-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: init, execArgv: [] });
}

type Pending = { resolve(result: unknown[]): void; reject(error: Error): void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<WorkerRequest>;

/**
 * Request/response over the worker's message port. The worker is unref'd while idle, so an
 * open store alone does not keep the process alive; in-flight requests do.
 */
class WorkerClient {
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextId = STARTUP_ID + 1;
  private stopped: Error | undefined;
  private closing: Promise<void> | undefined;
  private readonly exited: Promise<void>;

  constructor(private readonly worker: Worker) {
    this.ready = new Promise<void>((resolve, reject) => this.pending.set(STARTUP_ID, { resolve: () => resolve(), reject }));
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.stop(new Error(`Vantage: the embedded store worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.stop(new Error(`Vantage: the embedded store worker exited (code ${code})`)));
  }

  request(request: Request): Promise<unknown[]> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      try {
        this.worker.postMessage({ ...request, id });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.stopped) {
        await this.request({ op: 'close' }).catch(() => undefined);
        this.stopped = new Error('Vantage: the store is closed');
      }
      await this.worker.terminate();
      await this.exited;
    })();
    return this.closing;
  }

  /** Stops the worker at once, without closing PGlite (for a worker that never got ready). */
  async terminate(): Promise<void> {
    this.stop(new Error('Vantage: the store is closed'));
    await this.worker.terminate();
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(fromWire(reply.error));
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

function fromWire(error: WireError): Error {
  if (error.sql) return new StoreError(error.sql);
  const out = new Error(error.message);
  out.name = error.name;
  return out;
}

/** bytea arrives as a plain Uint8Array; make it a Buffer (no copy), as postgres.js returns. */
function toBuffers(rows: unknown[]): unknown[] {
  for (const row of rows) {
    if (row === null || typeof row !== 'object') continue;
    const cells = row as Record<string, unknown>;
    for (const key of Object.keys(cells)) {
      const value = cells[key];
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
        cells[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      }
    }
  }
  return rows;
}

/**
 * The embedded store's worker thread: owns one PGlite instance and runs requests one at a
 * time. PGlite executes each statement synchronously on its thread (12–80 ms for a 500-row
 * insert), so it lives here rather than on the collector's event loop.
 *
 * Durability: PGlite starts postgres with `-F` (fsync off) and writes through to files in the
 * data directory; with `synchronous_commit=on` (pinned below) the WAL of a transaction is
 * written to the OS before the commit is acknowledged, so committed rows survive a killed
 * process. They are not fsynced, so an OS crash or power loss can lose the last commits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';
import { pgliteErrorFields } from './errors.js';
import { STARTUP_ID, type WireError, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('Vantage: pglite-worker.ts must run in a worker thread');
const { dataDir } = workerData as WorkerInit;

const reply = (message: WorkerReply) => port.postMessage(message);

try {
  const pg = await PGlite.create({
    dataDir,
    startParams: [...PGlite.defaultStartParams, '-c', 'synchronous_commit=on'],
    parsers: {
      // int8 as a number, exact up to 2^53 − 1, as the postgres driver does.
      [types.INT8]: Number,
      [types.BYTEA]: parseBytea,
    },
    serializers: { [types.BYTEA]: serializeBytea },
  });
  let queue = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    queue = queue.then(() => handle(pg, request));
  });
  reply({ id: STARTUP_ID, ok: true, result: [] });
} catch (error) {
  reply({ id: STARTUP_ID, ok: false, error: toWire(error) });
}

async function handle(pg: PGlite, request: WorkerRequest): Promise<void> {
  try {
    switch (request.op) {
      case 'query': {
        const { rows } = await pg.query(request.sql, [...request.params], { rowMode: request.rowMode });
        reply({ id: request.id, ok: true, result: rows });
        return;
      }
      case 'transaction': {
        const result = await pg.transaction(async (tx) => {
          const out: Record<string, unknown>[][] = [];
          for (const s of request.statements) out.push((await tx.query<Record<string, unknown>>(s.sql, [...s.params])).rows);
          return out;
        });
        reply({ id: request.id, ok: true, result });
        return;
      }
      case 'close':
        await pg.close();
        reply({ id: request.id, ok: true, result: [] });
        return;
    }
  } catch (error) {
    reply({ id: request.id, ok: false, error: toWire(error) });
  }
}

function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return { name: error.name, message: error.message, sql: pgliteErrorFields(error) };
}

/** `\x…` hex to bytes in a buffer of its own (a pooled Buffer would clone the whole pool). */
function parseBytea(text: string): Uint8Array {
  const bytes = Buffer.allocUnsafeSlow((text.length - 2) / 2);
  bytes.write(text.slice(2), 'hex');
  return bytes;
}

function serializeBytea(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new TypeError('Vantage: a bytea parameter must be a Uint8Array');
  return '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
}

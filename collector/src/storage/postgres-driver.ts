/**
 * The server driver: PostgreSQL through postgres.js, used when `DATABASE_URL` is set.
 *
 * Values are read the way the embedded driver reads them: timestamps as `Date`, json/jsonb
 * parsed, bytea as `Buffer`, and int8 as a JS `number` (exact up to 2^53 − 1; counters never
 * get near it). Parameters for json and timestamp columns may be given either as JS values or
 * as already-serialised strings (drizzle sends strings), as PGlite accepts.
 */
import * as net from 'node:net';
import postgres from 'postgres';
import type { Driver, Executor, RowMode } from './driver.js';
import { fromPostgresJs } from './errors.js';
import type { Row, SqlStatement } from './types.js';

/** Key of the advisory lock held while migrating, so concurrent collectors migrate one by one. */
const MIGRATION_LOCK_KEY = 7315_0001;

/** Connects to `url` with at most `maxConnections` pooled connections (default 10). */
export function createPostgresDriver(url: string, maxConnections = 10): Driver {
  const options = {
    max: maxConnections,
    onnotice: reportWarnings,
    socket: connectWithoutNagle,
    connection: { application_name: 'vantage-collector' },
    types: {
      int8AsNumber: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: Number },
      jsonText: { to: 3802, from: [114, 3802], serialize: serializeJson, parse: JSON.parse },
      timestampText: {
        to: 1184,
        from: [1082, 1114, 1184],
        serialize: serializeTimestamp,
        parse: (x: string) => new Date(x),
      },
    },
  };
  // `socket` is a documented postgres.js option missing from its type declarations.
  const sql = postgres(url, options as postgres.Options<Record<string, postgres.PostgresType>>);
  let closing: Promise<void> | undefined;

  return {
    kind: 'postgres',
    query: queryOn(sql),
    async transaction(statements) {
      if (statements.length === 0) return [];
      try {
        // Returning the pending queries lets postgres.js pipeline them in one round trip.
        const results = await sql.begin((tx) => statements.map((s) => tx.unsafe(s.sql, params(s.params), { prepare: s.params.length > 0 })));
        return results.map((rows) => Array.from(rows) as Row[]);
      } catch (error) {
        throw fromPostgresJs(error);
      }
    },
    async exclusive(fn) {
      try {
        await sql.begin(async (tx) => {
          await tx.unsafe('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
          await fn(executorIn(tx));
        });
      } catch (error) {
        throw fromPostgresJs(error);
      }
    },
    close() {
      closing ??= sql.end({ timeout: 5 });
      return closing;
    },
  };
}

/**
 * One statement on `sql` (the pool or an open transaction), rows as objects or arrays.
 * Statements with parameters are prepared once per connection (postgres.js caches them by
 * text), so a hot statement costs one round trip instead of a Parse/Describe first. Every
 * statement text of the collector is a constant; values only ever travel as parameters.
 */
function queryOn(sql: postgres.Sql | postgres.TransactionSql): Executor['query'] {
  return async (text: string, values: readonly unknown[], rowMode: RowMode) => {
    try {
      const pending = sql.unsafe(text, params(values), { prepare: values.length > 0 });
      return Array.from(rowMode === 'array' ? await pending.values() : await pending);
    } catch (error) {
      throw fromPostgresJs(error);
    }
  };
}

/** An executor inside the open transaction `tx`: its `transaction` just runs in `tx`. */
function executorIn(tx: postgres.TransactionSql): Executor {
  const query = queryOn(tx);
  return {
    query,
    async transaction(statements: readonly SqlStatement[]) {
      const out: Row[][] = [];
      for (const s of statements) out.push((await query(s.sql, s.params, 'object')) as Row[]);
      return out;
    },
  };
}

function params(values: readonly unknown[]): postgres.ParameterOrJSON<never>[] {
  return values as postgres.ParameterOrJSON<never>[];
}

function serializeJson(x: unknown): string {
  return typeof x === 'string' ? x : JSON.stringify(x);
}

function serializeTimestamp(x: unknown): string {
  if (typeof x === 'string') return x;
  return (x instanceof Date ? x : new Date(x as number)).toISOString();
}

/** postgres.js passes its parsed options; `host` and `port` are parallel lists. */
interface SocketOptions {
  host: string[];
  port: number[];
  path: string | false;
  connect_timeout: number;
}

/**
 * Opens the connection's socket with TCP_NODELAY: postgres.js leaves Nagle on, which stalls
 * each small pipelined write about 40 ms waiting for the server's delayed ACK. Tries each host
 * of a multi-host URL in turn. Unix sockets (`path`) have no Nagle and connect as they are.
 */
async function connectWithoutNagle(options: SocketOptions): Promise<net.Socket> {
  const timeoutMs = options.connect_timeout * 1000;
  if (options.path) return connect({ path: options.path }, timeoutMs);
  let lastError: unknown;
  for (const [i, host] of options.host.entries()) {
    const port = options.port[i] ?? options.port[0] ?? 5432;
    try {
      const socket = await connect({ host, port }, timeoutMs);
      socket.setNoDelay(true);
      return socket;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function connect(target: net.NetConnectOpts, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(target);
    const timer = setTimeout(() => socket.destroy(new Error('Vantage: connect timeout')), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/** Drops NOTICE chatter (`… already exists, skipping`); WARNINGs are worth a line. */
function reportWarnings(notice: postgres.Notice): void {
  if (notice.severity === 'WARNING') console.warn(`Vantage: PostgreSQL warning: ${String(notice.message)}`);
}

/**
 * The small interface both drivers implement (statements in, rows out), and the drizzle
 * `pg-proxy` database built over any of them. `openStore` turns a driver into a {@link Store}.
 */
import { drizzle, type PgRemoteDatabase } from 'drizzle-orm/pg-proxy';
import * as schema from './schema.js';
import type { Row, SqlStatement, StoreKind } from './types.js';

/** `object`: each row keyed by column name; `array`: each row as its values in column order. */
export type RowMode = 'object' | 'array';

/** Runs statements on one database session (a pool, a worker, or one open transaction). */
export interface Executor {
  /** One statement; rows as objects or arrays (see {@link RowMode}). */
  query(sql: string, params: readonly unknown[], rowMode: RowMode): Promise<unknown[]>;
  /** Statements in order, all or nothing; the rows of each, as objects. */
  transaction(statements: readonly SqlStatement[]): Promise<Row[][]>;
}

/** A connected driver: an executor that can also migrate exclusively and close. */
export interface Driver extends Executor {
  readonly kind: StoreKind;
  /**
   * Runs `fn` while no other process migrates the same database (the postgres driver holds a
   * transaction-scoped advisory lock and hands `fn` an executor inside that transaction; the
   * embedded store has a single connection, so it is exclusive already).
   */
  exclusive(fn: (executor: Executor) => Promise<void>): Promise<void>;
  /** Finishes queued work, then closes; later calls reject. Calling it twice is harmless. */
  close(): Promise<void>;
}

/**
 * A drizzle `pg-proxy` database whose queries run on `executor`. drizzle asks for `all` (rows
 * as value arrays in select order, which it maps to objects itself) or `execute` (raw rows).
 */
export function createProxyDb(executor: Executor): PgRemoteDatabase<typeof schema> {
  return drizzle(
    async (sql, params, method) => ({
      rows: await executor.query(sql, params, method === 'all' ? 'array' : 'object'),
    }),
    { schema },
  );
}

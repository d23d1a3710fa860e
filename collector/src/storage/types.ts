/**
 * The storage contract the rest of the collector codes against. Two drivers implement it:
 * embedded PGlite (in a worker thread) and PostgreSQL through postgres.js. One drizzle schema
 * and one migration history serve both; the SQL must run on PostgreSQL 15 and 18.
 */
import type { PgRemoteDatabase } from 'drizzle-orm/pg-proxy';
import type * as schema from './schema.js';

/** A parameterised SQL statement ($1, $2, … placeholders). */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** A row as an object keyed by column name. */
export type Row = Record<string, unknown>;

/** Which driver is behind a store. */
export type StoreKind = 'embedded' | 'postgres';

/** An open, migrated store. */
export interface Store {
  /** `embedded` (PGlite under the data directory) or `postgres` (DATABASE_URL). */
  readonly kind: StoreKind;
  /** Drizzle over the same connection, for typed, non-transactional queries. */
  readonly db: PgRemoteDatabase<typeof schema>;
  /** Run one statement; rows as objects. */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Run statements in order in one transaction (all or nothing); rows of each statement. */
  transaction(statements: readonly SqlStatement[]): Promise<Row[][]>;
  /** Resolves when the store answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** Finish in-flight work and close connections (and the PGlite worker). */
  close(): Promise<void>;
}

/** How to open a store. */
export interface StoreOptions {
  /** PostgreSQL connection string; unset means embedded PGlite. */
  databaseUrl?: string | undefined;
  /** Directory of the embedded store (PGlite data lives in `<dataDir>/pglite`). */
  dataDir: string;
  /** Largest number of server connections (postgres driver only). Default 10. */
  maxConnections?: number;
}

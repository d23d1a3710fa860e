/**
 * One retention run at a time across every collector process (and `vantage retention run`)
 * sharing a database. See `storage/session-lock.ts` for why this is a session-level advisory
 * lock on a connection of its own rather than a statement through the store.
 */
import { trySessionLock, type SessionLock } from '../storage/session-lock.js';
import type { Store } from '../storage/types.js';

/** Advisory lock key of retention runs (the migration lock is 7315_0001). */
export const RETENTION_LOCK_KEY = 7315_0002;

/**
 * Take the retention lock for `store`, or resolve null when another process holds it. An
 * embedded store needs none: one process at a time owns it (`pglite.lock`), so a run in it is
 * alone already. A PostgreSQL store needs its `databaseUrl` to open the lock's connection.
 */
export async function tryRetentionLock(store: Store, databaseUrl: string | undefined): Promise<SessionLock | null> {
  if (store.kind === 'embedded') return { release: () => Promise.resolve() };
  if (!databaseUrl) throw new Error('Vantage: the retention lock needs the DATABASE_URL of the PostgreSQL store');
  return trySessionLock(databaseUrl, RETENTION_LOCK_KEY);
}

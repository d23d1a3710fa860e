/**
 * A session-level PostgreSQL advisory lock on a connection of its own, for work that must run
 * in one process at a time across every collector sharing a database (the retention job).
 *
 * Why not through the {@link Store}: `store.query` takes any connection of the pool for each
 * statement, so `pg_try_advisory_lock` and `pg_advisory_unlock` could land on different
 * sessions, and the lock would stay held by a pooled connection after the work ended. A
 * transaction-level lock (`pg_try_advisory_xact_lock`) only lives as long as one statement of
 * the short, autocommitted batches the work is made of, so it cannot keep a second process out
 * of a whole run. One dedicated connection holds the lock for the length of the run instead;
 * if the process dies the server ends the session and the lock goes with it, so a crashed
 * collector never blocks the others.
 */
import postgres from 'postgres';
import { fromPostgresJs } from './errors.js';

/** A held lock. */
export interface SessionLock {
  /** Unlocks and closes the lock's connection. Calling it twice is harmless. */
  release(): Promise<void>;
}

/**
 * Try to take advisory lock `key` (a bigint) on a new connection to `databaseUrl`. Resolves
 * with the held lock, or null when another session holds it. Does not wait for it.
 */
export async function trySessionLock(databaseUrl: string, key: number): Promise<SessionLock | null> {
  const sql = postgres(databaseUrl, {
    max: 1,
    onnotice: () => undefined,
    connection: { application_name: 'vantage-collector-lock' },
  });
  let held = false;
  try {
    const [row] = await sql.unsafe<{ ok: boolean }[]>('select pg_try_advisory_lock($1::bigint) as ok', [key]);
    held = row?.ok === true;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    throw fromPostgresJs(error);
  }
  if (!held) {
    await sql.end({ timeout: 5 });
    return null;
  }
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= (async () => {
        // Ending the session releases the lock too; the unlock just says so explicitly. If the
        // connection was lost meanwhile, the server released the lock already.
        await sql.unsafe('select pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
        await sql.end({ timeout: 5 });
      })();
      return released;
    },
  };
}

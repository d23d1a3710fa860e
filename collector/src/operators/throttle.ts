/**
 * Brute-force throttling of sign-in, per email address (stored as a hash, never the address):
 * after {@link MAX_FAILURES} failures within {@link WINDOW_MS}, sign-in for that address is
 * refused with `429` for {@link LOCK_MS}, whatever the password; a success clears the count.
 * Kept in the database, so every collector process sees the same count.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../storage/types.js';

/** Failures allowed in a window. */
export const MAX_FAILURES = 5;
/** The window failures are counted in. */
export const WINDOW_MS = 15 * 60_000;
/** How long an address is locked after too many failures. */
export const LOCK_MS = 15 * 60_000;

const key = (email: string) => createHash('sha256').update(`vantage-sign-in\n${email}`).digest('hex');

/** Seconds until the address may try again, or 0 when it may now. */
export async function lockedFor(store: Store, email: string, now = Date.now()): Promise<number> {
  const rows = await store.query<{ locked_until: Date | null }>('SELECT locked_until FROM sign_in_failures WHERE email_hash = $1', [key(email)]);
  const until = rows[0]?.locked_until ? new Date(rows[0].locked_until).getTime() : 0;
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}

/** Count a failure; answers seconds locked (0 while under the limit). */
export async function recordFailure(store: Store, email: string, now = Date.now()): Promise<number> {
  const rows = await store.query<{ failures: number; locked_until: Date | null }>(
    `INSERT INTO sign_in_failures AS f (email_hash, failures, window_start, locked_until) VALUES ($1, 1, $2, NULL)
     ON CONFLICT (email_hash) DO UPDATE SET
       failures = CASE WHEN f.window_start < $3 THEN 1 ELSE f.failures + 1 END,
       window_start = CASE WHEN f.window_start < $3 THEN $2 ELSE f.window_start END,
       locked_until = CASE WHEN (CASE WHEN f.window_start < $3 THEN 1 ELSE f.failures + 1 END) >= $4 THEN $5 ELSE f.locked_until END
     RETURNING failures, locked_until`,
    [key(email), new Date(now), new Date(now - WINDOW_MS), MAX_FAILURES, new Date(now + LOCK_MS)],
  );
  const until = rows[0]?.locked_until ? new Date(rows[0].locked_until).getTime() : 0;
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}

/** Clear an address's failures after a successful sign-in. */
export async function clearFailures(store: Store, email: string): Promise<void> {
  await store.query('DELETE FROM sign_in_failures WHERE email_hash = $1', [key(email)]);
}

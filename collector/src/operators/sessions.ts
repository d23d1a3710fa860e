/**
 * Dashboard sign-in sessions: a random 32-byte token in an httpOnly, SameSite=Strict cookie;
 * the store keeps only its SHA-256, with a CSRF token that writes must echo in a header
 * (`X-CSRF-Token`), an absolute lifetime and an idle timeout.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../storage/types.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'vantage_session';
/** Absolute session lifetime. */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** A session unused this long ends. */
export const SESSION_IDLE_MS = 2 * 3_600_000;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A signed-in session. */
export interface OperatorSession {
  operatorId: string;
  csrfToken: string;
}

/** Start a session; answers the cookie token (shown once) and the CSRF token. */
export async function startSession(store: Store, operatorId: string, now = Date.now()): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now + SESSION_TTL_MS);
  await store.query('INSERT INTO operator_sessions (id, operator_id, csrf_token, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)', [hash(token), operatorId, csrfToken, expiresAt, new Date(now)]);
  return { token, csrfToken, expiresAt };
}

/** The session of a cookie token, or null when unknown, expired or idle too long (touches it). */
export async function resolveSession(store: Store, token: string, now = Date.now()): Promise<OperatorSession | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const rows = await store.query<{ operator_id: string; csrf_token: string }>(
    `UPDATE operator_sessions SET last_seen_at = $2
      WHERE id = $1 AND expires_at > $2 AND last_seen_at > $3
      RETURNING operator_id, csrf_token`,
    [hash(token), new Date(now), new Date(now - SESSION_IDLE_MS)],
  );
  const row = rows[0];
  return row ? { operatorId: row.operator_id, csrfToken: row.csrf_token } : null;
}

/** End a session (sign-out). */
export async function endSession(store: Store, token: string): Promise<void> {
  await store.query('DELETE FROM operator_sessions WHERE id = $1', [hash(token)]);
}

/** Whether a request's CSRF header matches the session's token (constant time). */
export function csrfMatches(session: OperatorSession, header: string | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(header);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

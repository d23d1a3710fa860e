/**
 * Short-lived live tokens, for the one client that cannot send a key: a browser opening a
 * WebSocket cannot set `Authorization`, so the dashboard first asks `POST /api/v1/live/token`
 * (with its sk key, from its server side or a same-origin request) and then opens
 * `WS /api/v1/live?token=lt_…`.
 *
 * A token is `lt_<payload>.<signature>`: the payload (base64url JSON) names the project, the sk
 * key's id and the expiry (epoch ms); the signature is HMAC-SHA256 over it. The signing secret
 * lives in the database, so every collector process on one PostgreSQL accepts the tokens of
 * the others, with no shared directory and no new table: it is derived from the key's own row
 * (`api_keys.token_hash`, which no route ever answers). Checking a token reads that row, so a
 * revoked key's tokens stop working at once, and rotating a key rotates its secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from '../storage/types.js';
import type { ResolvedKey } from '../tenants/key-resolver.js';

/** How long a live token opens connections, ms (default 60 s). A connection outlives it. */
export const LIVE_TOKEN_TTL_MS = 60_000;

const PREFIX = 'lt_';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a token claims once its signature checked out. */
interface Claim {
  /** Project id. */
  p: string;
  /** The sk key's id. */
  k: string;
  /** Expiry, epoch ms. */
  e: number;
}

/** A minted token and when it stops opening connections. */
export interface LiveToken {
  token: string;
  /** Epoch ms. */
  expiresAtMs: number;
}

function signingKey(tokenHash: string): Buffer {
  return createHmac('sha256', tokenHash).update('vantage live token v1').digest();
}

function sign(tokenHash: string, payload: string): Buffer {
  return createHmac('sha256', signingKey(tokenHash)).update(payload).digest();
}

async function activeSecretKeyHash(store: Store, projectId: string, keyId: string): Promise<string | null> {
  const rows = await store.query<{ token_hash: string }>(
    "SELECT token_hash FROM api_keys WHERE project_id = $1 AND id = $2 AND kind = 'sk' AND revoked_at IS NULL",
    [projectId, keyId],
  );
  return rows[0]?.token_hash ?? null;
}

/** Mint a token for an sk key, valid `ttlMs` from `nowMs`. Rejects if the key was revoked meanwhile. */
export async function mintLiveToken(store: Store, key: ResolvedKey, nowMs: number, ttlMs = LIVE_TOKEN_TTL_MS): Promise<LiveToken> {
  if (key.kind !== 'sk') throw new Error('Vantage: live tokens are minted for secret (sk_) keys only');
  const hash = await activeSecretKeyHash(store, key.projectId, key.keyId);
  if (!hash) throw new Error('Vantage: the key was revoked');
  const claim: Claim = { p: key.projectId, k: key.keyId, e: nowMs + ttlMs };
  const payload = Buffer.from(JSON.stringify(claim)).toString('base64url');
  return { token: `${PREFIX}${payload}.${sign(hash, payload).toString('base64url')}`, expiresAtMs: claim.e };
}

/** Whether `value` looks like a live token (as opposed to an API key). */
export function isLiveToken(value: string): boolean {
  return value.startsWith(PREFIX);
}

function parseClaim(payload: string): Claim | null {
  try {
    const claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Claim> | null;
    if (typeof claim?.p !== 'string' || typeof claim.k !== 'string' || typeof claim.e !== 'number') return null;
    if (!UUID.test(claim.p) || !UUID.test(claim.k)) return null;
    return { p: claim.p, k: claim.k, e: claim.e };
  } catch {
    return null;
  }
}

/**
 * The sk key a token stands for, or null when it is malformed, tampered with, expired (at
 * `nowMs`), or its key is revoked or gone.
 */
export async function verifyLiveToken(store: Store, token: string, nowMs: number): Promise<ResolvedKey | null> {
  if (!isLiveToken(token) || token.length > 512) return null;
  const [payload, signature, extra] = token.slice(PREFIX.length).split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const claim = parseClaim(payload);
  if (!claim || claim.e <= nowMs) return null;
  const hash = await activeSecretKeyHash(store, claim.p, claim.k);
  if (!hash) return null;
  // Compared as text: base64url decoding ignores stray characters and a last character's spare bits.
  const expected = Buffer.from(sign(hash, payload).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { projectId: claim.p, keyId: claim.k, kind: 'sk' };
}

/**
 * Taking tokens from a shared bucket (`rate_buckets`): one atomic statement refills the bucket
 * by the time elapsed since its last refill (× rate, capped at burst), grants up to the wanted
 * number of whole tokens, and returns what it granted and what is left. Refills are computed
 * with the database clock (`now()`), so collectors whose own clocks disagree still agree on the
 * bucket.
 */
import type { Store } from '../storage/types.js';
import type { RateLimit } from './rate-limits.js';

/** What one lease got. */
export interface Lease {
  /** Whole tokens granted, 0..wanted. */
  granted: number;
  /** Tokens left in the shared bucket after the grant (fractional). */
  tokensLeft: number;
}

/**
 * The lease statement. PostgreSQL 15 cannot return a row's old values from an upsert, so the
 * bucket is read and locked first (`FOR UPDATE` in a CTE: a concurrent lease waits and then
 * sees the newest tokens), the grant is computed from it, and the upsert writes the result.
 * When two processes create the same bucket at once, both see it missing and both grant from a
 * full bucket: that over-admits at most one lease per process, once per bucket. `refilled_at`
 * never moves backwards (a lease that waited for the lock started before the one it waited for).
 *
 * $1 project id, $2 bucket, $3 tokens per second, $4 burst, $5 tokens wanted.
 */
const LEASE_SQL = `
WITH cur AS (
  SELECT tokens, refilled_at FROM rate_buckets
  WHERE project_id = $1::uuid AND bucket = $2::text
  FOR UPDATE
), refill AS (
  SELECT
    least($4::float8, coalesce(cur.tokens + $3::float8 * greatest(0, extract(epoch FROM now() - cur.refilled_at)::float8), $4::float8)) AS available,
    greatest(coalesce(cur.refilled_at, now()), now()) AS at
  FROM (VALUES (1)) AS one (x) LEFT JOIN cur ON true
), lease AS (
  SELECT available, least($5::float8, greatest(0, floor(available))) AS granted, at FROM refill
)
INSERT INTO rate_buckets AS b (project_id, bucket, tokens, refilled_at)
SELECT $1::uuid, $2::text, available - granted, at FROM lease
ON CONFLICT (project_id, bucket) DO UPDATE SET tokens = excluded.tokens, refilled_at = excluded.refilled_at
RETURNING (SELECT granted FROM lease) AS granted, b.tokens AS tokens_left`;

/** Take up to `wanted` whole tokens from the bucket `bucket` of `projectId` under `limit`. */
export async function leaseTokens(store: Store, projectId: string, bucket: string, limit: RateLimit, wanted: number): Promise<Lease> {
  const rows = await store.query<{ granted: number | string; tokens_left: number | string }>(LEASE_SQL, [
    projectId, bucket, limit.perSecond, limit.burst, wanted,
  ]);
  const row = rows[0];
  if (!row) throw new Error('the rate-limit lease returned no row');
  return { granted: Number(row.granted), tokensLeft: Number(row.tokens_left) };
}

/** Tokens a process asks for at a time: a twentieth of a second's worth, 1 at least, burst at most. */
export function leaseSize(limit: RateLimit): number {
  return Math.max(1, Math.min(Math.floor(limit.burst), Math.ceil(limit.perSecond / 20)));
}

/**
 * One process's side of a shared token bucket: tokens leased from the database are spent here,
 * one per request, without a round trip; the database is asked again only when they run out.
 *
 * - Concurrent requests share one lease in flight.
 * - Leased tokens not spent within `leaseTtlMs` (≤ 1 s) are dropped, so a process cannot hoard
 *   tokens and release them later on top of what the bucket allows then.
 * - After a short lease (the shared bucket held less than a whole lease), the process does not
 *   ask again until the bucket should hold a whole lease: an overloaded key costs at most about
 *   20 lease statements per second per process, whatever its request rate, and the requests
 *   rejected meanwhile cost none.
 * - A lease that fails (the store is down) admits: for `failOpenMs` every request of this
 *   bucket is admitted without asking. A limiter must not turn a database blip into an outage
 *   of ingest; ingest itself answers `503` when it cannot write.
 *
 * Bound on over-admission: in any window of t seconds, one bucket admits at most
 * burst + perSecond × t + one lease per process (tokens leased just before the window and spent
 * inside it; the same one lease per process bounds the race of two processes creating a bucket
 * at once), outside fail-open periods. Unspent leases waste at most one lease per process per
 * `leaseTtlMs` — with `leaseSize`, a twentieth of the rate.
 */
import { leaseSize, type Lease } from './lease.js';
import type { RateLimit } from './rate-limits.js';

/** Timing of a bucket, ms. */
export interface BucketTiming {
  /** How long leased tokens stay spendable (default 1000). */
  leaseTtlMs: number;
  /** How long a failed lease admits without asking again (default 1000). */
  failOpenMs: number;
}

/** The state of one bucket in this process. Times are `performance.now()` ms. */
export interface LocalBucket {
  /** Leased tokens not yet spent. */
  tokens: number;
  /** When the leased tokens are dropped. */
  expiresAt: number;
  /** No new lease before this: the shared bucket was short of a whole lease. */
  askAfter: number;
  /** When the shared bucket should hold one token again, as of the last lease. */
  oneTokenAt: number;
  /** Admit everything until this, after a failed lease. */
  failOpenUntil: number;
  /** The lease in flight, shared by every request waiting for it; false when it failed. */
  inflight: Promise<boolean> | undefined;
}

/** A fresh bucket state: nothing leased yet. */
export function createLocalBucket(): LocalBucket {
  return { tokens: 0, expiresAt: 0, askAfter: 0, oneTokenAt: 0, failOpenUntil: 0, inflight: undefined };
}

/** How a bucket reaches the shared store. */
export interface LeaseSource {
  /** Take up to `wanted` tokens from the shared bucket. */
  lease(wanted: number): Promise<Lease>;
  /** A lease failed; the request is admitted. */
  onFailure(error: unknown): void;
}

/** Lease tokens into `bucket`; false when the store failed (the caller admits). */
async function refill(bucket: LocalBucket, limit: RateLimit, source: LeaseSource, timing: BucketTiming): Promise<boolean> {
  const wanted = leaseSize(limit);
  try {
    const lease = await source.lease(wanted);
    const at = performance.now();
    const msPerToken = 1000 / limit.perSecond;
    bucket.tokens = lease.granted;
    bucket.expiresAt = at + timing.leaseTtlMs;
    bucket.askAfter = at + Math.max(0, wanted - lease.tokensLeft) * msPerToken;
    bucket.oneTokenAt = at + Math.max(0, 1 - lease.tokensLeft) * msPerToken;
    return true;
  } catch (error) {
    bucket.failOpenUntil = performance.now() + timing.failOpenMs;
    source.onFailure(error);
    return false;
  }
}

function retryAfterSeconds(bucket: LocalBucket, now: number): number {
  return Math.max(1, Math.ceil((bucket.oneTokenAt - now) / 1000));
}

/**
 * Take one token for a request: 0 when it is admitted, else the seconds (≥ 1) until the shared
 * bucket should hold a token again, for `Retry-After`.
 */
export async function takeToken(bucket: LocalBucket, limit: RateLimit, source: LeaseSource, timing: BucketTiming): Promise<number> {
  for (;;) {
    const now = performance.now();
    if (now < bucket.failOpenUntil) return 0;
    if (bucket.tokens >= 1 && now < bucket.expiresAt) {
      bucket.tokens -= 1;
      return 0;
    }
    if (bucket.inflight) {
      if (!(await bucket.inflight)) return 0;
      continue;
    }
    if (now < bucket.askAfter) return retryAfterSeconds(bucket, now);
    const inflight = refill(bucket, limit, source, timing).finally(() => {
      bucket.inflight = undefined;
    });
    bucket.inflight = inflight;
    if (!(await inflight)) return 0;
    // A lease that granted nothing answers this request at once; one that granted tokens lets
    // the loop spend them.
    if (bucket.tokens < 1) return retryAfterSeconds(bucket, performance.now());
  }
}

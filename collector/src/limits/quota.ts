/**
 * Monthly event quotas (`projects.monthly_event_quota`) against `usage_monthly`, which the
 * ingest flush increments with every accepted batch. The current month's usage is read at most
 * once per few seconds per project, so a quota costs no query per request; the price is that a
 * project may overshoot its quota by what it sends in that time (plus what is still in the
 * write buffer). Months are calendar months in UTC.
 */
import type { Store } from '../storage/types.js';

/** First instant (UTC) of the month that contains `at`. */
export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** First instant (UTC) of the month after the one that contains `at`. */
export function nextMonthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/** Whole seconds from `at` until the next UTC month begins, at least 1 (for `Retry-After`). */
export function secondsUntilNextMonth(at: Date): number {
  return Math.max(1, Math.ceil((nextMonthStart(at).getTime() - at.getTime()) / 1000));
}

/** One month of a project's usage. */
export interface MonthlyUsage {
  /** First instant of the month, ISO 8601 UTC (`2026-11-01T00:00:00.000Z`). */
  month: string;
  /** Events accepted in the month. */
  events: number;
  /** Batches accepted in the month. */
  batches: number;
}

/** Months {@link usageByMonth} returns: the current one and the twelve before it (what is kept). */
export const USAGE_MONTHS = 13;

/**
 * A project's usage for the current UTC month and the 12 before it, oldest first, one entry per
 * month (0 where nothing was accepted). For the dashboard and the usage API.
 */
export async function usageByMonth(store: Store, projectId: string, now: Date = new Date()): Promise<MonthlyUsage[]> {
  const current = monthStart(now);
  const months = Array.from({ length: USAGE_MONTHS }, (_, i) => new Date(Date.UTC(current.getUTCFullYear(), current.getUTCMonth() - (USAGE_MONTHS - 1 - i), 1)));
  const rows = await store.query<{ month: Date; events: number | string; batches: number | string }>(
    'SELECT month, events, batches FROM usage_monthly WHERE project_id = $1 AND month >= $2 AND month <= $3',
    [projectId, months[0], current],
  );
  const byMonth = new Map(rows.map((r) => [new Date(r.month).getTime(), r]));
  return months.map((month) => {
    const row = byMonth.get(month.getTime());
    return { month: month.toISOString(), events: Number(row?.events ?? 0), batches: Number(row?.batches ?? 0) };
  });
}

/** Reads a project's events of the current month through a short cache. */
export interface UsageCache {
  /** Events accepted so far in the month that contains `now`; null when the store could not tell. */
  monthEvents(projectId: string, now: Date): Promise<number | null>;
}

/** How long a failed usage read is remembered (ms), so a store outage costs no query per request. */
const FAILURE_TTL_MS = 1_000;

/**
 * Create the cache: a usage figure may be `ttlMs` (default 5 s) stale. Concurrent requests share
 * one read; a failed read answers null for a second and is reported to `onError`.
 */
export function createUsageCache(store: Store, onError: (error: unknown) => void, ttlMs = 5_000, maxEntries = 10_000): UsageCache {
  const cache = new Map<string, { value: Promise<number | null>; expires: number }>();
  return {
    monthEvents(projectId, now) {
      const month = monthStart(now);
      const key = `${projectId}\u0000${month.getTime()}`;
      const at = Date.now();
      const hit = cache.get(key);
      if (hit && hit.expires > at) return hit.value;
      if (cache.size >= maxEntries) cache.clear();
      const entry = { value: Promise.resolve<number | null>(null), expires: at + ttlMs };
      entry.value = store
        .query<{ events: number | string }>('SELECT events FROM usage_monthly WHERE project_id = $1 AND month = $2', [projectId, month])
        .then((rows) => Number(rows[0]?.events ?? 0))
        .catch((error: unknown) => {
          onError(error);
          entry.expires = Math.min(entry.expires, Date.now() + FAILURE_TTL_MS);
          return null;
        });
      cache.set(key, entry);
      return entry.value;
    },
  };
}

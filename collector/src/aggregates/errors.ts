/**
 * Runtime errors (opt-in `runtime_error`) by fingerprint per scene and hour: count, first and
 * last seen, and the sessions each was seen in. The fingerprint is the first 16 hex characters of SHA-256 of the message and the
 * script URL (the collector has already dropped the URL's query string), so the same error from
 * many visitors is one row, and it is stable across processes and releases of the collector.
 *
 * Read: `GET /api/v1/errors`, most frequent first, offset-paged.
 */
import { createHash } from 'node:crypto';
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { QueryParams } from '../http/cursor.js';
import type { Store } from '../storage/types.js';
import { defineRollup, keep, max, min, sum } from './define.js';
import { encodeOffset, intParam, offsetParam, windowWhere, type AggregateQuery } from './params.js';
import type { Aggregate } from './types.js';

/** The rollup: per (project, scene, hour, fingerprint). */
export const errorRollup = defineRollup({
  table: 'agg_errors',
  bucket: 'hour',
  keys: { fingerprint: 'text' },
  values: { errors: sum(), firstSeenMs: min(), lastSeenMs: max(), message: keep(), source: keep() },
});

/**
 * The sessions each error was seen in, per hour: a set of (fingerprint, session id) with no
 * values, counted distinct when read. It holds session ids, so it is per-session data: retention
 * deletes its rows after the project's `retention_days` and erasure deletes a subject's rows
 * (`retention/tables.ts`, `erasure/forget.ts`). An error's count outlives that, its sessions do not.
 */
export const errorSessionsRollup = defineRollup({
  table: 'agg_error_sessions',
  bucket: 'hour',
  keys: { fingerprint: 'text', sessionId: 'text' },
  values: {},
  // Read per fingerprint of a page of errors: it leads the key.
  leadingKeys: 1,
});

/** The fingerprint of an error: 16 hex characters. */
export function errorFingerprint(message: string, source: string | undefined): string {
  return createHash('sha256').update(`${message}\n${source ?? ''}`).digest('hex').slice(0, 16);
}

const key: [string] = [''];
const values: Array<number | string | null> = [1, 0, 0, null, null];
const sessionKey: [string, string] = ['', ''];
const noValues: never[] = [];

/** The errors aggregate. */
export const errors: Aggregate = {
  name: 'errors',
  rollups: [errorRollup, errorSessionsRollup],
  foldEvent(e: VantageEvent, ctx, acc) {
    if (e.type !== 'runtime_error') return;
    key[0] = errorFingerprint(e.message, e.source);
    values[1] = e.t;
    values[2] = e.t;
    values[3] = e.message;
    values[4] = e.source ?? null;
    acc.add(errorRollup, ctx.projectId, ctx.sceneId, e.t, key, values);
    sessionKey[0] = key[0];
    sessionKey[1] = ctx.sessionId;
    acc.add(errorSessionsRollup, ctx.projectId, ctx.sceneId, e.t, sessionKey, noValues);
  },
};

/** One error of the answer. */
export interface ErrorRow {
  fingerprint: string;
  message: string;
  source: string | null;
  count: number;
  /**
   * Distinct sessions it was seen in, over the window (sessions older than the project's
   * `retention_days` are no longer counted).
   */
  sessions: number;
  /** ISO 8601. */
  firstSeen: string;
  lastSeen: string;
}

/** `GET /api/v1/errors`. */
export async function readErrors(store: Store, q: AggregateQuery, query: QueryParams): Promise<{ errors: ErrorRow[]; nextCursor: string | null }> {
  const limit = intParam(query, 'limit', 1, 1000, 100);
  const offset = offsetParam(query);
  const { where, params } = windowWhere(q, 'hour');
  // The page first, then its errors' sessions: one index range per fingerprint of the page.
  const rows = await store.query<{ fingerprint: string; message: string | null; source: string | null; n: number; first_ms: number; last_ms: number; sessions: number }>(
    `WITH page AS (
       SELECT fingerprint, min(message) AS message, min(source) AS source, sum(errors)::float8 AS n,
              min(first_seen_ms)::float8 AS first_ms, max(last_seen_ms)::float8 AS last_ms
         FROM agg_errors WHERE ${where}
        GROUP BY fingerprint ORDER BY n DESC, fingerprint LIMIT ${limit + 1} OFFSET ${offset}
     )
     SELECT page.*, (SELECT count(DISTINCT session_id)::float8 FROM agg_error_sessions WHERE ${where} AND fingerprint = page.fingerprint) AS sessions
       FROM page ORDER BY n DESC, fingerprint`,
    params,
  );
  return {
    errors: rows.slice(0, limit).map((r) => ({
      fingerprint: r.fingerprint,
      message: r.message ?? '',
      source: r.source,
      count: Number(r.n),
      sessions: Number(r.sessions),
      firstSeen: new Date(Number(r.first_ms)).toISOString(),
      lastSeen: new Date(Number(r.last_ms)).toISOString(),
    })),
    nextCursor: rows.length > limit ? encodeOffset(offset + limit) : null,
  };
}

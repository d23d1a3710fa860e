/**
 * Runtime errors (opt-in `runtime_error`) by fingerprint per scene and hour: count, first and
 * last seen. The fingerprint is the first 16 hex characters of SHA-256 of the message and the
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

/** The fingerprint of an error: 16 hex characters. */
export function errorFingerprint(message: string, source: string | undefined): string {
  return createHash('sha256').update(`${message}\n${source ?? ''}`).digest('hex').slice(0, 16);
}

const key: [string] = [''];
const values: Array<number | string | null> = [1, 0, 0, null, null];

/** The errors aggregate. */
export const errors: Aggregate = {
  name: 'errors',
  rollups: [errorRollup],
  foldEvent(e: VantageEvent, ctx, acc) {
    if (e.type !== 'runtime_error') return;
    key[0] = errorFingerprint(e.message, e.source);
    values[1] = e.t;
    values[2] = e.t;
    values[3] = e.message;
    values[4] = e.source ?? null;
    acc.add(errorRollup, ctx.projectId, ctx.sceneId, e.t, key, values);
  },
};

/** One error of the answer. */
export interface ErrorRow {
  fingerprint: string;
  message: string;
  source: string | null;
  count: number;
  /** ISO 8601. */
  firstSeen: string;
  lastSeen: string;
}

/** `GET /api/v1/errors`. */
export async function readErrors(store: Store, q: AggregateQuery, query: QueryParams): Promise<{ errors: ErrorRow[]; nextCursor: string | null }> {
  const limit = intParam(query, 'limit', 1, 1000, 100);
  const offset = offsetParam(query);
  const { where, params } = windowWhere(q, 'hour');
  const rows = await store.query<{ fingerprint: string; message: string | null; source: string | null; n: number; first_ms: number; last_ms: number }>(
    `SELECT fingerprint, min(message) AS message, min(source) AS source, sum(errors)::float8 AS n,
            min(first_seen_ms)::float8 AS first_ms, max(last_seen_ms)::float8 AS last_ms
       FROM agg_errors WHERE ${where}
      GROUP BY fingerprint ORDER BY n DESC, fingerprint LIMIT ${limit + 1} OFFSET ${offset}`,
    params,
  );
  return {
    errors: rows.slice(0, limit).map((r) => ({
      fingerprint: r.fingerprint,
      message: r.message ?? '',
      source: r.source,
      count: Number(r.n),
      firstSeen: new Date(Number(r.first_ms)).toISOString(),
      lastSeen: new Date(Number(r.last_ms)).toISOString(),
    })),
    nextCursor: rows.length > limit ? encodeOffset(offset + limit) : null,
  };
}

/**
 * Test helpers (not part of the build): rows written straight into the tables retention looks
 * at, with chosen timestamps, and counts read back from the database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../storage/types.js';

export const DAY_MS = 86_400_000;

/** `now` minus `days` days (fractions allowed). */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** A `sessions` row started and last seen at `lastSeenAt`. */
export async function seedSession(store: Store, projectId: string, id: string, lastSeenAt: Date): Promise<void> {
  await store.query(
    `INSERT INTO sessions (project_id, id, scene_id, privacy_mode, started_at, last_seen_at, visitor_hash)
     VALUES ($1, $2, 'scene', 'standard', $3, $3, $4)`,
    [projectId, id, lastSeenAt, randomBytes(32).toString('hex')],
  );
}

/** `count` sessions (`<prefix>-1` …) started and last seen at `lastSeenAt`, in one statement. */
export async function seedSessions(store: Store, projectId: string, prefix: string, count: number, lastSeenAt: Date): Promise<void> {
  await store.query(
    `INSERT INTO sessions (project_id, id, scene_id, privacy_mode, started_at, last_seen_at, visitor_hash)
     SELECT $1, $2 || '-' || g, 'scene', 'standard', $3, $3, md5($2 || g) FROM generate_series(1, $4::int) AS g`,
    [projectId, prefix, lastSeenAt, count],
  );
}

/** An `identity_links` row linked at `linkedAt`. */
export async function seedLink(store: Store, projectId: string, sessionId: string, linkedAt: Date, userId = 'u1'): Promise<void> {
  await store.query('INSERT INTO identity_links (project_id, session_id, anonymous_id, user_id, linked_at) VALUES ($1, $2, $3, $4, $5)', [projectId, sessionId, 'anon-1', userId, linkedAt]);
}

/** An `ingest_batches` (dedup ledger) row received at `receivedAt`. */
export async function seedBatch(store: Store, projectId: string, sessionId: string, seq: number, receivedAt: Date): Promise<void> {
  await store.query('INSERT INTO ingest_batches (project_id, session_id, seq, scene_id, received_at, events) VALUES ($1, $2, $3, $4, $5, 1)', [projectId, sessionId, seq, 'scene', receivedAt]);
}

/** A dead letter received at `receivedAt`; returns its id. */
export async function seedDeadLetter(store: Store, projectId: string, receivedAt: Date): Promise<string> {
  const id = randomUUID();
  await store.query(`INSERT INTO dlq (project_id, id, received_at, reason, content_type, payload) VALUES ($1, $2, $3, 'malformed', 'application/json', $4)`, [projectId, id, receivedAt, Buffer.from('{"raw":true}')]);
  return id;
}

/** A `usage_monthly` row for the month starting at `month`. */
export async function seedUsage(store: Store, projectId: string, month: Date): Promise<void> {
  await store.query('INSERT INTO usage_monthly (project_id, month, events, batches) VALUES ($1, $2, 100, 2)', [projectId, month]);
}

/** A visitor salt of a 24-hour period starting at `periodStart`, deleted from `expiresAt` on. */
export async function seedSalt(store: Store, projectId: string, periodStart: Date, expiresAt: Date): Promise<void> {
  await store.query('INSERT INTO visitor_salts (project_id, kind, period_hours, period_start, expires_at, salt) VALUES ($1, $2, 24, $3, $4, $5)', [projectId, 'visitor', periodStart, expiresAt, randomBytes(32)]);
}

/** Aggregate rows (`event_counts_hourly`, `drops_daily`, `agg_errors`) at `at`: retention must keep them. */
export async function seedAggregates(store: Store, projectId: string, at: Date): Promise<void> {
  await store.query('INSERT INTO event_counts_hourly (project_id, scene_id, hour, type, events) VALUES ($1, $2, $3, $4, 5)', [projectId, 'scene', at, 'camera']);
  await store.query('INSERT INTO drops_daily (project_id, day, reason, events) VALUES ($1, $2, $3, 3)', [projectId, at, 'bot']);
  await store.query("INSERT INTO agg_errors (project_id, scene_id, hour, fingerprint, errors, message) VALUES ($1, 'scene', $2, 'f00df00df00df00d', 2, 'boom')", [projectId, at]);
}

/** Rows of `table` that belong to `projectId`. */
export async function countRows(store: Store, table: string, projectId: string): Promise<number> {
  const rows = await store.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table} WHERE project_id = $1`, [projectId]);
  return Number(rows[0]?.n ?? 0);
}

/** Values of `column` of the project's rows of `table`, as strings, sorted. */
export async function columnValues(store: Store, table: string, column: string, projectId: string): Promise<string[]> {
  const rows = await store.query<{ v: unknown }>(`SELECT ${column} AS v FROM ${table} WHERE project_id = $1`, [projectId]);
  return rows.map((r) => (r.v instanceof Date ? r.v.toISOString() : String(r.v))).sort();
}

/**
 * Keyset paging and the query parameters of list routes. A list is ordered newest first by
 * (timestamp, id); a page ends with an opaque cursor naming its last row, and the next page
 * starts strictly after it, so rows added meanwhile never shift a page (no duplicates, no gaps).
 *
 * The cursor carries the timestamp as PostgreSQL text with microseconds ({@link SQL_CURSOR_AT}),
 * not as a JS `Date`: two rows in the same millisecond would otherwise be skipped or repeated.
 * Every bound is always given (`-infinity`, `infinity`, the largest uuid), so one constant
 * statement serves every filter and the (project, time) index bounds every page.
 */
import { HttpError } from './errors.js';

/** Query parameters as Koa parses them. */
export type QueryParams = Record<string, string | string[] | undefined>;

/** Default and largest page size of list routes. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 500;

/**
 * SQL that renders a `timestamptz` column as cursor text (UTC, microseconds); `%s` is the column.
 * Use {@link cursorAtSql}.
 */
const SQL_CURSOR_AT = `to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** `to_char(<column> …)` rendering `column` as exact cursor text. */
export function cursorAtSql(column: string): string {
  return SQL_CURSOR_AT.replace('%s', column);
}

/** Lower and upper bounds for a keyset page, always set, as SQL parameters. */
export interface PageBounds {
  /** Rows at or after this instant (`-infinity` when unset). */
  since: string;
  /** Rows strictly before this instant (`infinity` when unset). */
  until: string;
  /** Start after this (timestamp, id) pair, newest first; `infinity` and the largest uuid on page one. */
  afterAt: string;
  afterId: string;
  /** Rows per page, 1..{@link MAX_PAGE_LIMIT}. */
  limit: number;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const ISO_INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;
const LAST_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** Whether `value` is a uuid in its usual text form (any case). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

function invalid(message: string): HttpError {
  return new HttpError(400, 'invalid_payload', message);
}

/** The single value of query parameter `name`, or undefined; `400` when it is repeated. */
export function singleParam(query: QueryParams, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw invalid(`give ${name} once`);
  return value;
}

/** `?limit=`: an integer 1..500, default 100. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE_LIMIT;
  const value = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= MAX_PAGE_LIMIT)) throw invalid(`limit must be an integer in 1..${MAX_PAGE_LIMIT}, got "${raw.slice(0, 40)}"`);
  return value;
}

/**
 * An ISO 8601 date (`2026-11-23`, midnight UTC) or date-time with a zone
 * (`2026-11-23T10:00:00Z`, `…+01:00`), as an ISO string for SQL; `400` otherwise.
 */
export function parseInstant(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const m = ISO_INSTANT_PATTERN.exec(raw);
  if (!m || !isCalendarTime(m)) {
    throw invalid(`${name} must be an ISO 8601 date or date-time with a zone, like 2026-11-23 or 2026-11-23T10:00:00Z`);
  }
  // Keep the caller's microseconds: a JS Date would round them to milliseconds.
  return raw.length === 10 ? `${raw}T00:00:00Z` : raw;
}

/** Whether the fields of an {@link ISO_INSTANT_PATTERN} match name a real day and time (no 30 February). */
function isCalendarTime(m: RegExpExecArray): boolean {
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = m
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  if (year === undefined || month === undefined || day === undefined) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59
  );
}

/** An opaque cursor for the row at (`at`, `id`); `at` is the text of {@link cursorAtSql}. */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');
}

/** The (at, id) pair of a cursor from {@link encodeCursor}; `400 invalid_payload` for anything else. */
export function decodeCursor(raw: string): { at: string; id: string } {
  let value: unknown;
  try {
    value = /^[A-Za-z0-9_-]{1,200}$/.test(raw) ? JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) : undefined;
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 2) {
    const [at, id] = value as unknown[];
    if (typeof at === 'string' && CURSOR_AT_PATTERN.test(at) && !Number.isNaN(Date.parse(at)) && isUuid(id)) return { at, id };
  }
  throw invalid('cursor is not one this API returned; pass nextCursor back unchanged');
}

/** Read `limit`, `cursor`, `since` and `until` from the query string of a list route. */
export function parsePageBounds(query: QueryParams): PageBounds {
  const limit = parseLimit(singleParam(query, 'limit'));
  const since = parseInstant('since', singleParam(query, 'since'));
  const until = parseInstant('until', singleParam(query, 'until'));
  if (since !== undefined && until !== undefined && Date.parse(since) > Date.parse(until)) {
    throw invalid('since must not be after until');
  }
  const rawCursor = singleParam(query, 'cursor');
  const after = rawCursor === undefined ? undefined : decodeCursor(rawCursor);
  return {
    since: since ?? '-infinity',
    until: until ?? 'infinity',
    afterAt: after?.at ?? 'infinity',
    afterId: after?.id ?? LAST_UUID,
    limit,
  };
}

/** A page of items and the cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cut a page from `rows` fetched with `LIMIT limit + 1`: the extra row only says that a next
 * page exists. `keyOf` gives a row's cursor text and id.
 */
export function toPage<R, T>(rows: readonly R[], limit: number, keyOf: (row: R) => { at: string; id: string }, map: (row: R) => T): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(keyOf(last).at, keyOf(last).id) : null;
  return { items: shown.map(map), nextCursor };
}

/**
 * Query parameters shared by the aggregate routes: scene, time window, segment filters, limit.
 * Every refusal is an {@link HttpError} `400 invalid_payload` naming the parameter, like the
 * other routes of the API.
 */
import { parseInstant, singleParam, type QueryParams } from '../http/cursor.js';
import { HttpError } from '../http/errors.js';

/** The default window: the last 7 days. */
export const DEFAULT_WINDOW_MS = 7 * 24 * 3_600_000;
/** The longest window a query may span: 400 days. */
export const MAX_WINDOW_MS = 400 * 24 * 3_600_000;

/** A half-open time window `[from, to)`. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

/** What every aggregate read gets: the key's project and the common parameters. */
export interface AggregateQuery extends TimeWindow {
  projectId: string;
  /** Scene id, or null for every scene of the project. */
  scene: string | null;
  /** Segment filters (device type, browser family); null when not given. */
  deviceType: string | null;
  browser: string | null;
}

function invalid(message: string): HttpError {
  return new HttpError(400, 'invalid_payload', message);
}

/** `from`/`to`: an ISO 8601 date or date-time with a zone, or epoch ms. */
function instant(query: QueryParams, name: string): Date | undefined {
  const raw = singleParam(query, name);
  if (raw === undefined) return undefined;
  if (/^\d{1,15}$/.test(raw)) return new Date(Number(raw));
  return new Date(parseInstant(name, raw) as string);
}

/** A short identifier-like text parameter (scene, device type, browser…), or null. */
export function textParam(query: QueryParams, name: string, maxLength = 128): string | null {
  const raw = singleParam(query, name);
  if (raw === undefined) return null;
  if (raw.length < 1 || raw.length > maxLength || /[\u0000-\u001f]/.test(raw)) throw invalid(`${name} must be 1–${maxLength} printable characters`);
  return raw;
}

/** One of `values`, or `fallback` when absent. */
export function choiceParam<T extends string>(query: QueryParams, name: string, values: readonly T[], fallback: T): T {
  const raw = singleParam(query, name);
  if (raw === undefined) return fallback;
  if (!(values as readonly string[]).includes(raw)) throw invalid(`${name} must be one of ${values.join(', ')}`);
  return raw as T;
}

/** Time intervals of a series (weeks start on Monday, UTC). */
export const INTERVALS = ['hour', 'day', 'week'] as const;
export type Interval = (typeof INTERVALS)[number];

/** The longest window an hourly series of percentiles may span: 31 days (744 points). */
export const MAX_HOURLY_SERIES_MS = 31 * 24 * 3_600_000;

/**
 * `interval` of a route that answers a series only when asked (performance, resources): null
 * when absent; hours only over a window of at most 31 days.
 */
export function seriesIntervalParam(query: QueryParams, window: TimeWindow): Interval | null {
  if (singleParam(query, 'interval') === undefined) return null;
  const interval = choiceParam(query, 'interval', INTERVALS, 'day');
  if (interval === 'hour' && window.to.getTime() - window.from.getTime() > MAX_HOURLY_SERIES_MS) {
    throw invalid('interval=hour needs a window from..to of at most 31 days (use day or week)');
  }
  return interval;
}

/**
 * The SQL of the interval start of `column` (a UTC hour or day bucket) for a series read, its
 * unit pushed onto `params`; without an interval, a null every row shares.
 */
export function intervalStartSql(params: unknown[], interval: Interval | null, column = 'hour'): string {
  return interval === null ? 'NULL::timestamptz' : `date_trunc($${params.push(interval)}, ${column}, 'UTC')`;
}

/** An integer in `[min, max]`, or `fallback` when absent. */
export function intParam(query: QueryParams, name: string, min: number, max: number, fallback: number): number {
  const raw = singleParam(query, name);
  if (raw === undefined) return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) throw invalid(`${name} must be an integer in ${min}..${max}`);
  return value;
}

/** The parameters every aggregate route takes; `now` is the default `to`. */
export function parseAggregateQuery(projectId: string, query: QueryParams, options: { sceneRequired?: boolean; now?: number } = {}): AggregateQuery {
  const now = options.now ?? Date.now();
  const to = instant(query, 'to') ?? new Date(now);
  const from = instant(query, 'from') ?? new Date(to.getTime() - DEFAULT_WINDOW_MS);
  if (Number.isNaN(to.getTime()) || Number.isNaN(from.getTime())) throw invalid('from and to must be valid instants');
  if (from.getTime() >= to.getTime()) throw invalid('from must be before to');
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) throw invalid('the window from..to may span at most 400 days');
  const scene = textParam(query, 'scene');
  if (options.sceneRequired && scene === null) throw invalid('scene is required');
  return { projectId, scene, from, to, deviceType: textParam(query, 'deviceType', 32), browser: textParam(query, 'browser', 64) };
}

/** An opaque cursor: an offset into a stable ordering, base64url JSON. */
export function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

/** The offset of a cursor from {@link encodeOffset}; `400` when it is not one. */
export function offsetParam(query: QueryParams): number {
  const raw = singleParam(query, 'cursor');
  if (raw === undefined) return 0;
  try {
    const value = (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1e9) return value;
  } catch {
    // fall through
  }
  throw invalid('cursor is not one this API gave out');
}

/** SQL condition and parameters for project, optional scene and the window over `column`; `$1…`. */
export function windowWhere(q: AggregateQuery, column: string, first = 1): { where: string; params: unknown[] } {
  const params: unknown[] = [q.projectId, q.from.toISOString(), q.to.toISOString()];
  let where = `project_id = $${first} AND ${column} >= $${first + 1}::timestamptz AND ${column} < $${first + 2}::timestamptz`;
  if (q.scene !== null) {
    params.push(q.scene);
    where += ` AND scene_id = $${first + 3}`;
  }
  return { where, params };
}

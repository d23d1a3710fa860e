/**
 * The sessions list: per-session summaries (`sessions`, see `session-summary.ts`), newest first,
 * keyset-paged on (start, id) so sessions arriving meanwhile never shift a page. Summaries are
 * about a session, not its events, so this works with raw retention off.
 *
 * Read: `GET /api/v1/sessions?scene&from&to&deviceType&browser&hasErrors&limit&cursor`.
 */
import type { QueryParams } from '../http/cursor.js';
import { cursorAtSql, singleParam } from '../http/cursor.js';
import { HttpError } from '../http/errors.js';
import type { Store } from '../storage/types.js';
import { choiceParam, intParam, type AggregateQuery } from './params.js';

/** One session of the answer. */
export interface SessionSummary {
  id: string;
  scene: string;
  /** ISO 8601. */
  startedAt: string;
  /** The larger of the SDK's `session_end.durationMs` and the span of its events. */
  durationMs: number;
  events: number;
  clicks: number;
  picks: number;
  customEvents: number;
  errors: number;
  hasErrors: boolean;
  /** Null where the project's privacy mode keeps none. */
  deviceType: string | null;
  browser: string | null;
  country: string | null;
  source: string | null;
  medium: string | null;
  campaign: string | null;
}

function cursorOf(raw: string | undefined): { at: string; id: string } | null {
  if (raw === undefined) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string' && !Number.isNaN(Date.parse(value[0]))) return { at: value[0], id: value[1] };
  } catch {
    // fall through
  }
  throw new HttpError(400, 'invalid_payload', 'cursor is not one this API returned; pass nextCursor back unchanged');
}

/** `GET /api/v1/sessions`. */
export async function readSessions(store: Store, q: AggregateQuery, query: QueryParams): Promise<{ sessions: SessionSummary[]; nextCursor: string | null }> {
  const limit = intParam(query, 'limit', 1, 1000, 100);
  const hasErrors = choiceParam(query, 'hasErrors', ['any', 'true', 'false'] as const, 'any');
  const after = cursorOf(singleParam(query, 'cursor'));
  const params: unknown[] = [q.projectId, q.from.toISOString(), q.to.toISOString(), after?.at ?? 'infinity', after?.id ?? ''];
  let where = 'project_id = $1 AND started_at >= $2::timestamptz AND started_at < $3::timestamptz';
  where += after ? ' AND (started_at, id) < ($4::timestamptz, $5::text)' : ' AND $4::text IS NOT NULL AND $5::text IS NOT NULL';
  if (q.scene !== null) where += ` AND scene_id = $${params.push(q.scene)}`;
  if (q.deviceType !== null) where += ` AND device_type = $${params.push(q.deviceType)}`;
  if (q.browser !== null) where += ` AND browser = $${params.push(q.browser)}`;
  if (hasErrors !== 'any') where += hasErrors === 'true' ? ' AND errors > 0' : ' AND errors = 0';
  const rows = await store.query<Record<string, unknown>>(
    `SELECT id, scene_id, started_at, ${cursorAtSql('started_at')} AS cursor_at, events, clicks, picks, custom_events, errors,
            greatest(ended_duration_ms, COALESCE(last_event_ms - first_event_ms, 0))::float8 AS duration_ms,
            device_type, browser, country, source, medium, campaign
       FROM sessions WHERE ${where}
      ORDER BY started_at DESC, id DESC LIMIT ${limit + 1}`,
    params,
  );
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    sessions: shown.map((r) => ({
      id: String(r.id),
      scene: String(r.scene_id),
      startedAt: new Date(r.started_at as Date).toISOString(),
      durationMs: Number(r.duration_ms),
      events: Number(r.events),
      clicks: Number(r.clicks),
      picks: Number(r.picks),
      customEvents: Number(r.custom_events),
      errors: Number(r.errors),
      hasErrors: Number(r.errors) > 0,
      deviceType: (r.device_type as string | null) ?? null,
      browser: (r.browser as string | null) ?? null,
      country: (r.country as string | null) ?? null,
      source: (r.source as string | null) ?? null,
      medium: (r.medium as string | null) ?? null,
      campaign: (r.campaign as string | null) ?? null,
    })),
    nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify([last.cursor_at, last.id])).toString('base64url') : null,
  };
}

/**
 * Reading a project's dead letters: a page of entries with a payload preview (never the whole
 * payload: only its first {@link PREVIEW_HEAD_BYTES} bytes leave the database), and one entry
 * with its whole payload. Every query is scoped by the project id, so an entry of another
 * project — or of no project — is never seen.
 */
import type { Store } from '../storage/types.js';
import { maskKeys, previewPayload, type PayloadPreview } from './preview.js';

/** Bytes of a payload read for its preview in lists. */
export const PREVIEW_HEAD_BYTES = 16 * 1024;

/** A dead letter as lists show it. */
export interface DeadLetterItem {
  id: string;
  /** When the collector received it, ISO 8601. */
  receivedAt: string;
  /** Drop reason: an event reason (`invalid_field`…), `undecodable` or `invalid_envelope`. */
  reason: string;
  detail: string;
  contentType: string;
  /** Session and batch sequence number of a per-event entry; null for a whole body. */
  sessionId: string | null;
  seq: number | null;
  /** Position of the event in its batch; null when the whole body was rejected. */
  eventIndex: number | null;
  /** When a replay accepted it, ISO 8601; null while it waits. */
  replayedAt: string | null;
  /** Size of the raw payload, bytes. */
  bytes: number;
  preview: PayloadPreview;
}

/** One dead letter with its whole payload. */
export interface DeadLetterDetail extends DeadLetterItem {
  /** The batch envelope (without key and events) of a per-event entry. */
  envelope: Record<string, unknown> | null;
  /** The raw payload, base64, with any API key in it masked (`sk_****…`, same length). */
  payload: string;
}

/** Filters and bounds of {@link listDeadLetters}; see `PageBounds` in `http/cursor.ts`. */
export interface DeadLetterQuery {
  since: string;
  until: string;
  afterAt: string;
  afterId: string;
  /** Rows to read (the route asks for one more than it shows). */
  limit: number;
  reason: string | null;
  replayed: boolean | null;
}

/** A listed row: the item and its exact cursor text. */
export interface DeadLetterListRow {
  item: DeadLetterItem;
  cursorAt: string;
}

interface DlqRow extends Record<string, unknown> {
  id: string;
  received_at: Date;
  cursor_at: string;
  reason: string;
  detail: string;
  content_type: string;
  session_id: string | null;
  seq: number | null;
  event_index: number | null;
  replayed_at: Date | null;
  bytes: number;
  head: Uint8Array;
}

const COLUMNS = `id, received_at,
  to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
  reason, detail, content_type, session_id, seq, event_index, replayed_at,
  octet_length(payload) AS bytes`;

const LIST_SQL = `
SELECT ${COLUMNS}, substring(payload FROM 1 FOR ${PREVIEW_HEAD_BYTES}) AS head
FROM dlq
WHERE project_id = $1
  AND received_at >= $2::timestamptz AND received_at < $3::timestamptz
  AND received_at <= $4::timestamptz AND (received_at, id) < ($4::timestamptz, $5::uuid)
  AND ($6::text IS NULL OR reason = $6::text)
  AND ($7::boolean IS NULL OR (replayed_at IS NOT NULL) = $7::boolean)
ORDER BY received_at DESC, id DESC
LIMIT $8`;

const GET_SQL = `SELECT ${COLUMNS}, payload AS head, envelope FROM dlq WHERE project_id = $1 AND id = $2::uuid`;

function toItem(row: DlqRow): DeadLetterItem {
  return {
    id: row.id,
    receivedAt: row.received_at.toISOString(),
    reason: row.reason,
    detail: row.detail,
    contentType: row.content_type,
    sessionId: row.session_id,
    seq: row.seq,
    eventIndex: row.event_index,
    replayedAt: row.replayed_at ? row.replayed_at.toISOString() : null,
    bytes: Number(row.bytes),
    preview: previewPayload({ head: row.head, bytes: Number(row.bytes), perEvent: row.event_index !== null, contentType: row.content_type }),
  };
}

/** A project's dead letters, newest first, within `query`'s bounds and filters. */
export async function listDeadLetters(store: Store, projectId: string, query: DeadLetterQuery): Promise<DeadLetterListRow[]> {
  const rows = await store.query<DlqRow>(LIST_SQL, [
    projectId, query.since, query.until, query.afterAt, query.afterId, query.reason, query.replayed, query.limit,
  ]);
  return rows.map((row) => ({ item: toItem(row), cursorAt: row.cursor_at }));
}

/** One dead letter of the project with its payload, or null (`id` must be a uuid). */
export async function getDeadLetter(store: Store, projectId: string, id: string): Promise<DeadLetterDetail | null> {
  const rows = await store.query<DlqRow & { envelope: Record<string, unknown> | null }>(GET_SQL, [projectId, id]);
  const row = rows[0];
  if (!row) return null;
  const masked = maskKeys(row.head);
  const payload = Buffer.from(masked.buffer, masked.byteOffset, masked.byteLength).toString('base64');
  return { ...toItem(row), envelope: row.envelope, payload };
}

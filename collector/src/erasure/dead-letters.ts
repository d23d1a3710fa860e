/**
 * Dead letters that name a subject. A per-event letter keeps its batch's envelope (`sid`, and
 * `anon` / `user` when the batch had them) as jsonb, so SQL finds it; a whole-body letter keeps
 * only the request body as received (msgpack or JSON, maybe truncated or undecodable), so its
 * ids are read here: decoded when it decodes, else picked out of the raw bytes.
 */
import { decodeBody } from '../ingest/decode-body.js';
import type { Store } from '../storage/types.js';
import type { ResolvedSubject } from './resolve.js';

/** The ids a letter carries; undefined where it has none. */
export interface NamedIds {
  sid?: string | undefined;
  anon?: string | undefined;
  user?: string | undefined;
}

/** Whole-body letters read per query: bodies are up to `COLLECTOR_MAX_BODY_BYTES` each. */
const BODY_PAGE = 50;

/**
 * Whether a letter with these ids is the subject's: one of the subject's sessions, user ids or
 * given anonymous ids; or an anonymous id seen with the subject's user id, unless the letter
 * names another user id or one of the sessions kept as another user's (see `resolve.ts`).
 */
export function namesSubject(ids: NamedIds, subject: ResolvedSubject): boolean {
  if (ids.sid !== undefined && subject.sessions.has(ids.sid)) return true;
  if (ids.user !== undefined && subject.users.has(ids.user)) return true;
  if (ids.anon === undefined) return false;
  if (subject.anons.has(ids.anon)) return true;
  if (!subject.linkedAnons.has(ids.anon)) return false;
  return ids.user === undefined && !(ids.sid !== undefined && subject.otherUsersSessions.has(ids.sid));
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The top-level ids of a decoded body. */
function idsOfValue(value: unknown): NamedIds {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const body = value as Record<string, unknown>;
  return { sid: str(body.sid), anon: str(body.anon), user: str(body.user) };
}

const FIELDS = ['sid', 'anon', 'user'] as const;
const JSON_FIELD = /"(sid|anon|user)"\s*:\s*("(?:[^"\\]|\\.)*")/g;

/** The first `"sid": "…"`, `"anon": …`, `"user": …` pairs of JSON-like text (a body cut short). */
function idsOfText(text: string): NamedIds {
  const ids: NamedIds = {};
  for (const match of text.matchAll(JSON_FIELD)) {
    const field = match[1] as (typeof FIELDS)[number];
    if (ids[field] !== undefined) continue;
    try {
      ids[field] = str(JSON.parse(match[2] as string));
    } catch {
      // Not a complete string literal: nothing to match.
    }
  }
  return ids;
}

/** The string after the first msgpack key `field` (a fixstr) in raw bytes, if any. */
function msgpackStringAfter(bytes: Buffer, field: string): string | undefined {
  const key = Buffer.concat([Buffer.from([0xa0 | field.length]), Buffer.from(field, 'ascii')]);
  const at = bytes.indexOf(key);
  if (at < 0) return undefined;
  let pos = at + key.length;
  const head = bytes[pos];
  let length: number;
  if (head === undefined) return undefined;
  if (head >= 0xa0 && head <= 0xbf) {
    length = head & 0x1f;
    pos += 1;
  } else if (head === 0xd9 && pos + 1 < bytes.length) {
    length = bytes[pos + 1] as number;
    pos += 2;
  } else if (head === 0xda && pos + 2 < bytes.length) {
    length = bytes.readUInt16BE(pos + 1);
    pos += 3;
  } else {
    return undefined;
  }
  return pos + length <= bytes.length ? bytes.toString('utf8', pos, pos + length) : undefined;
}

/**
 * The ids a whole-body letter carries: its top-level `sid`, `anon`, `user` when the body decodes
 * with its content type; otherwise (undecodable or cut short) the first such fields found in the
 * raw bytes, read as JSON text and as msgpack.
 */
export function idsOfBody(payload: Uint8Array, contentType: string): NamedIds {
  const decoded = decodeBody(payload, contentType);
  if (decoded.ok) return idsOfValue(decoded.value);
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const text = idsOfText(bytes.toString('utf8'));
  const ids: NamedIds = {};
  for (const field of FIELDS) ids[field] = text[field] ?? msgpackStringAfter(bytes, field);
  return ids;
}

/**
 * Ids of the project's dead letters that name the subject. Per-event letters are found by SQL
 * on their column and envelope; every whole-body letter of the project is read, a page at a
 * time, because its ids are inside its bytes (erasure is rare; the DLQ is pruned after
 * `DLQ_RETENTION_DAYS`).
 */
export async function findDeadLetters(store: Store, projectId: string, subject: ResolvedSubject): Promise<string[]> {
  const found: string[] = [];
  const envelopes = await store.query<{ id: string; sid: string | null; anon: string | null; user_id: string | null }>(
    `SELECT id, COALESCE(session_id, envelope->>'sid') AS sid, envelope->>'anon' AS anon, envelope->>'user' AS user_id
       FROM dlq
      WHERE project_id = $1
        AND (session_id = ANY($2::text[]) OR envelope->>'sid' = ANY($2::text[])
             OR envelope->>'anon' = ANY($3::text[]) OR envelope->>'user' = ANY($4::text[]))`,
    [projectId, [...subject.sessions], [...subject.anons, ...subject.linkedAnons], [...subject.users]],
  );
  for (const row of envelopes) {
    if (namesSubject({ sid: row.sid ?? undefined, anon: row.anon ?? undefined, user: row.user_id ?? undefined }, subject)) found.push(row.id);
  }

  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await store.query<{ id: string; content_type: string; payload: Uint8Array }>(
      `SELECT id, content_type, payload FROM dlq
        WHERE project_id = $1 AND event_index IS NULL AND id > $2::uuid
        ORDER BY id LIMIT ${BODY_PAGE}`,
      [projectId, after],
    );
    for (const row of page) {
      if (namesSubject(idsOfBody(row.payload, row.content_type), subject)) found.push(row.id);
    }
    if (page.length < BODY_PAGE) break;
    after = (page[page.length - 1] as { id: string }).id;
  }
  return [...new Set(found)];
}

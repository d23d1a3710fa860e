/**
 * A data subject to erase, as named in a `POST /api/v1/forget` body, and the pseudonym the
 * audit log keeps for it instead of the ids themselves.
 */
import { createHash } from 'node:crypto';

/** The ids a subject can be named by, in the order they are resolved and audited. */
export const SUBJECT_KINDS = ['user_id', 'anonymous_id', 'session_id'] as const;

/** `user_id`, `anonymous_id` or `session_id`. */
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** The subject of one erasure: one id of each kind at most, at least one in all (their union is erased). */
export type Subject = Partial<Record<SubjectKind, string>>;

/** Longest id accepted, characters (the wire schema's limit for `anon` and `user`). */
export const MAX_SUBJECT_ID_CHARS = 128;

/** Body fields that are ignored rather than refused: the key alone decides the project. */
const IGNORED_FIELDS = new Set(['project_id']);

/** A parsed body, or what is wrong with it (a message for a `400`). */
export type ParsedSubject = { ok: true; subject: Subject } | { ok: false; message: string };

/**
 * Check a request body: a JSON object with at least one of `user_id`, `anonymous_id`,
 * `session_id`, each a string of 1–128 characters. Any other field is refused (a misspelt
 * field must not silently erase less than asked), except `project_id`, which is ignored.
 */
export function parseSubject(body: unknown): ParsedSubject {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, message: 'send a JSON object like {"user_id": "u_123"}' };
  }
  const subject: Subject = {};
  for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
    if (IGNORED_FIELDS.has(field)) continue;
    if (!(SUBJECT_KINDS as readonly string[]).includes(field)) {
      return { ok: false, message: `unknown field "${field.slice(0, 40)}"; a subject is named by ${SUBJECT_KINDS.join(', ')}` };
    }
    if (typeof value !== 'string' || value.length < 1 || value.length > MAX_SUBJECT_ID_CHARS) {
      return { ok: false, message: `${field} must be a string of 1–${MAX_SUBJECT_ID_CHARS} characters` };
    }
    subject[field as SubjectKind] = value;
  }
  if (Object.keys(subject).length === 0) {
    return { ok: false, message: `name the subject with at least one of ${SUBJECT_KINDS.join(', ')}` };
  }
  return { ok: true, subject };
}

/**
 * The audit log's name for one id of a subject: SHA-256 (hex) of
 * `vantage-forget-v1 \0 <project id> \0 <kind> \0 <value>`.
 *
 * Why a hash: the audit row must prove an erasure happened without itself keeping the personal
 * data that was erased. Whoever later holds the id (the subject, or support answering "was I
 * erased?") can recompute the hash and find the row; the log alone names nobody. It is a
 * pseudonym, not anonymity: an id that can be guessed (an e-mail, a sequential number) can be
 * confirmed by hashing the guess — which is exactly the check the row exists for. The project id
 * in the input keeps equal ids of two projects apart; the version prefix lets the scheme change.
 */
export function subjectHash(projectId: string, kind: SubjectKind, value: string): string {
  return createHash('sha256').update(`vantage-forget-v1\u0000${projectId}\u0000${kind}\u0000${value}`, 'utf8').digest('hex');
}

/** The subject's kinds, in {@link SUBJECT_KINDS} order. */
export function kindsOf(subject: Subject): SubjectKind[] {
  return SUBJECT_KINDS.filter((kind) => subject[kind] !== undefined);
}

/**
 * Which sessions belong to a subject, following identity links.
 *
 * Ingest keeps the ids the app supplies: `sessions.anonymous_id` / `user_id` (the latest of each
 * session) and one `identity_links` row per distinct (session, anonymous id, user id) seen, `''`
 * for a missing id. A visitor who browses as anonymous id A in sessions S1 and S2 and then calls
 * `identify({userId: U})` in S3 leaves (S1, A, ''), (S2, A, ''), (S3, A, U).
 *
 * The rule, per kind of id (several ids: the union):
 * - `session_id` S: that session.
 * - `anonymous_id` A: every session linked to A, or whose `sessions.anonymous_id` is A.
 * - `user_id` U: every session linked to U (or whose `sessions.user_id` is U); then the anonymous
 *   ids that appeared in those sessions, and their sessions too — the sessions before `identify`
 *   (S1 and S2 above), which erasing by user id alone would leave behind. Except a session
 *   reached only through such an anonymous id that is linked to a *different* user id: that is
 *   another person on a shared device or browser profile, and their data is not the subject's.
 *   A session linked to U directly is erased even if another user id appears in it too.
 *
 * Links are followed one step (user → anonymous ids → sessions), never onward to the other user
 * ids of those sessions. Every query is limited to the key's project.
 */
import type { Store } from '../storage/types.js';
import type { Subject } from './subject.js';

/** A subject resolved to what erasure deletes and matches. */
export interface ResolvedSubject {
  /** The subject's session set: everything stored per one of these sessions is erased. */
  sessions: ReadonlySet<string>;
  /** User ids given in the request. */
  users: ReadonlySet<string>;
  /** Anonymous ids given in the request. */
  anons: ReadonlySet<string>;
  /** Anonymous ids that appeared in the given user's sessions (not given themselves). */
  linkedAnons: ReadonlySet<string>;
  /** Sessions of {@link linkedAnons} that are kept: they are linked to another user id. */
  otherUsersSessions: ReadonlySet<string>;
}

/** One (session, anonymous id, user id) triple; `''` where none was supplied. */
interface Identity extends Record<string, unknown> {
  session_id: string;
  anonymous_id: string;
  user_id: string;
}

/** Columns of `identity_links` and of `sessions` to look a triple up by. */
const LOOKUP = {
  session: { link: 'session_id', session: 'id' },
  anon: { link: 'anonymous_id', session: 'anonymous_id' },
  user: { link: 'user_id', session: 'user_id' },
} as const;

/** Every triple of the project whose `by` id is one of `values`, from the links and the sessions table. */
async function identities(store: Store, projectId: string, by: keyof typeof LOOKUP, values: Iterable<string>): Promise<Identity[]> {
  const list = [...values];
  if (list.length === 0) return [];
  const columns = LOOKUP[by];
  return store.query<Identity>(
    `SELECT session_id, anonymous_id, user_id FROM identity_links
      WHERE project_id = $1 AND ${columns.link} = ANY($2::text[])
     UNION
     SELECT id, COALESCE(anonymous_id, ''), COALESCE(user_id, '') FROM sessions
      WHERE project_id = $1 AND ${columns.session} = ANY($2::text[])`,
    [projectId, list],
  );
}

/** Resolve `subject` in `projectId` by the rule above (read only; a handful of indexed queries). */
export async function resolveSubject(store: Store, projectId: string, subject: Subject): Promise<ResolvedSubject> {
  const users = new Set(subject.user_id === undefined ? [] : [subject.user_id]);
  const anons = new Set(subject.anonymous_id === undefined ? [] : [subject.anonymous_id]);
  const sessions = new Set(subject.session_id === undefined ? [] : [subject.session_id]);

  for (const row of await identities(store, projectId, 'anon', anons)) sessions.add(row.session_id);

  const userSessions = new Set((await identities(store, projectId, 'user', users)).map((row) => row.session_id));
  for (const id of userSessions) sessions.add(id);

  const linkedAnons = new Set<string>();
  for (const row of await identities(store, projectId, 'session', userSessions)) {
    if (row.anonymous_id !== '' && !anons.has(row.anonymous_id)) linkedAnons.add(row.anonymous_id);
  }

  const candidates = new Set<string>();
  for (const row of await identities(store, projectId, 'anon', linkedAnons)) {
    if (!sessions.has(row.session_id)) candidates.add(row.session_id);
  }
  const otherUsersSessions = new Set<string>();
  for (const row of await identities(store, projectId, 'session', candidates)) {
    if (row.user_id !== '' && !users.has(row.user_id)) otherUsersSessions.add(row.session_id);
  }
  for (const id of candidates) if (!otherUsersSessions.has(id)) sessions.add(id);

  return { sessions, users, anons, linkedAnons, otherUsersSessions };
}

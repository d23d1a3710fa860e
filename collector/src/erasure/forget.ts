/**
 * Erasing a data subject (`POST /api/v1/forget`): resolve the subject's sessions through
 * identity links (`resolve.ts`), find the dead letters that name it (`dead-letters.ts`), then
 * delete everything raw or per-session about it and append the audit row, in one statement of
 * one transaction: all of it happens, or nothing does. Only the key's project is ever touched.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../tenants/audit.js';
import type { Store } from '../storage/types.js';
import { findDeadLetters } from './dead-letters.js';
import { resolveSubject } from './resolve.js';
import { kindsOf, subjectHash, type Subject } from './subject.js';

/**
 * Everything erasure deletes, in one place: a table of raw or per-session data is one more line
 * here (and its name becomes a key of the answer's `deleted`). `where` is SQL over the
 * statement's parameters, always on top of `project_id = $1`:
 * - `$2` text[]: the subject's session ids;
 * - `$3` text[]: the anonymous ids given; `$4` text[]: the user ids given;
 * - `$5` uuid[]: the ids of dead letters that name the subject (found by `findDeadLetters`).
 */
export const ERASED_TABLES = [
  { table: 'sessions', where: 'id = ANY($2::text[])' },
  { table: 'identity_links', where: 'session_id = ANY($2::text[]) OR anonymous_id = ANY($3::text[]) OR user_id = ANY($4::text[])' },
  { table: 'ingest_batches', where: 'session_id = ANY($2::text[])' },
  { table: 'session_chunks', where: 'session_id = ANY($2::text[])' },
  { table: 'dlq', where: 'session_id = ANY($2::text[]) OR id = ANY($5::uuid[])' },
  { table: 'agg_error_sessions', where: 'session_id = ANY($2::text[])' },
] as const;

/** Rows deleted per table of {@link ERASED_TABLES}: the answer's `deleted`. */
export type ErasureCounts = Record<(typeof ERASED_TABLES)[number]['table'], number>;

/**
 * One statement: a data-modifying CTE per table (they all see one snapshot), then the audit row
 * with the counts. `$6` audit row id, `$7` actor, `$8` target (subject hashes), `$9` kinds.
 */
const FORGET_SQL = `WITH
${ERASED_TABLES.map((t, i) => `  d${i} AS (DELETE FROM ${t.table} WHERE project_id = $1 AND (${t.where}) RETURNING 1)`).join(',\n')}
INSERT INTO audit_log (project_id, id, actor, action, target, detail)
SELECT $1, $6::uuid, $7, 'forget', $8, jsonb_build_object(
  'subject', $9::jsonb,
  'deleted', jsonb_build_object(${ERASED_TABLES.map((t, i) => `'${t.table}', (SELECT count(*) FROM d${i})`).join(', ')}))
RETURNING detail->'deleted' AS deleted`;

/**
 * Erase `subject` from `projectId`, audited as `actor`; returns the rows deleted per table.
 * Idempotent: erasing again finds nothing and answers zeros (and is audited again). Data that
 * arrives for the subject while this runs may survive it, like data that arrives afterwards.
 * Rejects (and deletes nothing, audits nothing) when the store refuses.
 */
export async function forgetSubject(store: Store, projectId: string, subject: Subject, actor: Actor): Promise<ErasureCounts> {
  const resolved = await resolveSubject(store, projectId, subject);
  const letters = await findDeadLetters(store, projectId, resolved);
  const kinds = kindsOf(subject);
  // The audit log names the subject only by hashes (see subjectHash), one per id given.
  const target = kinds.map((kind) => subjectHash(projectId, kind, subject[kind] as string)).join(',');
  const [rows] = await store.transaction([
    {
      sql: FORGET_SQL,
      params: [
        projectId,
        [...resolved.sessions],
        [...resolved.anons],
        [...resolved.users],
        letters,
        randomUUID(),
        actor,
        target,
        JSON.stringify(kinds),
      ],
    },
  ]);
  const deleted = (rows?.[0]?.deleted ?? {}) as Record<string, unknown>;
  const counts = {} as ErasureCounts;
  for (const { table } of ERASED_TABLES) counts[table] = Number(deleted[table] ?? 0);
  return counts;
}

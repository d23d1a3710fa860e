/**
 * Audit rows. The audit log is append-only (the database refuses UPDATE, DELETE and TRUNCATE);
 * an audited change adds its row in the same transaction as the change itself.
 */
import { randomUUID } from 'node:crypto';
import type { SqlStatement } from '../storage/types.js';

/** Who did something: `cli`, `system`, `key:<id>`, or an operator later. */
export type Actor = string;

/** The statement that appends one audit row; run it in the change's transaction. */
export function auditStatement(
  projectId: string,
  actor: Actor,
  action: string,
  target: string,
  detail: Record<string, unknown> = {},
): SqlStatement {
  return {
    sql: 'INSERT INTO audit_log (project_id, id, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb)',
    params: [projectId, randomUUID(), actor, action, target, JSON.stringify(detail)],
  };
}

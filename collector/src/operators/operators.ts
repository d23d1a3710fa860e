/**
 * Operator accounts: people who sign in to the dashboard. An operator belongs to projects (with
 * a role) and sees only those. Created by `vantage users create` and, on the first start, for
 * the demo project.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../storage/types.js';
import { auditStatement, type Actor } from '../tenants/audit.js';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password.js';

/** What an operator may do in a project: `admin` changes settings and keys, `viewer` reads. */
export type OperatorRole = 'admin' | 'viewer';

/** An operator as the API shows it. */
export interface Operator {
  id: string;
  email: string;
  projects: Array<{ id: string; name: string; role: OperatorRole }>;
}

/** A refused account change (bad email, short password…), safe to show. */
export class OperatorError extends Error {}

/** Normalise and check an email address (lowercased, trimmed). */
export function normaliseEmail(value: unknown): string {
  const email = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!/^[^\s@]{1,64}@[^\s@]{1,253}$/.test(email)) throw new OperatorError('email must look like name@example.com');
  return email;
}

/** Check a new password's length. */
export function checkPassword(value: unknown): string {
  if (typeof value !== 'string' || value.length < MIN_PASSWORD_LENGTH || value.length > MAX_PASSWORD_LENGTH) {
    throw new OperatorError(`password must be ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters`);
  }
  return value;
}

/** A random password for a generated account: 24 characters of base64url (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Create an operator (or, when the email exists, add the projects to it and leave its password),
 * with an audit row per project. Answers the operator and whether it was new.
 */
export async function createOperator(
  store: Store,
  input: { email: string; password: string; projects: ReadonlyArray<{ id: string; role: OperatorRole }> },
  actor: Actor,
): Promise<{ operator: Operator; created: boolean }> {
  const email = normaliseEmail(input.email);
  const password = checkPassword(input.password);
  const existing = await store.query<{ id: string }>('SELECT id FROM operators WHERE email = $1', [email]);
  const id = existing[0]?.id ?? randomUUID();
  const statements = [];
  if (!existing[0]) {
    statements.push({ sql: 'INSERT INTO operators (id, email, password_hash) VALUES ($1, $2, $3)', params: [id, email, await hashPassword(password)] });
  }
  for (const project of input.projects) {
    statements.push({
      sql: `INSERT INTO operator_projects (project_id, operator_id, role) VALUES ($1, $2, $3)
            ON CONFLICT (project_id, operator_id) DO UPDATE SET role = excluded.role`,
      params: [project.id, id, project.role],
    });
    statements.push(auditStatement(project.id, actor, 'operator.grant', id, { role: project.role }));
  }
  await store.transaction(statements);
  const operator = await getOperator(store, id);
  if (!operator) throw new Error('Vantage: the operator just written is missing');
  return { operator, created: !existing[0] };
}

/** An operator with its projects, or null. */
export async function getOperator(store: Store, id: string): Promise<Operator | null> {
  const rows = await store.query<{ email: string }>('SELECT email FROM operators WHERE id = $1 AND disabled_at IS NULL', [id]);
  if (!rows[0]) return null;
  const projects = await store.query<{ id: string; name: string; role: OperatorRole }>(
    `SELECT p.id, p.name, m.role FROM operator_projects m JOIN projects p ON p.id = m.project_id
      WHERE m.operator_id = $1 ORDER BY p.name, p.id`,
    [id],
  );
  return { id, email: rows[0].email, projects };
}

/** The operator's role in a project, or null when not a member. */
export async function roleIn(store: Store, operatorId: string, projectId: string): Promise<OperatorRole | null> {
  const rows = await store.query<{ role: OperatorRole }>('SELECT role FROM operator_projects WHERE project_id = $1 AND operator_id = $2', [projectId, operatorId]);
  return rows[0]?.role ?? null;
}

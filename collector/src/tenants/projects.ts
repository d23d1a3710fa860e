/**
 * Projects and their keys: creation, listing and revocation, each audited. Used by the CLI, the
 * first start and (later) the dashboard.
 */
import { randomUUID } from 'node:crypto';
import type { PrivacyMode } from '../config.js';
import { normaliseOrigin } from '../config.js';
import type { SqlStatement, Store } from '../storage/types.js';
import { auditStatement, type Actor } from './audit.js';
import { createToken, hashToken, tokenPrefix, type KeyKind } from './tokens.js';

/** A project's settings as the collector uses them. */
export interface Project {
  id: string;
  name: string;
  privacyMode: PrivacyMode;
  retentionDays: number;
  /** Per-project override of `HASH_ROTATION_HOURS`; null uses the global value. */
  hashRotationHours: number | null;
  /** Browser origins allowed for this project (in addition to `COLLECTOR_CORS_ORIGINS`). */
  allowedOrigins: string[];
  /** Events accepted per UTC calendar month before collect answers `429`; null: no quota. */
  monthlyEventQuota: number | null;
  /** Per-route rate-limit overrides as stored (`projects.rate_limits`); checked by `collector/src/limits`. */
  rateLimits: Record<string, unknown>;
  createdAt: Date;
}

/** A key as listed (never the token itself). */
export interface KeyInfo {
  id: string;
  kind: KeyKind;
  prefix: string;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** A newly created key: the token is shown once and cannot be recovered. */
export interface CreatedKey {
  id: string;
  kind: KeyKind;
  token: string;
}

interface ProjectRow extends Record<string, unknown> {
  id: string;
  name: string;
  privacy_mode: PrivacyMode;
  retention_days: number;
  hash_rotation_hours: number | null;
  allowed_origins: string[];
  monthly_event_quota: number | string | null;
  rate_limits: unknown;
  created_at: Date;
}

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    privacyMode: row.privacy_mode,
    retentionDays: row.retention_days,
    hashRotationHours: row.hash_rotation_hours,
    allowedOrigins: row.allowed_origins,
    // bigint: postgres.js returns a string, PGlite a number.
    monthlyEventQuota: row.monthly_event_quota === null ? null : Number(row.monthly_event_quota),
    rateLimits: row.rate_limits !== null && typeof row.rate_limits === 'object' ? (row.rate_limits as Record<string, unknown>) : {},
    createdAt: row.created_at,
  };
}

function keyStatement(projectId: string, kind: KeyKind, label: string): { key: CreatedKey; sql: SqlStatement } {
  const id = randomUUID();
  const token = createToken(kind, projectId);
  return {
    key: { id, kind, token },
    sql: {
      sql: 'INSERT INTO api_keys (project_id, id, kind, token_hash, prefix, label) VALUES ($1, $2, $3, $4, $5, $6)',
      params: [projectId, id, kind, hashToken(token), tokenPrefix(token), label],
    },
  };
}

/** What a new project needs. */
export interface NewProject {
  name: string;
  privacyMode: PrivacyMode;
  retentionDays: number;
  allowedOrigins?: string[];
}

/**
 * Create a project with one `pk` and one `sk` key, in one audited transaction. `also` adds
 * statements to that transaction, given the new project's id and keys (the demo page keeps its
 * publishable key this way, so there is never a demo project without its page).
 */
export async function createProject(
  store: Store,
  input: NewProject,
  actor: Actor,
  also: (projectId: string, keys: { pk: CreatedKey; sk: CreatedKey }) => SqlStatement[] = () => [],
): Promise<{ project: Project; keys: CreatedKey[] }> {
  const id = randomUUID();
  const origins = (input.allowedOrigins ?? []).map(normaliseOrigin);
  const pk = keyStatement(id, 'pk', 'default publishable key');
  const sk = keyStatement(id, 'sk', 'default secret key');
  const [rows] = await store.transaction([
    {
      sql: `INSERT INTO projects (id, name, privacy_mode, retention_days, allowed_origins)
            VALUES ($1, $2, $3, $4, $5::text[]) RETURNING *`,
      params: [id, input.name, input.privacyMode, input.retentionDays, origins],
    },
    pk.sql,
    sk.sql,
    auditStatement(id, actor, 'project.create', id, { name: input.name, allowedOrigins: origins }),
    auditStatement(id, actor, 'key.create', pk.key.id, { kind: 'pk' }),
    auditStatement(id, actor, 'key.create', sk.key.id, { kind: 'sk' }),
    ...also(id, { pk: pk.key, sk: sk.key }),
  ]);
  return { project: toProject(rows?.[0] as ProjectRow), keys: [pk.key, sk.key] };
}

/** Every project, oldest first. */
export async function listProjects(store: Store): Promise<Project[]> {
  const rows = await store.query<ProjectRow>('SELECT * FROM projects ORDER BY created_at, id');
  return rows.map(toProject);
}

/** One project, or null. */
export async function getProject(store: Store, projectId: string): Promise<Project | null> {
  const rows = await store.query<ProjectRow>('SELECT * FROM projects WHERE id = $1', [projectId]);
  return rows[0] ? toProject(rows[0]) : null;
}

/** Create a key for a project (audited). */
export async function createKey(store: Store, projectId: string, kind: KeyKind, label: string, actor: Actor): Promise<CreatedKey> {
  const { key, sql } = keyStatement(projectId, kind, label);
  await store.transaction([sql, auditStatement(projectId, actor, 'key.create', key.id, { kind, label })]);
  return key;
}

/** A project's keys, newest first. */
export async function listKeys(store: Store, projectId: string): Promise<KeyInfo[]> {
  const rows = await store.query<{
    id: string; kind: KeyKind; prefix: string; label: string;
    created_at: Date; revoked_at: Date | null; last_used_at: Date | null;
  }>('SELECT id, kind, prefix, label, created_at, revoked_at, last_used_at FROM api_keys WHERE project_id = $1 ORDER BY created_at DESC, id', [projectId]);
  return rows.map((r) => ({
    id: r.id, kind: r.kind, prefix: r.prefix, label: r.label,
    createdAt: r.created_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at,
  }));
}

/** Revoke a key (audited). Returns false when the project has no such live key. */
export async function revokeKey(store: Store, projectId: string, keyId: string, actor: Actor): Promise<boolean> {
  const audit = auditStatement(projectId, actor, 'key.revoke', keyId);
  // One statement: the audit row is written only when a live key was actually revoked.
  const rows = await store.query(
    `WITH revoked AS (
       UPDATE api_keys SET revoked_at = now()
       WHERE project_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id
     )
     INSERT INTO audit_log (project_id, id, actor, action, target, detail)
     SELECT $1, $3, $4, 'key.revoke', $2, '{}'::jsonb FROM revoked RETURNING id`,
    [projectId, keyId, audit.params[1], actor],
  );
  return rows.length > 0;
}

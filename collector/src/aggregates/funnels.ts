/**
 * Funnels: ordered steps saved per project, evaluated over the session summaries' step lists
 * (see `session-summary.ts`). A session reaches step k when steps 1..k occur in its list in
 * that order (not necessarily adjacent). Computed from summaries, so a funnel covers the
 * sessions still within `retention_days`.
 *
 * Routes: `POST /api/v1/funnels`, `GET /api/v1/funnels`, `GET /api/v1/funnels/:id`,
 * `DELETE /api/v1/funnels/:id`.
 */
import { randomUUID } from 'node:crypto';
import { HttpError } from '../http/errors.js';
import { auditStatement, type Actor } from '../tenants/audit.js';
import type { Store } from '../storage/types.js';
import type { AggregateQuery } from './params.js';

/** A funnel step. */
export type FunnelStep = { kind: 'mesh_click'; mesh: string } | { kind: 'custom'; name: string } | { kind: 'scene'; scene: string };

/** A saved funnel. */
export interface Funnel {
  id: string;
  name: string;
  steps: FunnelStep[];
  /** ISO 8601. */
  createdAt: string;
}

/** Most steps in a funnel. */
export const MAX_FUNNEL_STEPS = 10;

function invalid(message: string): HttpError {
  return new HttpError(400, 'invalid_payload', message);
}

function text(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > max || /[\u0000-\u001f]/.test(value)) throw invalid(`${what} must be 1–${max} printable characters`);
  return value;
}

/** Check a funnel definition from a request body. */
export function parseFunnel(body: unknown): { name: string; steps: FunnelStep[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('body must be {"name": "...", "steps": [...]}');
  const { name, steps, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw invalid(`unknown fields: ${Object.keys(rest).join(', ')}`);
  if (!Array.isArray(steps) || steps.length < 1 || steps.length > MAX_FUNNEL_STEPS) throw invalid(`steps must be an array of 1–${MAX_FUNNEL_STEPS} steps`);
  return {
    name: text(name, 'name', 100),
    steps: steps.map((raw, i): FunnelStep => {
      const step = (raw ?? {}) as Record<string, unknown>;
      const keys = Object.keys(step).sort().join(',');
      if (step.kind === 'mesh_click' && keys === 'kind,mesh') return { kind: 'mesh_click', mesh: text(step.mesh, `steps[${i}].mesh`, 256) };
      if (step.kind === 'custom' && keys === 'kind,name') return { kind: 'custom', name: text(step.name, `steps[${i}].name`, 64) };
      if (step.kind === 'scene' && keys === 'kind,scene') return { kind: 'scene', scene: text(step.scene, `steps[${i}].scene`, 128) };
      throw invalid(`steps[${i}] must be {"kind":"mesh_click","mesh"}, {"kind":"custom","name"} or {"kind":"scene","scene"}`);
    }),
  };
}

/** The step token a step matches in a session's list. */
export function stepToken(step: FunnelStep): string {
  if (step.kind === 'mesh_click') return `c:${step.mesh}`;
  if (step.kind === 'custom') return `e:${step.name}`;
  return `s:${step.scene}`;
}

/** How many leading steps of `tokens` occur in order in a session's `steps` list. */
export function stepsReached(steps: string, tokens: readonly string[]): number {
  if (tokens.length === 0 || steps === '') return 0;
  let k = 0;
  for (const token of steps.split('\n')) {
    if (token === tokens[k]) {
      k++;
      if (k === tokens.length) break;
    }
  }
  return k;
}

function toFunnel(r: Record<string, unknown>): Funnel {
  return { id: String(r.id), name: String(r.name), steps: r.steps as FunnelStep[], createdAt: new Date(r.created_at as Date).toISOString() };
}

/** Save a funnel, with its audit row (`funnel.create`) in the same transaction. */
export async function createFunnel(store: Store, projectId: string, funnel: { name: string; steps: FunnelStep[] }, actor: Actor): Promise<Funnel> {
  const id = randomUUID();
  const [rows] = await store.transaction([
    { sql: 'INSERT INTO funnels (project_id, id, name, steps) VALUES ($1, $2, $3, $4::jsonb) RETURNING id, name, steps, created_at', params: [projectId, id, funnel.name, JSON.stringify(funnel.steps)] },
    auditStatement(projectId, actor, 'funnel.create', id, { name: funnel.name, steps: funnel.steps.length }),
  ]);
  return toFunnel(rows?.[0] as Record<string, unknown>);
}

/** The project's funnels, newest first. */
export async function listFunnels(store: Store, projectId: string): Promise<Funnel[]> {
  const rows = await store.query('SELECT id, name, steps, created_at FROM funnels WHERE project_id = $1 ORDER BY created_at DESC, id', [projectId]);
  return rows.map(toFunnel);
}

/** One funnel of the project, or null. */
export async function getFunnel(store: Store, projectId: string, id: string): Promise<Funnel | null> {
  const rows = await store.query('SELECT id, name, steps, created_at FROM funnels WHERE project_id = $1 AND id = $2', [projectId, id]);
  return rows[0] ? toFunnel(rows[0]) : null;
}

/** Delete a funnel (audited, `funnel.delete`); whether it existed. */
export async function deleteFunnel(store: Store, projectId: string, id: string, actor: Actor): Promise<boolean> {
  if (!(await getFunnel(store, projectId, id))) return false;
  const [rows] = await store.transaction([
    { sql: 'DELETE FROM funnels WHERE project_id = $1 AND id = $2 RETURNING 1', params: [projectId, id] },
    auditStatement(projectId, actor, 'funnel.delete', id),
  ]);
  return (rows?.length ?? 0) > 0;
}

/** Sessions that reached each step, over the sessions started in the window. */
export interface FunnelReport extends Funnel {
  sessions: number;
  steps: Array<FunnelStep & { sessions: number; conversion: number }>;
}

/**
 * Evaluate a funnel. The first step's filter runs in SQL (`position`), so only sessions that
 * could enter the funnel are read; the ordered match runs here over their step lists.
 */
export async function reportFunnel(store: Store, q: AggregateQuery, funnel: Funnel): Promise<FunnelReport> {
  const tokens = funnel.steps.map(stepToken);
  const params: unknown[] = [q.projectId, q.from.toISOString(), q.to.toISOString(), tokens[0]];
  let where = 'project_id = $1 AND started_at >= $2::timestamptz AND started_at < $3::timestamptz';
  if (q.scene !== null) where += ` AND scene_id = $${params.push(q.scene)}`;
  const [total] = await store.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM sessions WHERE ${where} AND $4::text IS NOT NULL`, params);
  const rows = await store.query<{ steps: string }>(
    `SELECT steps FROM sessions WHERE ${where} AND (E'\\n' || steps || E'\\n') LIKE '%' || E'\\n' || replace(replace(replace($4, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || E'\\n%'`,
    params,
  );
  const reached = new Array<number>(tokens.length).fill(0);
  for (const r of rows) {
    const k = stepsReached(r.steps, tokens);
    for (let i = 0; i < k; i++) reached[i] = (reached[i] ?? 0) + 1;
  }
  const sessions = Number(total?.n ?? 0);
  return {
    ...funnel,
    sessions,
    steps: funnel.steps.map((step, i) => ({
      ...step,
      sessions: reached[i] ?? 0,
      conversion: sessions > 0 ? Math.round(((reached[i] ?? 0) / sessions) * 10_000) / 10_000 : 0,
    })),
  };
}

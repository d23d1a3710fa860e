/**
 * Scene proxies (issue 4 contract, section 1): per-mesh world-space boxes a connector registers
 * so replay and heatmaps can draw a scene without the app's assets. This module checks a proxy
 * as `PUT /api/v1/scenes/:sceneId/proxy` receives it and stores or reads the latest one per
 * (project, scene).
 *
 * A proxy holds no personal data (mesh ids and boxes describe the app's scene, not a visitor),
 * so retention and erasure leave it alone; deleting a project removes it (foreign key cascade).
 */
import { MAX_COORD_MM, MAX_MESH_ID_LENGTH } from '@vantage/sdk-core/schema';
import type { Store } from '../storage/types.js';
import { auditStatement, type Actor } from './audit.js';

/** Most meshes in one proxy. */
export const MAX_PROXY_MESHES = 5000;
/** Largest proxy body, bytes (1 MiB). */
export const MAX_PROXY_BYTES = 1024 * 1024;

/** The client's version tag of a proxy: 1–64 characters of `[0-9a-z]`. */
const HASH_PATTERN = /^[0-9a-z]{1,64}$/;
/**
 * What a mesh id may not contain: C0 and C1 controls, DEL, and lone UTF-16 surrogates (the `u`
 * flag matches a surrogate only when it is not half of a pair), which PostgreSQL's jsonb refuses.
 */
const FORBIDDEN_IN_ID = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/u;

/** One mesh of a proxy. */
export interface SceneProxyMesh {
  /** The mesh id the connector uses in events: 1–128 UTF-16 code units, no control characters. */
  id: string;
  /** World-space axis-aligned box, integer mm: [minX, minY, minZ, maxX, maxY, maxZ], min <= max. */
  box: [number, number, number, number, number, number];
}

/** A proxy as checked from a request body. */
export interface SceneProxyInput {
  hash: string;
  meshes: SceneProxyMesh[];
}

/** A proxy as stored. */
export interface StoredSceneProxy extends SceneProxyInput {
  scene: string;
  updatedAt: Date;
}

/** A proxy that cannot be used; the message names the first bad field. */
export class SceneProxyError extends Error {
  override readonly name = 'SceneProxyError';
}

function fail(message: string): never {
  throw new SceneProxyError(message);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function mesh(value: unknown, at: string): SceneProxyMesh {
  if (!isObject(value)) fail(`${at} must be {"id": "...", "box": [6 integers]}`);
  const { id, box, ...rest } = value;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) fail(`${at} has unknown fields: ${unknown.join(', ')}; a mesh has id, box`);
  if (typeof id !== 'string' || id.length < 1 || id.length > MAX_MESH_ID_LENGTH || FORBIDDEN_IN_ID.test(id)) {
    fail(`${at}.id must be 1–${MAX_MESH_ID_LENGTH} characters without control characters`);
  }
  const badBox = `${at}.box must be 6 integers [minX, minY, minZ, maxX, maxY, maxZ] in mm within ±${MAX_COORD_MM}, with min <= max`;
  if (!Array.isArray(box) || box.length !== 6) fail(badBox);
  for (const v of box) if (!Number.isInteger(v) || Math.abs(v as number) > MAX_COORD_MM) fail(badBox);
  const b = box as number[];
  for (let axis = 0; axis < 3; axis++) if ((b[axis] as number) > (b[axis + 3] as number)) fail(badBox);
  return { id, box: [...b] as SceneProxyMesh['box'] };
}

/**
 * Check a `PUT …/proxy` body: `{"hash": "<1-64 [0-9a-z]>", "meshes": [{"id", "box"}]}`, at most
 * {@link MAX_PROXY_MESHES} meshes with unique ids. Unknown fields are refused, except
 * `project_id`, which is ignored as everywhere (the key alone decides the project). Throws
 * {@link SceneProxyError} naming the first field that cannot be used (never echoing its value).
 */
export function parseSceneProxy(body: unknown): SceneProxyInput {
  if (!isObject(body)) fail('send a JSON object {"hash": "...", "meshes": [...]}');
  const { project_id: _ignored, hash, meshes, ...rest } = body;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) fail(`unknown fields: ${unknown.join(', ')}; a proxy has hash, meshes`);
  if (typeof hash !== 'string' || !HASH_PATTERN.test(hash)) fail('hash must be 1–64 characters of 0-9 and a-z');
  if (!Array.isArray(meshes)) fail('meshes must be an array of {"id": "...", "box": [6 integers]}');
  if (meshes.length > MAX_PROXY_MESHES) fail(`meshes must hold at most ${MAX_PROXY_MESHES} meshes (got ${meshes.length})`);
  const seen = new Map<string, number>();
  const checked = meshes.map((value, i) => {
    const m = mesh(value, `meshes[${i}]`);
    const first = seen.get(m.id);
    if (first !== undefined) fail(`meshes[${i}].id repeats meshes[${first}].id; mesh ids must be unique`);
    seen.set(m.id, i);
    return m;
  });
  return { hash, meshes: checked };
}

/**
 * Store `proxy` as the scene's latest unless the stored one already has its hash; then nothing
 * is written (`updated_at` stays). A change appends its audit row (`scene.proxy`, detail: hash
 * and mesh count) in the same statement, so both happen or neither. Answers whether it changed.
 */
export async function putSceneProxy(store: Store, projectId: string, sceneId: string, proxy: SceneProxyInput, actor: Actor): Promise<boolean> {
  const audit = auditStatement(projectId, actor, 'scene.proxy', sceneId, { hash: proxy.hash, meshes: proxy.meshes.length });
  const rows = await store.query<{ n: number | string }>(
    `WITH put AS (
       INSERT INTO scene_proxies AS p (project_id, scene_id, hash, meshes, mesh_count)
       VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (project_id, scene_id) DO UPDATE
         SET hash = EXCLUDED.hash, meshes = EXCLUDED.meshes, mesh_count = EXCLUDED.mesh_count, updated_at = now()
         WHERE p.hash <> EXCLUDED.hash
       RETURNING scene_id
     ), audited AS (
       INSERT INTO audit_log (project_id, id, actor, action, target, detail)
       SELECT $1, $6, $7, 'scene.proxy', $2, $8::jsonb FROM put RETURNING 1
     )
     SELECT count(*) AS n FROM audited`,
    [projectId, sceneId, proxy.hash, JSON.stringify(proxy.meshes), proxy.meshes.length, audit.params[1], actor, audit.params[5]],
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

interface ProxyRow extends Record<string, unknown> {
  scene_id: string;
  hash: string;
  meshes: unknown;
  updated_at: Date;
}

/** The scene's latest proxy, or null when none was registered. */
export async function getSceneProxy(store: Store, projectId: string, sceneId: string): Promise<StoredSceneProxy | null> {
  const rows = await store.query<ProxyRow>('SELECT scene_id, hash, meshes, updated_at FROM scene_proxies WHERE project_id = $1 AND scene_id = $2', [projectId, sceneId]);
  const row = rows[0];
  if (!row) return null;
  return { scene: row.scene_id, hash: row.hash, meshes: row.meshes as SceneProxyMesh[], updatedAt: row.updated_at };
}

/** Mesh counts of the project's registered proxies, by scene id (for listings). */
export async function proxyMeshCounts(store: Store, projectId: string): Promise<Map<string, number>> {
  const rows = await store.query<{ scene_id: string; mesh_count: number }>('SELECT scene_id, mesh_count FROM scene_proxies WHERE project_id = $1', [projectId]);
  return new Map(rows.map((r) => [r.scene_id, Number(r.mesh_count)]));
}

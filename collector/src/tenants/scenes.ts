/**
 * Scenes as an operator sees and changes them — capture flags, sampling, model URL, voxel size,
 * bounds — shared by `PUT /api/v1/scenes/:sceneId` and `vantage scenes list|set`, so both check
 * alike. Opt-in channels stay off until switched on; always-on channels cannot be switched off.
 */
import { OPT_IN_CHANNELS, SCENE_ID_PATTERN, type CaptureFlags } from '@vantage/sdk-core/schema';
import type { SqlStatement, Store } from '../storage/types.js';
import { auditStatement, type Actor } from './audit.js';
import { resolveCaptureFlags } from './project-cache.js';

/** A scene setting that cannot be used; the message names it. */
export class SceneSettingsError extends Error {
  override readonly name = 'SceneSettingsError';
}

function fail(message: string): never {
  throw new SceneSettingsError(message);
}

const sceneIdPattern = new RegExp(SCENE_ID_PATTERN);

/** A scene id as the wire schema allows it; throws {@link SceneSettingsError}. */
export function parseSceneId(value: unknown): string {
  if (typeof value !== 'string' || !sceneIdPattern.test(value)) fail('scene must be 1–128 characters of letters, digits and _ . : / -');
  return value;
}

/** An axis-aligned box in scene space, metres (three.js world units). */
export interface SceneBounds {
  min: [number, number, number];
  max: [number, number, number];
}

/** A change to a scene; absent fields are left as they are. */
export interface ScenePatch {
  capture?: Record<string, boolean>;
  sampling?: Record<string, number>;
  modelUrl?: string | null;
  voxelSizeMm?: number | null;
  bounds?: SceneBounds | null;
}

const LARGEST_COORDINATE = 1e6;

function vector(name: string, value: unknown): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= LARGEST_COORDINATE)) {
    fail(`bounds.${name} must be [x, y, z], finite numbers within ±${LARGEST_COORDINATE}`);
  }
  return value as [number, number, number];
}

function bounds(value: unknown): SceneBounds | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) fail('bounds must be {"min": [x, y, z], "max": [x, y, z]} or null');
  const { min, max, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) fail(`bounds has unknown fields: ${Object.keys(rest).join(', ')}`);
  const box = { min: vector('min', min), max: vector('max', max) };
  if (box.min.some((v, i) => v > (box.max[i] as number))) fail('bounds.min must not exceed bounds.max on any axis');
  return box;
}

const FIELDS = ['capture', 'sampling', 'modelUrl', 'voxelSizeMm', 'bounds'] as const;

/**
 * A model URL the dashboard can load: an absolute http(s) URL (another origin must allow the
 * dashboard's origin by CORS), or a path on the collector itself (`/demo/assets/…`), resolved
 * against the page that shows the scene. A protocol-relative `//host/…` is neither. At most 2,048
 * characters, no whitespace or control characters.
 */
export function isModelUrl(url: string): boolean {
  if (url.length > 2048 || /[\s\u0000-\u001f\u007f]/.test(url)) return false;
  if (/^\/(?![/\\])/.test(url)) return true;
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    return new URL(url).host !== '';
  } catch {
    return false;
  }
}

/** Check a change; throws {@link SceneSettingsError} naming the first field that cannot be used. */
export function parseScenePatch(body: unknown): ScenePatch {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('send a JSON object');
  // A project id in a body is ignored everywhere: the key alone decides the project.
  const { project_id: _ignored, ...input } = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) fail(`unknown fields: ${unknown.join(', ')}; a scene has ${FIELDS.join(', ')}`);
  const patch: ScenePatch = {};
  if (input.capture !== undefined) {
    const capture = input.capture;
    if (capture === null || typeof capture !== 'object' || Array.isArray(capture)) fail('capture must be an object');
    patch.capture = {};
    for (const [channel, on] of Object.entries(capture)) {
      if (!OPT_IN_CHANNELS.includes(channel as (typeof OPT_IN_CHANNELS)[number]) || typeof on !== 'boolean') {
        fail(`capture.${channel}: only the opt-in channels ${OPT_IN_CHANNELS.join(', ')} can be switched, with true or false`);
      }
      patch.capture[channel] = on;
    }
  }
  if (input.sampling !== undefined) {
    const sampling = input.sampling;
    if (sampling === null || typeof sampling !== 'object' || Array.isArray(sampling)) fail('sampling must be an object');
    patch.sampling = {};
    for (const [name, rate] of Object.entries(sampling)) {
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) fail(`sampling.${name} must be a number in 0..1`);
      patch.sampling[name] = rate;
    }
  }
  if (input.modelUrl !== undefined) {
    const url = input.modelUrl;
    if (url !== null && (typeof url !== 'string' || !isModelUrl(url))) fail('modelUrl must be an http(s) URL, a path on this collector (/…), or null');
    patch.modelUrl = url;
  }
  if (input.voxelSizeMm !== undefined) {
    const v = input.voxelSizeMm;
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100_000)) fail('voxelSizeMm must be an integer in 1..100000 or null');
    patch.voxelSizeMm = v;
  }
  if (input.bounds !== undefined) patch.bounds = bounds(input.bounds);
  return patch;
}

/** A scene as listed. */
export interface SceneInfo {
  scene: string;
  /** Every channel: always-on ones true, opt-in ones as set (off by default). */
  capture: CaptureFlags;
  sampling: Record<string, number>;
  modelUrl: string | null;
  voxelSizeMm: number | null;
  bounds: SceneBounds | null;
  updatedAt: Date;
}

interface SceneRow extends Record<string, unknown> {
  id: string;
  capture: unknown;
  sampling: unknown;
  model_url: string | null;
  voxel_size_mm: number | null;
  bounds: unknown;
  updated_at: Date;
}

function toScene(row: SceneRow): SceneInfo {
  return {
    scene: row.id,
    capture: resolveCaptureFlags(row.capture),
    sampling: (row.sampling ?? {}) as Record<string, number>,
    modelUrl: row.model_url,
    voxelSizeMm: row.voxel_size_mm,
    bounds: (row.bounds ?? null) as SceneBounds | null,
    updatedAt: row.updated_at,
  };
}

const SCENE_COLUMNS = 'id, capture, sampling, model_url, voxel_size_mm, bounds, updated_at';

/** The project's configured scenes, by id. Scenes never configured are not listed (they get the defaults). */
export async function listScenes(store: Store, projectId: string): Promise<SceneInfo[]> {
  const rows = await store.query<SceneRow>(`SELECT ${SCENE_COLUMNS} FROM scenes WHERE project_id = $1 ORDER BY id`, [projectId]);
  return rows.map(toScene);
}

/**
 * Merge `patch` into the scene (created with the defaults if new) and append its audit row
 * (`scene.update`), in one transaction. Answers the scene as stored.
 */
export async function updateScene(store: Store, projectId: string, sceneId: string, patch: ScenePatch, actor: Actor): Promise<SceneInfo> {
  const [rows] = await store.transaction(sceneUpdateStatements(projectId, sceneId, patch, actor));
  const row = rows?.[0] as SceneRow | undefined;
  if (!row) throw new Error(`Vantage: scene ${sceneId} was not saved`);
  return toScene(row);
}

/**
 * The statements of {@link updateScene}: the merge (answering the scene as stored) and its audit
 * row, to run in a transaction of their own or with others.
 */
export function sceneUpdateStatements(projectId: string, sceneId: string, patch: ScenePatch, actor: Actor): SqlStatement[] {
  return [
    {
      sql: `INSERT INTO scenes AS s (project_id, id, capture, sampling, model_url, voxel_size_mm, bounds)
            VALUES ($1, $2, COALESCE($3::jsonb, '{}'::jsonb), COALESCE($4::jsonb, '{}'::jsonb), $5::text, $6::int, $7::jsonb)
            ON CONFLICT (project_id, id) DO UPDATE SET
              capture = s.capture || COALESCE($3::jsonb, '{}'::jsonb),
              sampling = s.sampling || COALESCE($4::jsonb, '{}'::jsonb),
              model_url = CASE WHEN $8::boolean THEN $5::text ELSE s.model_url END,
              voxel_size_mm = CASE WHEN $9::boolean THEN $6::int ELSE s.voxel_size_mm END,
              bounds = CASE WHEN $10::boolean THEN $7::jsonb ELSE s.bounds END,
              updated_at = now()
            RETURNING ${SCENE_COLUMNS}`,
      params: [
        projectId,
        sceneId,
        patch.capture ? JSON.stringify(patch.capture) : null,
        patch.sampling ? JSON.stringify(patch.sampling) : null,
        patch.modelUrl ?? null,
        patch.voxelSizeMm ?? null,
        patch.bounds === undefined || patch.bounds === null ? null : JSON.stringify(patch.bounds),
        patch.modelUrl !== undefined,
        patch.voxelSizeMm !== undefined,
        patch.bounds !== undefined,
      ],
    },
    auditStatement(projectId, actor, 'scene.update', sceneId, { ...patch }),
  ];
}

/** The origin a scene's model loads from, or null for a path on this collector (or a URL that is not one). */
export function modelOrigin(url: string): string | null {
  if (!/^https?:\/\//i.test(url)) return null;
  try {
    const origin = new URL(url).origin;
    // Only what a CSP host-source can name: scheme, host name or IPv4, port.
    return /^https?:\/\/[a-z0-9.-]+(:\d+)?$/.test(origin) ? origin : null;
  } catch {
    return null;
  }
}

/** At most this many model origins are allowed in one dashboard page's CSP. */
export const MAX_MODEL_ORIGINS = 50;

/**
 * The other origins the scenes of an operator's projects load their models from, sorted: the
 * dashboard's Content-Security-Policy allows these (and only these) besides its own.
 */
export async function modelOriginsOfOperator(store: Store, operatorId: string): Promise<string[]> {
  const rows = await store.query<{ model_url: string }>(
    `SELECT DISTINCT s.model_url FROM scenes s JOIN operator_projects m ON m.project_id = s.project_id
      WHERE m.operator_id = $1 AND s.model_url IS NOT NULL`,
    [operatorId],
  );
  const origins = new Set<string>();
  for (const { model_url: url } of rows) {
    const origin = modelOrigin(url);
    if (origin) origins.add(origin);
  }
  return [...origins].sort().slice(0, MAX_MODEL_ORIGINS);
}

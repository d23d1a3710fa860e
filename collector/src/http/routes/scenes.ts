/**
 * Scene capture settings. `GET /api/v1/config?scene=` (pk or sk) tells a connector which
 * channels it may capture; `PUT /api/v1/scenes/:sceneId` (sk) lets an operator change them.
 * Opt-in channels stay off until switched on; always-on channels cannot be switched off.
 */
import type { Context } from 'koa';
import { OPT_IN_CHANNELS, SCENE_ID_PATTERN } from '@vantage/sdk-core/schema';
import { auditStatement } from '../../tenants/audit.js';
import { authenticate, bearerToken, checkOrigin, requireSecretKey } from '../auth.js';
import { readJson } from '../body.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

const sceneIdPattern = new RegExp(SCENE_ID_PATTERN);

function sceneIdOf(value: unknown): string {
  if (typeof value !== 'string' || !sceneIdPattern.test(value)) {
    throw new HttpError(400, 'invalid_payload', 'scene must be 1–128 characters of letters, digits and _ . : / -');
  }
  return value;
}

/** `GET /api/v1/config?scene=`: capture flags and sampling for a scene. */
export function getConfig(deps: AppDeps) {
  return async function configHandler(ctx: Context): Promise<void> {
    const key = await authenticate(deps, bearerToken(ctx));
    await deps.limits.take(key, 'config');
    await checkOrigin(ctx, deps, key.projectId);
    const sceneId = sceneIdOf(ctx.query.scene);
    const scene = await deps.tenants.scene(key.projectId, sceneId);
    ctx.set('Cache-Control', 'private, max-age=30');
    // The answer depends on the key's project: caches must not serve it for another key.
    ctx.vary('Authorization');
    ctx.body = { scene: sceneId, capture: scene.capture, sampling: scene.sampling };
  };
}

interface ScenePatch {
  capture?: Record<string, boolean>;
  sampling?: Record<string, number>;
  modelUrl?: string | null;
  voxelSizeMm?: number | null;
  bounds?: unknown;
}

function parsePatch(body: unknown): ScenePatch {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_payload', 'send a JSON object');
  }
  const input = body as Record<string, unknown>;
  const patch: ScenePatch = {};
  if (input.capture !== undefined) {
    const capture = input.capture as Record<string, unknown>;
    if (capture === null || typeof capture !== 'object') throw new HttpError(400, 'invalid_payload', 'capture must be an object');
    patch.capture = {};
    for (const [channel, on] of Object.entries(capture)) {
      if (!OPT_IN_CHANNELS.includes(channel as (typeof OPT_IN_CHANNELS)[number]) || typeof on !== 'boolean') {
        throw new HttpError(400, 'invalid_payload', `capture.${channel}: only the opt-in channels ${OPT_IN_CHANNELS.join(', ')} can be switched, with true or false`);
      }
      patch.capture[channel] = on;
    }
  }
  if (input.sampling !== undefined) {
    const sampling = input.sampling as Record<string, unknown>;
    if (sampling === null || typeof sampling !== 'object') throw new HttpError(400, 'invalid_payload', 'sampling must be an object');
    patch.sampling = {};
    for (const [name, rate] of Object.entries(sampling)) {
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new HttpError(400, 'invalid_payload', `sampling.${name} must be a number in 0..1`);
      patch.sampling[name] = rate;
    }
  }
  if (input.modelUrl !== undefined) {
    if (input.modelUrl !== null && (typeof input.modelUrl !== 'string' || !/^https?:\/\//.test(input.modelUrl) || input.modelUrl.length > 2048)) {
      throw new HttpError(400, 'invalid_payload', 'modelUrl must be an http(s) URL or null');
    }
    patch.modelUrl = input.modelUrl as string | null;
  }
  if (input.voxelSizeMm !== undefined) {
    const v = input.voxelSizeMm;
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100_000)) {
      throw new HttpError(400, 'invalid_payload', 'voxelSizeMm must be an integer in 1..100000 or null');
    }
    patch.voxelSizeMm = v as number | null;
  }
  if (input.bounds !== undefined) patch.bounds = input.bounds;
  return patch;
}

/** `PUT /api/v1/scenes/:sceneId`: merge capture flags, sampling, model URL, voxel size (audited). */
export function putScene(deps: AppDeps) {
  return async function putSceneHandler(ctx: Context): Promise<void> {
    const key = await authenticate(deps, bearerToken(ctx));
    await deps.limits.take(key, 'scenes');
    requireSecretKey(key);
    await checkOrigin(ctx, deps, key.projectId);
    const sceneId = sceneIdOf(ctx.params.sceneId);
    const patch = parsePatch(await readJson(ctx));
    const [rows] = await deps.store.transaction([
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
              RETURNING id`,
        params: [
          key.projectId,
          sceneId,
          patch.capture ? JSON.stringify(patch.capture) : null,
          patch.sampling ? JSON.stringify(patch.sampling) : null,
          patch.modelUrl ?? null,
          patch.voxelSizeMm ?? null,
          patch.bounds === undefined ? null : JSON.stringify(patch.bounds),
          patch.modelUrl !== undefined,
          patch.voxelSizeMm !== undefined,
          patch.bounds !== undefined,
        ],
      },
      auditStatement(key.projectId, `key:${key.keyId}`, 'scene.update', sceneId, { ...patch }),
    ]);
    if (!rows?.length) throw new HttpError(500, 'internal', 'scene was not saved');
    deps.tenants.invalidate(key.projectId);
    const scene = await deps.tenants.scene(key.projectId, sceneId);
    ctx.body = { scene: sceneId, capture: scene.capture, sampling: scene.sampling, modelUrl: scene.modelUrl, voxelSizeMm: scene.voxelSizeMm };
  };
}

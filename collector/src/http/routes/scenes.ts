/**
 * Scene capture settings. `GET /api/v1/config?scene=` (pk or sk) tells a connector which
 * channels it may capture; `PUT /api/v1/scenes/:sceneId` (sk) lets an operator change them
 * (checked and stored by `tenants/scenes.ts`, which the CLI uses too).
 */
import type { Context } from 'koa';
import { voxelSizeOf } from '../../aggregates/heatmaps.js';
import { resolveCaptureFlags } from '../../tenants/project-cache.js';
import { proxyMeshCounts } from '../../tenants/scene-proxy.js';
import { listScenes, parseSceneId, parseScenePatch, SceneSettingsError, updateScene } from '../../tenants/scenes.js';
import { actorOf, authenticate, authenticateRequest, bearerToken, checkOrigin, requireSecretKey } from '../auth.js';
import { readJson } from '../body.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

/** Run a check of `tenants/scenes.ts`, answering its refusal as `400 invalid_payload`. */
function settings<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof SceneSettingsError) throw new HttpError(400, 'invalid_payload', error.message);
    throw error;
  }
}

const sceneIdOf = (value: unknown): string => settings(() => parseSceneId(value));

/**
 * `GET /api/v1/config?scene=`: capture flags and sampling for a scene, and `proxyHash` (the hash
 * of its registered proxy, or null), so a connector sends its proxy only when it changed.
 */
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
    ctx.body = { scene: sceneId, capture: scene.capture, sampling: scene.sampling, proxyHash: scene.proxyHash };
  };
}

/** `PUT /api/v1/scenes/:sceneId`: merge capture flags, sampling, model URL, voxel size (audited). */
export function putScene(deps: AppDeps) {
  return async function putSceneHandler(ctx: Context): Promise<void> {
    const key = await authenticateRequest(ctx, deps);
    await deps.limits.take(key, 'scenes');
    requireSecretKey(key);
    await checkOrigin(ctx, deps, key.projectId);
    const sceneId = sceneIdOf(ctx.params.sceneId);
    const body = await readJson(ctx);
    const patch = settings(() => parseScenePatch(body));
    const scene = await updateScene(deps.store, key.projectId, sceneId, patch, actorOf(key));
    deps.tenants.invalidate(key.projectId);
    ctx.body = { scene: sceneId, capture: scene.capture, sampling: scene.sampling, modelUrl: scene.modelUrl, voxelSizeMm: scene.voxelSizeMm, bounds: scene.bounds };
  };
}

/**
 * `GET /api/v1/scenes` (sk, or a dashboard session): the project's scenes — those an operator
 * configured and those a connector registered a proxy for or sent events from — each with its
 * capture flags, sampling, model URL, voxel size (and the size heatmaps use), bounds and proxy
 * mesh count. Scenes never configured show the defaults (every opt-in channel off).
 */
export function listScenesRoute(deps: AppDeps) {
  return async function listScenesHandler(ctx: Context): Promise<void> {
    const key = await authenticateRequest(ctx, deps);
    requireSecretKey(key);
    await deps.limits.take(key, 'scenes');
    await checkOrigin(ctx, deps, key.projectId);
    const [configured, proxies, seen] = await Promise.all([
      listScenes(deps.store, key.projectId),
      proxyMeshCounts(deps.store, key.projectId),
      deps.store.query<{ scene_id: string }>("SELECT DISTINCT scene_id FROM event_counts_hourly WHERE project_id = $1 AND hour > now() - interval '90 days'", [key.projectId]),
    ]);
    const byId = new Map(configured.map((s) => [s.scene, s]));
    const ids = [...new Set([...byId.keys(), ...proxies.keys(), ...seen.map((r) => r.scene_id)])].sort();
    ctx.set('Cache-Control', 'private, no-cache');
    ctx.body = {
      scenes: ids.map((id) => {
        const s = byId.get(id);
        return {
          scene: id,
          configured: s !== undefined,
          capture: s?.capture ?? resolveCaptureFlags({}),
          sampling: s?.sampling ?? {},
          modelUrl: s?.modelUrl ?? null,
          voxelSizeMm: s?.voxelSizeMm ?? null,
          heatmapVoxelMm: voxelSizeOf(s?.voxelSizeMm ?? null, s?.bounds ?? null),
          bounds: s?.bounds ?? null,
          proxyMeshes: proxies.get(id) ?? null,
          updatedAt: s?.updatedAt.toISOString() ?? null,
        };
      }),
    };
  };
}

/**
 * Scene proxies over HTTP. `PUT /api/v1/scenes/:sceneId/proxy` (pk or sk: a page registers its
 * scene with the publishable key, from an allowed origin) stores the latest proxy;
 * `GET /api/v1/scenes/:sceneId/proxy` (sk) reads it back. Checks and storage live in
 * `tenants/scene-proxy.ts`.
 */
import type { Context } from 'koa';
import { getSceneProxy, MAX_PROXY_BYTES, parseSceneProxy, putSceneProxy, SceneProxyError } from '../../tenants/scene-proxy.js';
import { parseSceneId, SceneSettingsError } from '../../tenants/scenes.js';
import { actorOf, authenticate, authenticateRequest, bearerToken, checkOrigin, requireSecretKey } from '../auth.js';
import { readJson } from '../body.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

/** Run a check, answering its refusal as `400 invalid_payload`. */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof SceneProxyError || error instanceof SceneSettingsError) throw new HttpError(400, 'invalid_payload', error.message);
    throw error;
  }
}

/** `PUT /api/v1/scenes/:sceneId/proxy`: `200 {scene, hash, meshes: n, changed}`. */
export function putProxy(deps: AppDeps) {
  return async function putProxyHandler(ctx: Context): Promise<void> {
    const key = await authenticate(deps, bearerToken(ctx));
    await deps.limits.take(key, 'proxy');
    await checkOrigin(ctx, deps, key.projectId);
    const sceneId = checked(() => parseSceneId(ctx.params.sceneId));
    const body = await readJson(ctx, MAX_PROXY_BYTES);
    const proxy = checked(() => parseSceneProxy(body));
    const changed = await putSceneProxy(deps.store, key.projectId, sceneId, proxy, actorOf(key));
    // `GET /api/v1/config` answers the new hash at once in this process, within 5 s in others.
    if (changed) deps.tenants.invalidate(key.projectId);
    ctx.body = { scene: sceneId, hash: proxy.hash, meshes: proxy.meshes.length, changed };
  };
}

/** `GET /api/v1/scenes/:sceneId/proxy` (sk): `200 {scene, hash, meshes, updatedAt}` or `404 not_found`. */
export function getProxy(deps: AppDeps) {
  return async function getProxyHandler(ctx: Context): Promise<void> {
    const key = await authenticateRequest(ctx, deps);
    await deps.limits.take(key, 'proxy');
    requireSecretKey(key);
    await checkOrigin(ctx, deps, key.projectId);
    const sceneId = checked(() => parseSceneId(ctx.params.sceneId));
    const proxy = await getSceneProxy(deps.store, key.projectId, sceneId);
    if (!proxy) throw new HttpError(404, 'not_found', 'no proxy is registered for this scene');
    ctx.set('Cache-Control', 'private, no-cache');
    ctx.vary('Authorization');
    ctx.body = { scene: proxy.scene, hash: proxy.hash, meshes: proxy.meshes, updatedAt: proxy.updatedAt.toISOString() };
  };
}

/**
 * The key's project's settings, secret keys only: `GET /api/v1/project` answers them;
 * `PATCH /api/v1/project` changes any of `privacy_mode`, `retention_days`,
 * `hash_rotation_hours`, `allowed_origins`, `monthly_event_quota` in one audited transaction
 * (`project.update`) and answers the new settings. Validation is shared with the CLI
 * (`tenants/update-project.ts`).
 */
import type { Context } from 'koa';
import { getProject } from '../../tenants/projects.js';
import { parseProjectPatch, projectSettings, ProjectSettingsError, updateProject, type ProjectPatch } from '../../tenants/update-project.js';
import { actorOf, authenticateRequest, checkOrigin, requireSecretKey } from '../auth.js';
import { readJson } from '../body.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

/** `GET /api/v1/project`. */
export function getProjectSettings(deps: AppDeps) {
  return async function getProjectHandler(ctx: Context): Promise<void> {
    const key = await authenticateRequest(ctx, deps);
    requireSecretKey(key);
    await deps.limits.take(key, 'project');
    await checkOrigin(ctx, deps, key.projectId);
    const project = await getProject(deps.store, key.projectId);
    if (!project) throw new HttpError(404, 'not_found', 'the project no longer exists');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = projectSettings(project);
  };
}

/** `PATCH /api/v1/project`. */
export function patchProjectSettings(deps: AppDeps) {
  return async function patchProjectHandler(ctx: Context): Promise<void> {
    const key = await authenticateRequest(ctx, deps);
    requireSecretKey(key);
    await deps.limits.take(key, 'project');
    await checkOrigin(ctx, deps, key.projectId);
    let patch: ProjectPatch;
    try {
      patch = parseProjectPatch(await readJson(ctx));
    } catch (error) {
      if (error instanceof ProjectSettingsError) throw new HttpError(400, 'invalid_payload', error.message);
      throw error;
    }
    const updated = await updateProject(deps.store, key.projectId, patch, actorOf(key));
    if (!updated) throw new HttpError(404, 'not_found', 'the project no longer exists');
    deps.tenants.invalidate(key.projectId);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = projectSettings(updated.project);
  };
}

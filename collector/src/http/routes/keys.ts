/**
 * A project's API keys over HTTP (sk, or an admin's dashboard session): `GET /api/v1/keys` lists
 * them (prefix, kind, label, created, last used, revoked — never a token); `POST /api/v1/keys`
 * `{kind: "pk"|"sk", label?}` creates one and answers its token this once (`201`);
 * `DELETE /api/v1/keys/:id` revokes one (`204`; `404` when the project has no such live key).
 * Creation and revocation are audited. Collectors stop accepting a revoked key within 30 s.
 */
import type { Context } from 'koa';
import { noCompression } from '../compression.js';
import { createKey, listKeys, revokeKey } from '../../tenants/projects.js';
import { actorOf, authenticateRequest, checkOrigin, requireSecretKey } from '../auth.js';
import { readJson } from '../body.js';
import { isUuid } from '../cursor.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

async function admin(ctx: Context, deps: AppDeps) {
  const key = await authenticateRequest(ctx, deps);
  requireSecretKey(key);
  await deps.limits.take(key, 'keys');
  await checkOrigin(ctx, deps, key.projectId);
  ctx.set('Cache-Control', 'no-store');
  return key;
}

/** `GET /api/v1/keys`. */
export function listKeysRoute(deps: AppDeps) {
  return async function listKeysHandler(ctx: Context): Promise<void> {
    const key = await admin(ctx, deps);
    const keys = await listKeys(deps.store, key.projectId);
    ctx.body = {
      keys: keys.map((k) => ({
        id: k.id,
        kind: k.kind,
        prefix: k.prefix,
        label: k.label,
        createdAt: k.createdAt.toISOString(),
        lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
        revokedAt: k.revokedAt?.toISOString() ?? null,
      })),
    };
  };
}

/** `POST /api/v1/keys`. */
export function createKeyRoute(deps: AppDeps) {
  return async function createKeyHandler(ctx: Context): Promise<void> {
    const key = await admin(ctx, deps);
    const body = (await readJson(ctx)) as { kind?: unknown; label?: unknown } | null;
    const kind = body?.kind;
    if (kind !== 'pk' && kind !== 'sk') throw new HttpError(400, 'invalid_payload', 'kind must be "pk" or "sk"');
    const label = body?.label ?? '';
    if (typeof label !== 'string' || label.length > 100 || /[\u0000-\u001f]/.test(label)) throw new HttpError(400, 'invalid_payload', 'label must be up to 100 printable characters');
    const created = await createKey(deps.store, key.projectId, kind, label, actorOf(key));
    ctx.status = 201;
    noCompression(ctx);
    ctx.body = { id: created.id, kind: created.kind, label, token: created.token };
  };
}

/** `DELETE /api/v1/keys/:id`. */
export function revokeKeyRoute(deps: AppDeps) {
  return async function revokeKeyHandler(ctx: Context): Promise<void> {
    const key = await admin(ctx, deps);
    const id = String(ctx.params.id);
    if (!isUuid(id) || !(await revokeKey(deps.store, key.projectId, id, actorOf(key)))) throw new HttpError(404, 'not_found', 'no live key with that id in this project');
    deps.keys.invalidate();
    ctx.status = 204;
  };
}

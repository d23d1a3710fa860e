/**
 * `POST /api/v1/forget` (also `POST /v1/forget`), secret keys only: erase a data subject named by
 * `user_id`, `anonymous_id` and/or `session_id` from the key's project, synchronously.
 * `200 {"deleted": {"sessions": n, "identity_links": n, "ingest_batches": n, "dlq": n}}`.
 */
import type { Context } from 'koa';
import { forgetSubject } from '../../erasure/forget.js';
import { parseSubject } from '../../erasure/subject.js';
import { actorOf, authenticate, bearerToken, checkOrigin } from '../auth.js';
import { readJson } from '../body.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

/** The forget handler. */
export function forget(deps: AppDeps) {
  return async function forgetHandler(ctx: Context): Promise<void> {
    const key = await authenticate(deps, bearerToken(ctx));
    if (key.kind !== 'sk') throw new HttpError(403, 'forget_requires_secret_key', 'erasure needs a secret (sk_) key, sent from a server');
    await deps.limits.take(key, 'forget');
    await checkOrigin(ctx, deps, key.projectId);
    const parsed = parseSubject(await readJson(ctx, 4096));
    if (!parsed.ok) throw new HttpError(400, 'invalid_payload', parsed.message);
    let deleted;
    try {
      deleted = await forgetSubject(deps.store, key.projectId, parsed.subject, actorOf(key));
    } catch (error) {
      // Only the error's own name, code and message: never the statement's parameters (the ids).
      const e = error as { name?: unknown; code?: unknown; message?: unknown };
      deps.log.error({ projectId: key.projectId, err: { name: e?.name, code: e?.code, message: e?.message } }, 'erasure failed');
      throw new HttpError(500, 'forget_failed', 'the erasure failed and nothing was deleted; retry later (retrying is safe)');
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { deleted };
  };
}

/**
 * `POST /api/v1/live/token` (sk): a short-lived token (about 60 s) that opens
 * `WS /api/v1/live?token=…` for the key's project, for a browser, which cannot set headers on a
 * WebSocket. Answers `{token, expiresAt}` (ISO 8601). Any collector process of the same
 * database accepts it; revoking the key voids it (see `live/tokens.ts`).
 */
import type { Context } from 'koa';
import { noCompression } from '../compression.js';
import { mintLiveToken } from '../../live/tokens.js';
import { authenticate, bearerToken, checkOrigin, requireSecretKey } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

/** The handler. */
export function liveToken(deps: AppDeps) {
  return async function liveTokenHandler(ctx: Context): Promise<void> {
    const key = await authenticate(deps, bearerToken(ctx));
    requireSecretKey(key);
    await deps.limits.take(key, 'live-token');
    await checkOrigin(ctx, deps, key.projectId);
    const minted = await mintLiveToken(deps.store, key, Date.now()).catch(() => {
      throw new HttpError(401, 'invalid_api_key', 'the key is unknown or revoked');
    });
    ctx.set('Cache-Control', 'no-store');
    noCompression(ctx);
    ctx.body = { token: minted.token, expiresAt: new Date(minted.expiresAtMs).toISOString() };
  };
}

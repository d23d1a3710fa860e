/** `GET /healthz` (the process is up) and `GET /readyz` (the store answers). */
import type { Context } from 'koa';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

/** Liveness: always 200 while the process serves requests. */
export function healthz(ctx: Context): void {
  ctx.body = { status: 'ok' };
}

/** Readiness: 200 when the store answers, else `503 unavailable`. */
export function readyz(deps: AppDeps) {
  return async function readyHandler(ctx: Context): Promise<void> {
    try {
      await deps.store.ping();
    } catch {
      throw new HttpError(503, 'unavailable', 'the store does not answer', 5);
    }
    ctx.body = { status: 'ready', store: deps.store.kind };
  };
}

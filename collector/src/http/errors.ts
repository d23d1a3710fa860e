/**
 * The error envelope `{"error": "<stable_code>", "message": "..."}` and the one error boundary
 * that produces it. 4xx messages are written for the caller; 5xx get a generic text.
 */
import type { Context, Next } from 'koa';
import { LimitExceededError } from '../limits/index.js';
import type { Logger } from '../log.js';

/** Stable error codes of the HTTP surface (PRODUCT.md). */
export type ErrorCode =
  | 'invalid_payload'
  | 'invalid_api_key'
  | 'origin_not_allowed'
  | 'insufficient_scope'
  | 'forget_requires_secret_key'
  | 'raw_retention_disabled'
  | 'not_found'
  | 'payload_too_large'
  | 'rate_limited'
  | 'forget_failed'
  | 'unavailable'
  | 'csrf_failed'
  | 'invalid_credentials'
  | 'internal';

/** An error with an HTTP status and a stable code; thrown anywhere, answered by the boundary. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** Seconds for `Retry-After` (429 and 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** An error thrown below the HTTP layer (a library's, or a limit's) as the answer it deserves; null if unknown. */
function fromLibraryError(error: unknown): HttpError | null {
  const e = error as { type?: string; status?: number; expose?: boolean; message?: string } | null;
  if (error instanceof LimitExceededError) return new HttpError(429, 'rate_limited', error.message, error.retryAfterSeconds);
  if (e?.type === 'entity.too.large') return new HttpError(413, 'payload_too_large', 'the body is larger than the collector accepts');
  if (e?.type === 'request.aborted') return new HttpError(400, 'invalid_payload', 'the request was aborted');
  if (e?.type === 'request.size.invalid') return new HttpError(400, 'invalid_payload', 'the body does not match its Content-Length');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new HttpError(e.status, e.status === 404 ? 'not_found' : 'invalid_payload', e.message ?? 'bad request');
  }
  return null;
}

/**
 * Koa middleware: the single error boundary at the top of the app. `grantOnError` lets a
 * browser read an error answer (a 401 or 400 must not look like a network failure, or the SDK
 * would retry it); an `origin_not_allowed` answer never carries a grant.
 */
export function errorBoundary(log: Logger, grantOnError: (ctx: Context) => Promise<void>) {
  return async function boundary(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (error) {
      const known = error instanceof HttpError ? error : fromLibraryError(error);
      if (known?.code === 'origin_not_allowed') {
        ctx.remove('Access-Control-Allow-Origin');
      } else if (!ctx.response.get('Access-Control-Allow-Origin')) {
        await grantOnError(ctx).catch(() => undefined);
      }
      if (known) {
        ctx.status = known.status;
        ctx.body = { error: known.code, message: known.message };
        if (known.retryAfter !== undefined) ctx.set('Retry-After', String(known.retryAfter));
        return;
      }
      log.error({ err: error, method: ctx.method, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: 'internal', message: 'internal error' };
    }
  };
}

/**
 * Admitting a WebSocket upgrade to `/api/v1/live`, as the HTTP routes admit a request: an sk
 * key in `Authorization: Bearer …`, or a live token in `?token=` (a browser cannot set headers
 * on a WebSocket; a key is never accepted in the URL, where proxies log it); then the route's
 * rate limit and the project's browser origins. A refusal is an HTTP answer with the usual JSON
 * error body, written on the raw socket before it is closed.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { authenticate, requireSecretKey } from '../http/auth.js';
import type { AppDeps } from '../http/deps.js';
import { HttpError } from '../http/errors.js';
import { LimitExceededError } from '../limits/index.js';
import type { ResolvedKey } from '../tenants/key-resolver.js';
import { isLiveToken, verifyLiveToken } from './tokens.js';

/** The path of the live channel. */
export const LIVE_PATH = '/api/v1/live';

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

async function checkOrigin(deps: AppDeps, origin: string | undefined, projectId: string): Promise<void> {
  if (!origin || deps.config.corsOrigins.includes(origin)) return;
  const project = await deps.tenants.project(projectId);
  if (!project?.allowedOrigins.includes(origin)) throw new HttpError(403, 'origin_not_allowed', `origin ${origin} is not allowed for this project`);
}

/** The sk key the upgrade request stands for; throws the {@link HttpError} to answer otherwise. */
export async function admitUpgrade(deps: AppDeps, req: IncomingMessage, nowMs: number): Promise<ResolvedKey> {
  const header = bearer(req);
  let key: ResolvedKey;
  if (header !== undefined) {
    key = await authenticate(deps, header);
    requireSecretKey(key);
  } else {
    const token = new URL(req.url ?? '/', 'http://collector').searchParams.get('token');
    if (!token) throw new HttpError(401, 'invalid_api_key', 'send "Authorization: Bearer sk_…", or ?token= with a token from POST /api/v1/live/token');
    if (!isLiveToken(token)) throw new HttpError(401, 'invalid_api_key', '?token= takes a live token from POST /api/v1/live/token, never a key');
    const verified = await verifyLiveToken(deps.store, token, nowMs);
    if (!verified) throw new HttpError(401, 'invalid_api_key', 'the live token is invalid or expired, or its key was revoked');
    key = verified;
  }
  await deps.limits.take(key, 'live');
  await checkOrigin(deps, req.headers.origin, key.projectId);
  return key;
}

/** The answer for an error thrown while admitting; unknown errors are logged and answered 500. */
export function refusalOf(error: unknown, deps: AppDeps): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof LimitExceededError) return new HttpError(429, 'rate_limited', error.message, error.retryAfterSeconds);
  deps.log.error({ err: error }, 'live upgrade failed');
  return new HttpError(500, 'internal', 'internal error');
}

/** Answer `error` on the socket of a refused upgrade and close it. */
export function refuse(socket: Duplex, error: HttpError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: error.code, message: error.message });
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    'Cache-Control: no-store',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(error.retryAfter !== undefined ? [`Retry-After: ${error.retryAfter}`] : []),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

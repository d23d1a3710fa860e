/**
 * Keys and origins. The key alone decides the project: a project id anywhere in a request is
 * never read. A browser request (one with an `Origin`) must come from an origin on the project's
 * list or on `COLLECTOR_CORS_ORIGINS`, else it is refused without a CORS grant.
 */
import cors from '@koa/cors';
import type { Context, Middleware, Next } from 'koa';
import { roleIn } from '../operators/operators.js';
import { csrfMatches, resolveSession, SESSION_COOKIE } from '../operators/sessions.js';
import type { ResolvedKey } from '../tenants/key-resolver.js';
import type { AppDeps } from './deps.js';
import { HttpError } from './errors.js';

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(ctx: Context): string | undefined {
  const header = ctx.get('Authorization');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** Resolve a token or throw `401 invalid_api_key`. */
export async function authenticate(deps: AppDeps, token: string | undefined): Promise<ResolvedKey> {
  if (!token) throw new HttpError(401, 'invalid_api_key', 'send a key as "Authorization: Bearer <key>"');
  const key = await deps.keys.resolve(token);
  if (!key) throw new HttpError(401, 'invalid_api_key', 'the key is unknown or revoked');
  return key;
}

/** The header naming the project a signed-in operator acts on (sessions are not tied to one). */
export const PROJECT_HEADER = 'X-Vantage-Project';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authenticate a request to a secret-key route: an `Authorization: Bearer` key as everywhere, or
 * — for the dashboard — the operator's session cookie. A session acts on the project named by
 * `X-Vantage-Project`, only one the operator belongs to (else `404 not_found`, as if it did not
 * exist); its writes need the session's CSRF token in `X-CSRF-Token` and the `admin` role, and a
 * browser `Origin` must be this collector's own. A session resolves like a secret key whose id
 * is `operator:<id>`, so audit rows name the operator.
 */
export async function authenticateRequest(ctx: Context, deps: AppDeps): Promise<ResolvedKey> {
  const bearer = bearerToken(ctx);
  const cookie = bearer ? undefined : ctx.cookies.get(SESSION_COOKIE);
  if (!cookie) return authenticate(deps, bearer);
  const session = await resolveSession(deps.store, cookie);
  if (!session) throw new HttpError(401, 'invalid_api_key', 'the session has ended; sign in again');
  const origin = ctx.get('Origin');
  if (origin && origin !== `${ctx.protocol}://${ctx.host}`) throw new HttpError(403, 'origin_not_allowed', `origin ${origin} may not use a dashboard session`);
  const projectId = ctx.get(PROJECT_HEADER);
  const role = isUuidText(projectId) ? await roleIn(deps.store, session.operatorId, projectId) : null;
  if (!role) throw new HttpError(404, 'not_found', `no such project; name one of yours in ${PROJECT_HEADER}`);
  if (UNSAFE.has(ctx.method)) {
    if (!csrfMatches(session, ctx.get('X-CSRF-Token') || undefined)) throw new HttpError(403, 'csrf_failed', 'a write from a dashboard session needs its X-CSRF-Token header');
    if (role !== 'admin') throw new HttpError(403, 'insufficient_scope', 'viewers cannot change settings');
  }
  // The origin was checked above (this collector's own); checkOrigin leaves the request alone.
  ctx.state.dashboardSession = true;
  return { projectId, keyId: `operator:${session.operatorId}`, kind: 'sk', operatorRole: role };
}

function isUuidText(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/**
 * Who an audit row names for a request: `key:<key id>` for an API key, `operator:<operator id>`
 * for a dashboard session.
 */
export function actorOf(key: ResolvedKey): string {
  return key.operatorRole ? key.keyId : `key:${key.keyId}`;
}

/**
 * Throw `403 insufficient_scope` unless the key is a secret key or an admin's dashboard session:
 * for reads of raw data (dead letters' payloads) that a viewer must not see.
 */
export function requireAdmin(key: ResolvedKey): void {
  requireSecretKey(key);
  if (key.operatorRole === 'viewer') throw new HttpError(403, 'insufficient_scope', 'viewers cannot read dead letters');
}

/** Throw `403 insufficient_scope` unless the key is a secret (`sk_`) key. */
export function requireSecretKey(key: ResolvedKey): void {
  if (key.kind !== 'sk') throw new HttpError(403, 'insufficient_scope', 'this route needs a secret (sk_) key');
}

/** Throw `403 origin_not_allowed` for a browser origin not allowed for the project; grant CORS otherwise. */
export async function checkOrigin(ctx: Context, deps: AppDeps, projectId: string): Promise<void> {
  const origin = ctx.get('Origin');
  if (!origin || ctx.state.dashboardSession === true) return;
  if (!deps.config.corsOrigins.includes(origin)) {
    const project = await deps.tenants.project(projectId);
    if (!project?.allowedOrigins.includes(origin)) {
      throw new HttpError(403, 'origin_not_allowed', `origin ${origin} is not allowed for this project`);
    }
  }
  // The grant for an actual request; preflights are answered by @koa/cors in {@link preflight}.
  ctx.set('Access-Control-Allow-Origin', origin);
  ctx.set('Access-Control-Expose-Headers', 'Retry-After');
  ctx.vary('Origin');
}

/** Whether any project, or the global list, allows `origin` (used where no key is known). */
export async function isKnownOrigin(deps: AppDeps, origin: string): Promise<boolean> {
  if (origin === '') return false;
  return deps.config.corsOrigins.includes(origin) || (await deps.tenants.allProjectOrigins()).has(origin);
}

/** Grant CORS on an error answer to an origin some project allows, so the browser can read it. */
export function grantKnownOrigin(deps: AppDeps) {
  return async function grant(ctx: Context): Promise<void> {
    const origin = ctx.get('Origin');
    if (await isKnownOrigin(deps, origin)) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Expose-Headers', 'Retry-After');
      ctx.vary('Origin');
    }
  };
}

/**
 * CORS preflights carry no key, so an origin is granted when any project or the global list
 * allows it; the real request is then checked against its own project's list.
 */
export function preflight(deps: AppDeps): Middleware {
  const handler = cors({
    origin: (ctx: Context) => ctx.get('Origin'),
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
  });
  return async function preflightGate(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'OPTIONS') return next();
    const origin = ctx.get('Origin');
    if (!(await isKnownOrigin(deps, origin))) throw new HttpError(403, 'origin_not_allowed', `origin ${origin || '(none)'} is not allowed`);
    await handler(ctx, next);
  };
}

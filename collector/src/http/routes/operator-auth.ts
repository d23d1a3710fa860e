/**
 * Dashboard sign-in. `POST /api/v1/auth/sign-in` `{email, password}` sets the session cookie
 * (httpOnly, SameSite=Strict, Secure over HTTPS) and answers the operator, its projects and the
 * CSRF token writes must echo, and the origins its scenes' models load from (the dashboard page's
 * CSP allows those once it is loaded signed in); a wrong email or password is one answer, `401
 * invalid_credentials`, after the same work; too many failures for an address are `429` with
 * `Retry-After`. `GET /api/v1/auth/me` answers the same for the signed-in operator (no new expiry);
 * `POST /api/v1/auth/sign-out` ends the session.
 */
import type { Context } from 'koa';
import { noCompression } from '../compression.js';
import { getOperator, normaliseEmail, OperatorError } from '../../operators/operators.js';
import { decoyHash, MAX_PASSWORD_LENGTH, verifyPassword } from '../../operators/password.js';
import { endSession, resolveSession, SESSION_COOKIE, SESSION_TTL_MS, startSession } from '../../operators/sessions.js';
import { clearFailures, lockedFor, recordFailure } from '../../operators/throttle.js';
import { modelOriginsOfOperator } from '../../tenants/scenes.js';
import { readJson } from '../body.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

function cookieOptions(ctx: Context, maxAge: number) {
  return { httpOnly: true, sameSite: 'strict' as const, secure: ctx.protocol === 'https', path: '/', maxAge, overwrite: true };
}

function sameOrigin(ctx: Context): void {
  const origin = ctx.get('Origin');
  if (origin && origin !== `${ctx.protocol}://${ctx.host}`) throw new HttpError(403, 'origin_not_allowed', `origin ${origin} may not sign in here`);
}

/** `POST /api/v1/auth/sign-in`. */
export function signIn(deps: AppDeps) {
  return async function signInHandler(ctx: Context): Promise<void> {
    sameOrigin(ctx);
    const body = (await readJson(ctx)) as { email?: unknown; password?: unknown } | null;
    let email: string;
    try {
      email = normaliseEmail(body?.email);
    } catch (error) {
      if (error instanceof OperatorError) throw new HttpError(400, 'invalid_payload', error.message);
      throw error;
    }
    const password = typeof body?.password === 'string' && body.password.length <= MAX_PASSWORD_LENGTH ? body.password : '';
    const locked = await lockedFor(deps.store, email);
    if (locked > 0) throw new HttpError(429, 'rate_limited', 'too many failed sign-ins for this address; try again later', locked);
    const rows = await deps.store.query<{ id: string; password_hash: string }>('SELECT id, password_hash FROM operators WHERE email = $1 AND disabled_at IS NULL', [email]);
    const row = rows[0];
    // The same scrypt work whether or not the address exists: timing tells nothing.
    const ok = await verifyPassword(password, row?.password_hash ?? (await decoyHash()));
    if (!row || !ok) {
      const lock = await recordFailure(deps.store, email);
      if (lock > 0) throw new HttpError(429, 'rate_limited', 'too many failed sign-ins for this address; try again later', lock);
      throw new HttpError(401, 'invalid_credentials', 'wrong email or password');
    }
    await clearFailures(deps.store, email);
    const session = await startSession(deps.store, row.id);
    ctx.cookies.set(SESSION_COOKIE, session.token, cookieOptions(ctx, SESSION_TTL_MS));
    ctx.set('Cache-Control', 'no-store');
    noCompression(ctx);
    ctx.body = {
      operator: await getOperator(deps.store, row.id),
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
      modelOrigins: await modelOriginsOfOperator(deps.store, row.id),
    };
  };
}

/** `GET /api/v1/auth/me`. */
export function me(deps: AppDeps) {
  return async function meHandler(ctx: Context): Promise<void> {
    const token = ctx.cookies.get(SESSION_COOKIE);
    const session = token ? await resolveSession(deps.store, token) : null;
    if (!session) throw new HttpError(401, 'invalid_api_key', 'not signed in');
    ctx.set('Cache-Control', 'no-store');
    noCompression(ctx);
    ctx.body = { operator: await getOperator(deps.store, session.operatorId), csrfToken: session.csrfToken, modelOrigins: await modelOriginsOfOperator(deps.store, session.operatorId) };
  };
}

/** `POST /api/v1/auth/sign-out`. */
export function signOut(deps: AppDeps) {
  return async function signOutHandler(ctx: Context): Promise<void> {
    sameOrigin(ctx);
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (token) await endSession(deps.store, token);
    ctx.cookies.set(SESSION_COOKIE, '', cookieOptions(ctx, 0));
    ctx.status = 204;
  };
}

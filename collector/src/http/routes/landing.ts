/**
 * `GET /`: the dashboard app (`index.html` of `@vantage/dashboard`'s build; its files come from
 * `GET /assets/:file`, see `dashboard.ts`). The page itself needs no sign-in and names no project:
 * the app asks who is signed in, and shows sign-in otherwise. The page carries the landing
 * content (what this server is, a first-events snippet) until the app replaces it, for browsers
 * without JavaScript; a collector whose dashboard was not built answers the landing page alone.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'koa';
import { dashboardAppDir, renderAppPage, renderLandingPage } from '@vantage/dashboard';
import type { AppDeps } from '../deps.js';
import { resolveSession, SESSION_COOKIE } from '../../operators/sessions.js';
import { modelOriginsOfOperator } from '../../tenants/scenes.js';
import { dashboardCsp } from './dashboard.js';

async function appIndex(): Promise<string | null> {
  try {
    return await readFile(join(dashboardAppDir, 'index.html'), 'utf8');
  } catch {
    return null;
  }
}

/**
 * The origins the signed-in operator's scene models load from (none without a session): the
 * page's CSP allows them, and the page names them for the app (see `renderAppPage`).
 */
async function modelOriginsOf(ctx: Context, deps: AppDeps): Promise<string[]> {
  const token = ctx.cookies.get(SESSION_COOKIE);
  const session = token ? await resolveSession(deps.store, token) : null;
  return session ? modelOriginsOfOperator(deps.store, session.operatorId) : [];
}

/** Serves the app's page, or the landing page when the app is not built. */
export function landing(deps: AppDeps) {
  return async function landingHandler(ctx: Context): Promise<void> {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    // The endpoint in the snippet is the origin the browser used.
    const endpoint = `${ctx.protocol}://${ctx.host}`;
    const index = await appIndex();
    if (index !== null) {
      const modelOrigins = await modelOriginsOf(ctx, deps);
      ctx.set('Content-Security-Policy', dashboardCsp(modelOrigins));
      ctx.body = renderAppPage(index, { endpoint, modelOrigins });
      return;
    }
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'");
    ctx.body = renderLandingPage({ endpoint });
  };
}

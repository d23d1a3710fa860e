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
import { DASHBOARD_CSP } from './dashboard.js';

async function appIndex(): Promise<string | null> {
  try {
    return await readFile(join(dashboardAppDir, 'index.html'), 'utf8');
  } catch {
    return null;
  }
}

/** Serves the app's page, or the landing page when the app is not built. */
export function landing(_deps: AppDeps) {
  return async function landingHandler(ctx: Context): Promise<void> {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    // The endpoint in the snippet is the origin the browser used.
    const endpoint = `${ctx.protocol}://${ctx.host}`;
    const index = await appIndex();
    if (index !== null) {
      ctx.set('Content-Security-Policy', DASHBOARD_CSP);
      ctx.body = renderAppPage(index, { endpoint });
      return;
    }
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    ctx.body = renderLandingPage({ endpoint });
  };
}

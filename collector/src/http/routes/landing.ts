/**
 * `GET /`: the dashboard's landing page (what this server is, and a first-events snippet). It
 * needs no key, so it says nothing about the projects this collector serves, not even how many.
 */
import type { Context } from 'koa';
import { renderLandingPage } from '@vantage/dashboard';
import type { AppDeps } from '../deps.js';

/** Serves the landing page; the endpoint in the snippet is the origin the browser used. */
export function landing(_deps: AppDeps) {
  return async function landingHandler(ctx: Context): Promise<void> {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    ctx.body = renderLandingPage({ endpoint: `${ctx.protocol}://${ctx.host}` });
  };
}

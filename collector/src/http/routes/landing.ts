/** `GET /`: the dashboard's landing page (what this server is, and a first-events snippet). */
import type { Context } from 'koa';
import { renderLandingPage } from '@vantage/dashboard';
import { listProjects } from '../../tenants/projects.js';
import type { AppDeps } from '../deps.js';

/** Serves the landing page; the endpoint in the snippet is the origin the browser used. */
export function landing(deps: AppDeps) {
  return async function landingHandler(ctx: Context): Promise<void> {
    const projects = await listProjects(deps.store);
    const projectName = projects.length === 1 ? (projects[0]?.name ?? 'Vantage') : `${projects.length} projects`;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    ctx.body = renderLandingPage({ projectName, endpoint: `${ctx.protocol}://${ctx.host}` });
  };
}

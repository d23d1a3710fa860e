/**
 * `createApp(deps)`: the Koa app, built without listening, so tests drive the real middleware in
 * memory and `main.ts` decides where it listens.
 */
import Router from '@koa/router';
import Koa from 'koa';
import { grantKnownOrigin, preflight } from './auth.js';
import { compression } from './compression.js';
import type { AppDeps } from './deps.js';
import { errorBoundary } from './errors.js';
import {
  activityRoute,
  createFunnelRoute,
  customEventsRoute,
  deleteFunnelRoute,
  errorsRoute,
  funnelReportRoute,
  heatmapRoute,
  listFunnelsRoute,
  meshAttentionRoute,
  performanceRoute,
  resourcesRoute,
  sessionsRoute,
  trafficSourcesRoute,
  viewDirectionsRoute,
} from './routes/aggregates.js';
import { listAudit } from './routes/audit.js';
import { createKeyRoute, listKeysRoute, revokeKeyRoute } from './routes/keys.js';
import { me, signIn, signOut } from './routes/operator-auth.js';
import { sessionStream } from './routes/session-stream.js';
import { collect } from './routes/collect.js';
import { demoAsset, demoPage } from './routes/demo.js';
import { getDlqEntry, listDlq, replayDlq } from './routes/dlq.js';
import { forget } from './routes/forget.js';
import { favicon } from './routes/favicon.js';
import { healthz, readyz } from './routes/health.js';
import { dashboardAsset } from './routes/dashboard.js';
import { landing } from './routes/landing.js';
import { liveToken } from './routes/live-token.js';
import { getProjectSettings, patchProjectSettings } from './routes/project.js';
import { getProxy, putProxy } from './routes/scene-proxy.js';
import { getConfig, listScenesRoute, putScene } from './routes/scenes.js';

export type { AppDeps } from './deps.js';

/**
 * One debug line per request: method, path (never the query string), status and duration.
 * Nothing that identifies a sender: no address, no user agent, no key, no body.
 */
function requestLog(deps: AppDeps): Koa.Middleware {
  return async function logRequest(ctx, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      if (deps.log.isLevelEnabled('debug')) {
        deps.log.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request');
      }
    }
  };
}

/**
 * Every route of the collector. Exported so the tenant-isolation test can enumerate them and
 * fail when a route has no isolation case.
 */
export function createRouter(deps: AppDeps): Router {
  const router = new Router();
  router.get('/', landing(deps));
  router.get('/assets/:file', dashboardAsset(deps));
  router.get('/healthz', healthz);
  router.get('/favicon.svg', favicon);
  router.get('/favicon.ico', favicon);
  router.get('/readyz', readyz(deps));
  router.get('/demo', demoPage(deps));
  router.get('/demo/assets/:file', demoAsset(deps));
  router.post('/api/v1/collect', collect(deps));
  router.get('/api/v1/config', getConfig(deps));
  router.get('/api/v1/scenes', listScenesRoute(deps));
  router.put('/api/v1/scenes/:sceneId', putScene(deps));
  router.put('/api/v1/scenes/:sceneId/proxy', putProxy(deps));
  router.get('/api/v1/scenes/:sceneId/proxy', getProxy(deps));
  router.get('/api/v1/audit', listAudit(deps));
  router.get('/api/v1/dlq', listDlq(deps));
  router.post('/api/v1/dlq/replay', replayDlq(deps));
  router.get('/api/v1/dlq/:id', getDlqEntry(deps));
  router.post('/api/v1/forget', forget(deps));
  router.post('/v1/forget', forget(deps));
  router.get('/api/v1/project', getProjectSettings(deps));
  router.post('/api/v1/auth/sign-in', signIn(deps));
  router.post('/api/v1/auth/sign-out', signOut(deps));
  router.get('/api/v1/auth/me', me(deps));
  router.get('/api/v1/keys', listKeysRoute(deps));
  router.post('/api/v1/keys', createKeyRoute(deps));
  router.delete('/api/v1/keys/:id', revokeKeyRoute(deps));
  router.get('/api/v1/activity', activityRoute(deps));
  router.get('/api/v1/mesh-attention', meshAttentionRoute(deps));
  router.get('/api/v1/heatmaps/:kind', heatmapRoute(deps));
  router.get('/api/v1/view-directions', viewDirectionsRoute(deps));
  router.get('/api/v1/performance', performanceRoute(deps));
  router.get('/api/v1/resources', resourcesRoute(deps));
  router.get('/api/v1/errors', errorsRoute(deps));
  router.get('/api/v1/custom-events', customEventsRoute(deps));
  router.get('/api/v1/traffic-sources', trafficSourcesRoute(deps));
  router.get('/api/v1/sessions', sessionsRoute(deps));
  router.get('/api/v1/sessions/:id/events', sessionStream(deps));
  router.post('/api/v1/live/token', liveToken(deps));
  router.post('/api/v1/funnels', createFunnelRoute(deps));
  router.get('/api/v1/funnels', listFunnelsRoute(deps));
  router.get('/api/v1/funnels/:id', funnelReportRoute(deps));
  router.delete('/api/v1/funnels/:id', deleteFunnelRoute(deps));
  router.patch('/api/v1/project', patchProjectSettings(deps));
  return router;
}

/** Build the collector's HTTP app. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: false });
  const router = createRouter(deps);
  app.use(requestLog(deps));
  app.use(errorBoundary(deps.log, grantKnownOrigin(deps)));
  app.use(preflight(deps));
  app.use(compression());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

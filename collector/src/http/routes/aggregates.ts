/**
 * The query API over the aggregates (secret keys only; the project comes from the key): one
 * route per aggregate, each a thin adapter from the request to the aggregate file's read.
 * Parameters are checked by `aggregates/params.ts`; a bad one is `400 invalid_payload`.
 */
import type { Context } from 'koa';
import { readActivity } from '../../aggregates/activity.js';
import { readCustomEvents } from '../../aggregates/custom-events.js';
import { readErrors } from '../../aggregates/errors.js';
import { createFunnel, deleteFunnel, getFunnel, listFunnels, parseFunnel, reportFunnel } from '../../aggregates/funnels.js';
import { HEATMAP_KINDS, readHeatmap, voxelSizeOf, type HeatmapKind } from '../../aggregates/heatmaps.js';
import { readMeshAttention } from '../../aggregates/mesh-attention.js';
import { parseAggregateQuery, type AggregateQuery } from '../../aggregates/params.js';
import { readPerformance } from '../../aggregates/performance.js';
import { readResources } from '../../aggregates/resources.js';
import { readSessions } from '../../aggregates/sessions-list.js';
import { readTrafficSources } from '../../aggregates/traffic-source.js';
import { readViewDirections } from '../../aggregates/view-directions.js';
import type { ResolvedKey } from '../../tenants/key-resolver.js';
import { actorOf, authenticateRequest, checkOrigin, requireSecretKey } from '../auth.js';
import { readJson } from '../body.js';
import { isUuid, type QueryParams } from '../cursor.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

/** Authenticate a secret key for a query route, take its rate-limit token, check the origin. */
async function secretKey(ctx: Context, deps: AppDeps): Promise<ResolvedKey> {
  const key = await authenticateRequest(ctx, deps);
  requireSecretKey(key);
  await deps.limits.take(key, 'query');
  await checkOrigin(ctx, deps, key.projectId);
  // Answers change with every flush and belong to the key's project.
  ctx.set('Cache-Control', 'private, no-cache');
  ctx.vary('Authorization');
  return key;
}

type Read = (deps: AppDeps, q: AggregateQuery, query: QueryParams, ctx: Context) => Promise<unknown>;

/** A `GET` route answering `read` for the key's project and the common parameters. */
function aggregateRoute(deps: AppDeps, read: Read, options: { sceneRequired?: boolean } = {}) {
  return async function aggregateHandler(ctx: Context): Promise<void> {
    const key = await secretKey(ctx, deps);
    const q = parseAggregateQuery(key.projectId, ctx.query, { ...options, now: deps.clock?.() });
    ctx.body = await read(deps, q, ctx.query, ctx);
  };
}

/** `GET /api/v1/activity`. */
export const activityRoute = (deps: AppDeps) => aggregateRoute(deps, (d, q, query) => readActivity(d.store, q, query));
/** `GET /api/v1/mesh-attention`. */
export const meshAttentionRoute = (deps: AppDeps) => aggregateRoute(deps, (d, q, query) => readMeshAttention(d.store, q, query));
/** `GET /api/v1/view-directions`. */
export const viewDirectionsRoute = (deps: AppDeps) => aggregateRoute(deps, (d, q) => readViewDirections(d.store, q));
/** `GET /api/v1/performance`. */
export const performanceRoute = (deps: AppDeps) => aggregateRoute(deps, (d, q, query) => readPerformance(d.store, q, query));
/** `GET /api/v1/resources`. */
export const resourcesRoute = (deps: AppDeps) => aggregateRoute(deps, (d, q, query) => readResources(d.store, q, query));
/** `GET /api/v1/errors`. */
export const errorsRoute = (deps: AppDeps) => aggregateRoute(deps, (d, q, query) => readErrors(d.store, q, query));
/** `GET /api/v1/custom-events`. */
export const customEventsRoute = (deps: AppDeps) => aggregateRoute(deps, (d, q, query) => readCustomEvents(d.store, q, query));
/** `GET /api/v1/traffic-sources`. */
export const trafficSourcesRoute = (deps: AppDeps) => aggregateRoute(deps, (d, q) => readTrafficSources(d.store, q));
/** `GET /api/v1/sessions`: session summaries (no events; works with raw retention off). */
export const sessionsRoute = (deps: AppDeps) => aggregateRoute(deps, (d, q, query) => readSessions(d.store, q, query));

/** `GET /api/v1/heatmaps/:kind` (`click`, `gaze`, `camera`); `scene` is required. */
export const heatmapRoute = (deps: AppDeps) =>
  aggregateRoute(
    deps,
    async (d, q, query, ctx) => {
      const kind = String(ctx.params.kind);
      if (!(HEATMAP_KINDS as readonly string[]).includes(kind)) throw new HttpError(404, 'not_found', `no heatmap "${kind.slice(0, 40)}"; kinds: ${HEATMAP_KINDS.join(', ')}`);
      const scene = await d.tenants.scene(q.projectId, q.scene as string);
      return readHeatmap(d.store, q, kind as HeatmapKind, voxelSizeOf(scene.voxelSizeMm, scene.bounds), query);
    },
    { sceneRequired: true },
  );

function funnelId(ctx: Context): string {
  const id = String(ctx.params.id);
  if (!isUuid(id)) throw new HttpError(404, 'not_found', 'no such funnel');
  return id;
}

/** `POST /api/v1/funnels`: save a funnel (audited), `201` with it. */
export function createFunnelRoute(deps: AppDeps) {
  return async function createFunnelHandler(ctx: Context): Promise<void> {
    const key = await secretKey(ctx, deps);
    const funnel = await createFunnel(deps.store, key.projectId, parseFunnel(await readJson(ctx)), actorOf(key));
    ctx.status = 201;
    ctx.body = funnel;
  };
}

/** `GET /api/v1/funnels`. */
export function listFunnelsRoute(deps: AppDeps) {
  return async function listFunnelsHandler(ctx: Context): Promise<void> {
    const key = await secretKey(ctx, deps);
    ctx.body = { funnels: await listFunnels(deps.store, key.projectId) };
  };
}

/** `GET /api/v1/funnels/:id`: the funnel's report over the window (common parameters). */
export const funnelReportRoute = (deps: AppDeps) =>
  aggregateRoute(deps, async (d, q, _query, ctx) => {
    const funnel = await getFunnel(d.store, q.projectId, funnelId(ctx));
    if (!funnel) throw new HttpError(404, 'not_found', 'no such funnel');
    return reportFunnel(d.store, q, funnel);
  });

/** `DELETE /api/v1/funnels/:id` (audited). */
export function deleteFunnelRoute(deps: AppDeps) {
  return async function deleteFunnelHandler(ctx: Context): Promise<void> {
    const key = await secretKey(ctx, deps);
    const id = funnelId(ctx);
    if (!(await deleteFunnel(deps.store, key.projectId, id, actorOf(key)))) throw new HttpError(404, 'not_found', 'no such funnel');
    ctx.status = 204;
  };
}

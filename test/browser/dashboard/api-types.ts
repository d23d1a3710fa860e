/**
 * The dashboard restates the collector's answers in `dashboard/src/app/types.ts` (it is a
 * browser bundle and does not import the collector). This module holds the two together at
 * compile time (`tsc -p test/browser`, part of `npm test`): each answer the collector's read
 * functions return, as JSON, must be assignable to the type the dashboard reads it as. A field
 * renamed, removed or made nullable on the collector's side fails the build here, not in a
 * person's browser.
 */
import type { readActivity } from '../../../collector/src/aggregates/activity.js';
import type { readCustomEvents } from '../../../collector/src/aggregates/custom-events.js';
import type { readErrors } from '../../../collector/src/aggregates/errors.js';
import type { Funnel as CollectorFunnel, FunnelReport as CollectorFunnelReport } from '../../../collector/src/aggregates/funnels.js';
import type { readHeatmap } from '../../../collector/src/aggregates/heatmaps.js';
import type { readMeshAttention } from '../../../collector/src/aggregates/mesh-attention.js';
import type { PerformanceAnswer as CollectorPerformance } from '../../../collector/src/aggregates/performance.js';
import type { ResourcesAnswer as CollectorResources } from '../../../collector/src/aggregates/resources.js';
import type { readSessions } from '../../../collector/src/aggregates/sessions-list.js';
import type * as Dashboard from '../../../dashboard/src/app/types.js';

/** What `JSON.stringify` then `JSON.parse` make of `T`: dates become ISO strings. */
type Json<T> = T extends Date ? string : T extends ReadonlyArray<infer E> ? Json<E>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

/** The JSON answer of a read function. */
type Answer<F extends (...args: never[]) => Promise<unknown>> = Json<Awaited<ReturnType<F>>>;

/** `true` when every `From` is a `To`; the checks below only compile while it is. */
type Reads<From, To> = [From] extends [To] ? true : false;

export const DASHBOARD_READS_THE_COLLECTORS_ANSWERS: {
  activity: Reads<Answer<typeof readActivity>, Dashboard.ActivityByType>;
  meshAttention: Reads<Answer<typeof readMeshAttention>['meshes'][number], Dashboard.MeshAttention>;
  heatmap: Reads<Answer<typeof readHeatmap>, Dashboard.Heatmap>;
  errors: Reads<Answer<typeof readErrors>['errors'][number], Dashboard.ErrorRow>;
  customEvents: Reads<Answer<typeof readCustomEvents>['events'][number], Dashboard.CustomEventRow>;
  funnel: Reads<Json<CollectorFunnel>, Dashboard.Funnel>;
  funnelReport: Reads<Json<CollectorFunnelReport>, Dashboard.FunnelReport>;
  sessions: Reads<Answer<typeof readSessions>['sessions'][number], Dashboard.SessionSummary>;
  performance: Reads<Json<CollectorPerformance>, Dashboard.PerformanceAnswer>;
  performanceOverTime: Reads<Json<Required<CollectorPerformance>>, Dashboard.PerformanceOverTime>;
  resources: Reads<Json<CollectorResources>, Dashboard.ResourcesAnswer>;
  resourcesOverTime: Reads<Json<Required<CollectorResources>>, Dashboard.ResourcesOverTime>;
} = {
  activity: true,
  meshAttention: true,
  heatmap: true,
  errors: true,
  customEvents: true,
  funnel: true,
  funnelReport: true,
  sessions: true,
  performance: true,
  performanceOverTime: true,
  resources: true,
  resourcesOverTime: true,
};

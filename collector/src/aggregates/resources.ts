/**
 * Renderer resources per scene, hour and segment, from `resource_sample` (opt-in): histograms of
 * live geometries, textures, compiled programs and used JS heap (KiB, where the browser reports
 * it), one weight per sample.
 *
 * Read: `GET /api/v1/resources`, filtered, split and (with `interval`) given per interval like
 * performance.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { QueryParams } from '../http/cursor.js';
import type { Store } from '../storage/types.js';
import type { Percentiles } from './buckets.js';
import { addToHistogram, histogramRollup, readHistograms, type HistogramGroup, type SeriesPoint } from './histograms.js';
import { seriesIntervalParam, type AggregateQuery, type Interval } from './params.js';
import { groupByParam } from './performance.js';
import type { Aggregate } from './types.js';

/** The resources aggregate. */
export const resources: Aggregate = {
  name: 'resources',
  rollups: [histogramRollup],
  foldEvent(e: VantageEvent, ctx, acc) {
    if (e.type !== 'resource_sample') return;
    addToHistogram(acc, ctx, e.t, 'geometries', e.geometries);
    addToHistogram(acc, ctx, e.t, 'textures', e.textures);
    addToHistogram(acc, ctx, e.t, 'programs', e.programs);
    if (e.heapKb !== undefined) addToHistogram(acc, ctx, e.t, 'heap_kb', e.heapKb);
  },
};

/** One segment of the answer. */
export interface ResourceGroup {
  deviceType: string | null;
  browser: string | null;
  samples: number;
  geometries: Percentiles | null;
  textures: Percentiles | null;
  programs: Percentiles | null;
  heapKb: Percentiles | null;
}

/** `GET /api/v1/resources`: the window's segments; with `interval`, also per interval. */
export interface ResourcesAnswer {
  groups: ResourceGroup[];
  interval?: Interval;
  series?: Array<SeriesPoint<ResourceGroup>>;
}

function resourceGroup(g: HistogramGroup): ResourceGroup {
  return {
    deviceType: g.deviceType,
    browser: g.browser,
    samples: g.weights.geometries ?? 0,
    geometries: g.percentiles.geometries ?? null,
    textures: g.percentiles.textures ?? null,
    programs: g.percentiles.programs ?? null,
    heapKb: g.percentiles.heap_kb ?? null,
  };
}

/** `GET /api/v1/resources`. */
export async function readResources(store: Store, q: AggregateQuery, query: QueryParams): Promise<ResourcesAnswer> {
  const interval = seriesIntervalParam(query, q);
  const read = await readHistograms(store, q, ['geometries', 'textures', 'programs', 'heap_kb'], groupByParam(query), {}, [], interval);
  const groups = read.groups.map(resourceGroup);
  if (interval === null) return { groups };
  return { groups, interval, series: read.series.map((p) => ({ start: p.start, groups: p.groups.map(resourceGroup) })) };
}

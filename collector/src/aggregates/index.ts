/**
 * The aggregates kept at ingest, and folding one flush's batches into them. Each aggregate is
 * one file (its rollups, how an event folds in, how it is read); {@link AGGREGATES} is the one
 * list the write buffer folds and the schema takes its tables from.
 */
import type { AcceptedBatch } from '../ingest/types.js';
import { Accumulator } from './accumulate.js';
import { activity } from './activity.js';
import { customEvents } from './custom-events.js';
import type { Rollup } from './define.js';
import { errors } from './errors.js';
import { heatmaps } from './heatmaps.js';
import { meshAttention } from './mesh-attention.js';
import { performance } from './performance.js';
import { resources } from './resources.js';
import { trafficSources } from './traffic-source.js';
import type { Aggregate, FoldContext } from './types.js';
import { viewDirections } from './view-directions.js';

export { Accumulator, rollupCtes } from './accumulate.js';
export type { Aggregate, FoldContext, TrafficSource } from './types.js';

/** Every aggregate folded at ingest. */
export const AGGREGATES: readonly Aggregate[] = [activity, meshAttention, heatmaps, viewDirections, performance, resources, errors, customEvents, trafficSources];

/** Every rollup table, once each (some aggregates share the histogram table). */
export const ROLLUPS: readonly Rollup[] = [...new Set(AGGREGATES.flatMap((a) => a.rollups))];

const EVENT_FOLDERS = AGGREGATES.filter((a) => a.foldEvent);
const BATCH_FOLDERS = AGGREGATES.filter((a) => a.foldBatch);

/** Fold `batches` (each with its fold context) into a fresh accumulator. */
export function foldBatches(batches: ReadonlyArray<{ batch: AcceptedBatch; ctx: FoldContext }>): Accumulator {
  const acc = new Accumulator();
  for (const { batch, ctx } of batches) {
    for (const a of BATCH_FOLDERS) a.foldBatch?.(ctx, acc);
    for (const e of batch.events) for (const a of EVENT_FOLDERS) a.foldEvent?.(e, ctx, acc);
  }
  return acc;
}

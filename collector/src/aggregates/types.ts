/**
 * What an aggregate is: one file with its rollup tables, how one event (or one batch) folds into
 * them, and how it is read. The write buffer folds every aggregate of {@link AGGREGATES} (see
 * `index.ts`) over each flush; the query routes read them.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { Accumulator } from './accumulate.js';
import type { Rollup } from './define.js';

/** What folding one event needs to know about its batch. */
export interface FoldContext {
  projectId: string;
  sceneId: string;
  /** The batch's session. */
  sessionId: string;
  /** When the collector received the batch, epoch ms. */
  receivedAt: number;
  /** Of the sender's user agent; '' when the privacy mode keeps none (paranoid) or unknown. */
  deviceType: string;
  browser: string;
  /** Voxel edge of the scene's heatmaps, mm. */
  voxelMm: number;
  /** The batch's visitor hash; '' when the batch has none (a DLQ replay). */
  visitorHash: string;
  /** Hash-salt lifetime of the project, ms (how long a visitor hash can recur). */
  visitorHashTtlMs: number;
  /** The session's traffic source, on the batch that carries `session_start`. */
  source: TrafficSource | null;
}

/** A session's traffic source, from the traffic-source classifier. */
export interface TrafficSource {
  source: string;
  medium: string;
  campaign: string | null;
  confidence: 'low' | 'medium' | 'high';
  /** Id of the rule that fired. */
  rule: string;
}

/** An aggregate folded at ingest. */
export interface Aggregate {
  /** Name, for logs and docs. */
  readonly name: string;
  /** Its rollup tables. */
  readonly rollups: readonly Rollup[];
  /** Fold one accepted event. */
  foldEvent?(event: VantageEvent, ctx: FoldContext, acc: Accumulator): void;
  /** Fold what a batch says as a whole (its visitor, say), once per batch. */
  foldBatch?(ctx: FoldContext, acc: Accumulator): void;
}

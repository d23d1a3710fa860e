/**
 * What flows through ingest: an accepted batch on its way to storage, dead letters, and the
 * per-reason drop counts answered to the client.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { PrivacyMode } from '../config.js';
import type { StorableVisitor } from '../privacy/visitor.js';

/** Stable reasons an event or a body is dropped; counted in `dropped` of the 202 answer. */
export type DropReason =
  | 'malformed'
  | 'unknown_type'
  | 'invalid_time'
  | 'invalid_field'
  | 'unknown_mesh_ref'
  | 'channel_disabled'
  | 'bot';

/** Reason → number of events dropped for it. */
export type DropCounts = Partial<Record<DropReason, number>>;

/** A dead letter: something that could not be accepted, kept with its raw bytes for replay. */
export interface DlqEntry {
  /** The project, or the nil uuid when no key could be read. */
  projectId: string;
  reason: string;
  detail: string;
  contentType: string;
  sessionId?: string | undefined;
  seq?: number | undefined;
  /** Position of the event in its batch. */
  eventIndex?: number | undefined;
  /** The batch envelope without events and key, to replay a single event in context. */
  envelope?: Record<string, unknown> | undefined;
  /** Raw bytes: the whole body, or one event tuple as msgpack. */
  payload: Uint8Array;
}

/** A validated batch ready to be made durable. */
export interface AcceptedBatch {
  projectId: string;
  sessionId: string;
  seq: number;
  sceneId: string;
  /** Accepted events, times corrected for client clock skew. */
  events: VantageEvent[];
  /** Events dropped from this batch (any reason). */
  dropped: number;
  /** Dead letters of this batch; written only if the batch is new (not a retry). */
  deadLetters: DlqEntry[];
  /** Events dropped by reason; added to `drops_daily` only if the batch is new. */
  dropCounts: DropCounts;
  /** When the collector received the batch, epoch ms. */
  receivedAt: number;
  /**
   * What the batch adds to its session's row (`sessions`, `identity_links`). Absent for a DLQ
   * replay: the operator's request says nothing about the visitor.
   */
  session?: SessionUpdate | undefined;
  /** What the aggregates need besides the events; absent for a DLQ replay (defaults apply). */
  fold?: FoldInputs | undefined;
  /** The session moved to this batch's scene from another one (a funnel step). */
  enteredScene?: boolean | undefined;
}

/** Per-batch inputs of the aggregates (see `aggregates/types.ts`). */
export interface FoldInputs {
  /** Of the sender's user agent, as the privacy mode allows; '' when it keeps none. */
  deviceType: string;
  browser: string;
  /** The scene's heatmap voxel edge, mm. */
  voxelMm: number;
  /** The project's visitor-hash salt period, ms. */
  visitorHashTtlMs: number;
}

/** A batch's contribution to its session's row: what the privacy module let through, and the mode it applied. */
export interface SessionUpdate extends StorableVisitor {
  privacyMode: PrivacyMode;
}

/** Drops of events that belong to no stored batch (a bot's batch): counted, nothing else kept. */
export interface LooseDrops {
  projectId: string;
  /** Epoch ms. */
  at: number;
  counts: DropCounts;
}

/**
 * Step 2 of ingest: one event at a time. Each event is validated and decoded on its own; a bad
 * one is dropped with a reason and kept as a dead letter, a valid one of a channel that is off for
 * its scene is dropped (and not kept), and the rest go on. One bad event never costs the batch.
 */
import { Packr } from 'msgpackr';
import { EVENT_BY_CODE, type CaptureFlags, type VantageEvent, type WireBatch, type WireValidators } from '@vantage/sdk-core/schema';
import type { PrivacyMode } from '../config.js';
import { minimiseEvent, minimiseTuple } from '../privacy/events.js';
import type { AcceptedBatch, DlqEntry, DropCounts } from './types.js';

const packr = new Packr({ useRecords: false });

/** The outcome of {@link validateEvents}. */
export interface ValidatedBatch {
  batch: AcceptedBatch;
  dropped: DropCounts;
}

/**
 * Envelope fields kept with a dead letter so the event can be replayed in context: the known
 * fields only (never the key, nor anything a client adds), so a letter's size is bounded by the
 * schema whatever the body carried.
 */
export function envelopeOf(batch: WireBatch): Record<string, unknown> {
  const envelope: Record<string, unknown> = { v: batch.v, sid: batch.sid, seq: batch.seq, scene: batch.scene, sentAt: batch.sentAt, t0: batch.t0 };
  if (batch.anon !== undefined) envelope.anon = batch.anon;
  if (batch.user !== undefined) envelope.user = batch.user;
  return envelope;
}

/**
 * The mesh ids one event tuple refers to, by index (`{"7": "sofa/leg"}`): a dead letter keeps
 * these instead of the batch's whole `ids` table (up to 1,024 ids, which would be copied into
 * every letter of the batch). Replay rebuilds an `ids` table from them.
 */
export function meshIdsOf(raw: unknown, ids: readonly string[] | undefined): Record<string, string> | undefined {
  if (!Array.isArray(raw) || ids === undefined || typeof raw[0] !== 'number') return undefined;
  const def = EVENT_BY_CODE[raw[0]];
  if (!def || def.meshKeys.length === 0) return undefined;
  let out: Record<string, string> | undefined;
  for (const key of def.meshKeys) {
    const index: unknown = raw[def.keys.indexOf(key) + 2];
    const id = typeof index === 'number' ? ids[index] : undefined;
    if (typeof id === 'string') (out ??= {})[String(index)] = id;
  }
  return out;
}

/** What {@link validateEvents} checks a batch against. */
export interface ValidationContext {
  projectId: string;
  /** The scene's capture flags: events of a channel that is off are dropped. */
  capture: CaptureFlags;
  validators: WireValidators;
  /**
   * When the collector received the batch, epoch ms. It corrects event times for the client's
   * clock skew: an event's time is moved by `receivedAt - sentAt`, so a device with a wrong
   * clock still lands in the right hour.
   */
  receivedAt: number;
  contentType: string;
  /** The project's privacy mode: accepted events are minimised for it (`minimiseEvent`). */
  privacyMode: PrivacyMode;
}

/**
 * Validate every event of a batch whose envelope is valid. Accepted events and dead letters are
 * minimised (URL query strings, referrer, GPU, properties over 8 KB) before anything keeps them.
 */
export function validateEvents(batch: WireBatch, context: ValidationContext): ValidatedBatch {
  const { projectId, capture, validators, receivedAt, contentType, privacyMode } = context;
  const skew = receivedAt - batch.sentAt;
  const events: VantageEvent[] = [];
  const dropped: DropCounts = {};
  const deadLetters: DlqEntry[] = [];
  let envelope: Record<string, unknown> | undefined;
  const raw = batch.events;
  for (let i = 0; i < raw.length; i++) {
    const result = validators.decodeEvent(raw[i], batch);
    if (!result.ok) {
      dropped[result.reason] = (dropped[result.reason] ?? 0) + 1;
      envelope ??= envelopeOf(batch);
      const meshIds = meshIdsOf(raw[i], batch.ids);
      deadLetters.push({
        projectId,
        reason: result.reason,
        detail: result.detail,
        contentType,
        sessionId: batch.sid,
        seq: batch.seq,
        eventIndex: i,
        envelope: meshIds ? { ...envelope, meshIds } : envelope,
        payload: packr.pack(minimiseTuple(raw[i])),
      });
      continue;
    }
    const event = result.event;
    if (!capture[event.type]) {
      dropped.channel_disabled = (dropped.channel_disabled ?? 0) + 1;
      continue;
    }
    event.t += skew;
    minimiseEvent(event, privacyMode);
    events.push(event);
  }
  return {
    batch: {
      projectId,
      sessionId: batch.sid,
      seq: batch.seq,
      sceneId: batch.scene,
      events,
      dropped: raw.length - events.length,
      deadLetters,
      dropCounts: dropped,
      receivedAt,
    },
    dropped,
  };
}

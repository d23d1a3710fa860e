/**
 * Running one dead letter through the current ingest pipeline again, without writing anything.
 *
 * - A per-event entry (an event dropped from a batch that was otherwise accepted) is rebuilt as
 *   a batch of that one event inside its stored envelope, then checked like `POST /collect`
 *   checks a batch: envelope, the event's validator, and the scene's capture flags now.
 * - A whole-body entry (undecodable, or not a batch) is decoded with its stored content type and
 *   checked like a fresh request.
 *
 * Times are corrected with the skew of the original request (its `received_at` against the
 * batch's `sentAt`), so a replayed event lands in the hour it would have landed in at first.
 */
import { MAX_MESH_IDS } from '@vantage/sdk-core/schema';
import type { CaptureFlags, VantageEvent, WireBatch, WireValidators } from '@vantage/sdk-core/schema';
import type { PrivacyMode } from '../config.js';
import { decodeBody } from '../ingest/decode-body.js';
import type { AcceptedBatch, DropCounts } from '../ingest/types.js';
import { validateEvents } from '../ingest/validate-events.js';

/** A stored dead letter, as replay reads it. */
export interface StoredDeadLetter {
  id: string;
  receivedAt: Date;
  contentType: string;
  /** Null for a whole-body entry. */
  eventIndex: number | null;
  envelope: Record<string, unknown> | null;
  payload: Uint8Array;
}

/** Why an entry is still refused: a drop reason of the pipeline and its message. */
export interface StillInvalid {
  ok: false;
  reason: string;
  detail: string;
}

/** A per-event entry the pipeline accepts now: the event to count, and where. */
export interface AcceptedEvent {
  ok: true;
  event: VantageEvent;
  sceneId: string;
  sessionId: string;
  seq: number;
}

/** A whole-body entry the pipeline accepts now: the batch to write, and what it dropped. */
export interface AcceptedBody {
  ok: true;
  batch: AcceptedBatch;
  dropped: DropCounts;
}

/** The scene capture flags in force for a project's scene (the tenant cache in the app). */
export type SceneCapture = (projectId: string, sceneId: string) => Promise<CaptureFlags>;

/** Decode a body and check its envelope as `POST /collect` does. */
function decodeBatch(payload: Uint8Array, contentType: string, validators: WireValidators): { ok: true; batch: WireBatch } | StillInvalid {
  const decoded = decodeBody(payload, contentType);
  if (!decoded.ok) return { ok: false, reason: 'undecodable', detail: decoded.detail };
  const envelopeError = validators.checkEnvelope(decoded.value);
  if (envelopeError) return { ok: false, reason: 'invalid_envelope', detail: `invalid batch envelope: ${envelopeError}` };
  return { ok: true, batch: decoded.value as WireBatch };
}

/** Check a per-event entry against the current pipeline. */
export async function checkEventEntry(entry: StoredDeadLetter, projectId: string, validators: WireValidators, capture: SceneCapture, privacyMode: PrivacyMode): Promise<AcceptedEvent | StillInvalid> {
  if (!entry.envelope) return { ok: false, reason: 'invalid_envelope', detail: 'the entry has no batch envelope to replay its event in' };
  const tuple = decodeBody(entry.payload, 'application/msgpack');
  if (!tuple.ok) return { ok: false, reason: 'malformed', detail: tuple.detail };
  const rebuilt: unknown = { ...envelopeForReplay(entry.envelope), events: [tuple.value] };
  const envelopeError = validators.checkEnvelope(rebuilt);
  if (envelopeError) return { ok: false, reason: 'invalid_envelope', detail: `invalid batch envelope: ${envelopeError}` };
  const batch = rebuilt as WireBatch;
  const flags = await capture(projectId, batch.scene);
  const { batch: accepted } = validateEvents(batch, { projectId, capture: flags, validators, receivedAt: entry.receivedAt.getTime(), contentType: entry.contentType, privacyMode });
  const event = accepted.events[0];
  if (event) return { ok: true, event, sceneId: batch.scene, sessionId: batch.sid, seq: batch.seq };
  const letter = accepted.deadLetters[0];
  if (letter) return { ok: false, reason: letter.reason, detail: letter.detail };
  return {
    ok: false,
    reason: 'channel_disabled',
    detail: `the event's channel is off for scene "${batch.scene}"; switch it on (PUT /api/v1/scenes/:sceneId) and replay again`,
  };
}

/** Check a whole-body entry against the current pipeline. */
export async function checkBodyEntry(entry: StoredDeadLetter, projectId: string, validators: WireValidators, capture: SceneCapture, privacyMode: PrivacyMode): Promise<AcceptedBody | StillInvalid> {
  const decoded = decodeBatch(entry.payload, entry.contentType, validators);
  if (!decoded.ok) return decoded;
  const batch = decoded.batch;
  const flags = await capture(projectId, batch.scene);
  const { batch: accepted, dropped } = validateEvents(batch, { projectId, capture: flags, validators, receivedAt: entry.receivedAt.getTime(), contentType: entry.contentType, privacyMode });
  return { ok: true, batch: accepted, dropped };
}

/**
 * A stored letter's envelope as a batch envelope: its `meshIds` (the ids its event referred to,
 * by index) become an `ids` table in which the other slots hold a placeholder id.
 */
export function envelopeForReplay(stored: Record<string, unknown>): Record<string, unknown> {
  const { meshIds, ...envelope } = stored;
  if (meshIds === null || typeof meshIds !== 'object') return envelope;
  const entries = Object.entries(meshIds as Record<string, unknown>);
  const indices = entries.map(([index]) => Number(index)).filter((n) => Number.isInteger(n) && n >= 0 && n < MAX_MESH_IDS);
  if (indices.length === 0) return envelope;
  const ids: unknown[] = new Array<string>(Math.max(...indices) + 1).fill('_');
  for (const [index, id] of entries) ids[Number(index)] = id;
  return { ...envelope, ids };
}

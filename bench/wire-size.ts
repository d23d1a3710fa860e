/**
 * Wire size: bytes per event of 50-event batches as the SDK sends them (msgpack through
 * `encodeBatchBytes`, envelope and mesh id table included) and as JSON (`JSON.stringify` of the
 * same batch, UTF-8 bytes), over every batch of many simulated sessions.
 */
import { measureWireSize } from '@vantage/fixtures';
import type { SessionSample } from './sample.js';
import { summariseRounds, type RoundSummary } from './stats.js';

/** The design goal: at most this many msgpack bytes per event on average. */
export const MSGPACK_GOAL_BYTES_PER_EVENT = 40;
/** A competitor's JSON wire format, for reference: about this many bytes per event. */
export const COMPETITOR_JSON_BYTES_PER_EVENT = 450;

/** Bytes per event over the sample. */
export interface WireSizeResult {
  readonly sessions: number;
  readonly batches: number;
  readonly events: number;
  readonly msgpackBytes: number;
  readonly jsonBytes: number;
  /** Total msgpack bytes / total events. */
  readonly msgpackBytesPerEvent: number;
  /** Total JSON bytes / total events. */
  readonly jsonBytesPerEvent: number;
  /** How msgpack bytes per event vary from session to session. */
  readonly msgpackPerSession: RoundSummary;
}

/** Measure the sessions' batches (with the fixtures' `measureWireSize`); throws when there are no events. */
export function measureWireSizes(sessions: readonly SessionSample[]): WireSizeResult {
  let batches = 0;
  let events = 0;
  let msgpackBytes = 0;
  let jsonBytes = 0;
  const perSession: number[] = [];
  for (const session of sessions) {
    const size = measureWireSize(session.batches);
    batches += size.batches;
    events += size.events;
    msgpackBytes += size.msgpackBytes;
    jsonBytes += size.jsonBytes;
    if (size.events > 0) perSession.push(size.msgpackBytesPerEvent);
  }
  if (events === 0) throw new Error('bench: no events to measure the wire size of');
  return {
    sessions: perSession.length,
    batches,
    events,
    msgpackBytes,
    jsonBytes,
    msgpackBytesPerEvent: msgpackBytes / events,
    jsonBytesPerEvent: jsonBytes / events,
    msgpackPerSession: summariseRounds(perSession),
  };
}

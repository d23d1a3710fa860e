/**
 * The stored form of a raw session stream: one chunk per accepted batch, its events in the wire
 * encoding (tuples with time offsets and an id table, about 26 bytes an event before
 * compression), packed with msgpack and compressed with raw DEFLATE. Decoding goes back through
 * the same validators as ingest, so a chunk decodes to exactly the events that were accepted.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Packr } from 'msgpackr';
import { encodeBatch, type VantageEvent, type WireBatch, type WireValidators } from '@vantage/sdk-core/schema';

const packr = new Packr({ useRecords: false, variableMapSize: true });

/** A chunk ready to store: its time range (epoch ms) and compressed bytes. */
export interface EncodedChunk {
  startMs: number;
  endMs: number;
  events: number;
  data: Buffer;
}

/** Encode a batch's accepted events (skew-corrected times) as a chunk. */
export function encodeChunk(sessionId: string, seq: number, sceneId: string, events: readonly VantageEvent[]): EncodedChunk {
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    if (e.t < startMs) startMs = e.t;
    if (e.t > endMs) endMs = e.t;
  }
  if (events.length === 0) startMs = endMs = 0;
  const batch = encodeBatch({ sid: sessionId, seq, scene: sceneId, sentAt: startMs }, events);
  return { startMs, endMs, events: events.length, data: deflateRawSync(packr.pack(batch), { level: 6 }) };
}

/** Decode a chunk back to its events; events that no longer validate are skipped and counted. */
export function decodeChunk(data: Uint8Array, validators: WireValidators): { events: VantageEvent[]; skipped: number } {
  const batch = packr.unpack(inflateRawSync(data)) as WireBatch;
  const events: VantageEvent[] = [];
  let skipped = 0;
  for (const raw of batch.events) {
    const result = validators.decodeEvent(raw, batch);
    if (result.ok) events.push(result.event);
    else skipped++;
  }
  return { events, skipped };
}

/**
 * Encoding events into wire tuples (the SDK side). Pure and allocation-light; no validation —
 * the collector validates every event on arrival.
 */
import type { EventDef } from './define.js';
import { EVENT_BY_TYPE, type VantageEvent } from './registry.js';
import { SCHEMA_VERSION, type WireBatch } from './envelope.js';
import { IdTable } from './id-table.js';

export { IdTable } from './id-table.js';

/** Encode one event as `[code, dtMs, ...fields]`; trailing absent fields are omitted. */
export function encodeEvent(event: VantageEvent, t0: number, ids: IdTable): unknown[] {
  const def: EventDef = EVENT_BY_TYPE[event.type];
  const record = event as unknown as Record<string, unknown>;
  const tuple: unknown[] = [def.code, Math.max(0, Math.round(event.t - t0))];
  let last = 1;
  for (let i = 0; i < def.keys.length; i++) {
    const key = def.keys[i] as string;
    let value = record[key];
    if (value === undefined || value === null) {
      tuple.push(null);
      continue;
    }
    if (def.meshKeys.includes(key)) value = ids.intern(value as string);
    tuple.push(value);
    last = tuple.length - 1;
  }
  tuple.length = last + 1;
  return tuple;
}

/** The envelope fields a batch needs besides its events. */
export interface BatchHeader {
  sid: string;
  seq: number;
  scene: string;
  sentAt: number;
  key?: string;
  anon?: string;
  user?: string;
}

/** Build a wire batch from decoded-form events (the first event's time is `t0`). */
export function encodeBatch(header: BatchHeader, events: readonly VantageEvent[]): WireBatch {
  const t0 = events.length > 0 ? Math.min(...events.map((e) => e.t)) : header.sentAt;
  const ids = new IdTable();
  const tuples = events.map((e) => encodeEvent(e, t0, ids));
  const batch: WireBatch = { v: SCHEMA_VERSION, sid: header.sid, seq: header.seq, scene: header.scene, sentAt: header.sentAt, t0, events: tuples };
  if (ids.ids.length > 0) batch.ids = ids.ids;
  if (header.key !== undefined) batch.key = header.key;
  if (header.anon !== undefined) batch.anon = header.anon;
  if (header.user !== undefined) batch.user = header.user;
  return batch;
}

/**
 * Queued events are kept as tuples `[code, t, ...fields]` — the wire's shape, with the absolute
 * time `t` (epoch ms) where the wire has `dtMs`, and mesh ids as strings where the wire has an
 * index into `ids`. One array per event and nothing else; `takeBatch` turns them into wire
 * tuples. Field order and trailing-field rules are those of the schema's `encodeEvent`.
 */
import type { EventSpec } from './events.js';

/** A queued event: `[code, t (epoch ms), ...fields]`; absent optional fields are `null`, trailing ones left off. */
export type QueuedTuple = unknown[];

/** The queued tuple of an event of type `spec` at time `t`, copying the fields out of `fields`. */
export function toQueuedTuple(spec: EventSpec, fields: Readonly<Record<string, unknown>>, t: number): QueuedTuple {
  const tuple: QueuedTuple = [spec.code, t];
  let last = 1;
  for (const rule of spec.fields) {
    const value = fields[rule[0]];
    if (value === undefined || value === null) tuple.push(null);
    else last = tuple.push(value) - 1;
  }
  tuple.length = last + 1;
  return tuple;
}

/**
 * Queued events are kept as tuples `[code, t, ...fields]` — the wire's shape, with the absolute
 * time `t` (epoch ms) where the wire has `dtMs`, and mesh ids as strings where the wire has an
 * index into `ids`. One array per event and nothing else; `buildBatch` turns them into wire
 * tuples. Field order and trailing-field rules are those of the schema's `encodeEvent`.
 */
import type { AnyEventDef } from '../schema/registry.js';

/** A queued event: `[code, t (epoch ms), ...fields]`; absent optional fields are `null`, trailing ones left off. */
export type QueuedTuple = unknown[];

/** The queued tuple of an event of type `def` at time `t`, copying the fields out of `fields`. */
export function toQueuedTuple(def: AnyEventDef, fields: Readonly<Record<string, unknown>>, t: number): QueuedTuple {
  const keys = def.keys;
  let last = keys.length - 1;
  while (last >= 0 && (fields[keys[last] as string] === undefined || fields[keys[last] as string] === null)) last--;
  const tuple: QueuedTuple = new Array<unknown>(last + 3);
  tuple[0] = def.code;
  tuple[1] = t;
  for (let i = 0; i <= last; i++) {
    const value = fields[keys[i] as string];
    tuple[i + 2] = value === undefined ? null : value;
  }
  return tuple;
}

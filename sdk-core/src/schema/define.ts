/**
 * `defineEvent` — the one way an event type is declared. The registry derives the union type,
 * the validators, the wire codec and the capture channels from these definitions.
 */
import type { Static, TObject, TProperties } from '@sinclair/typebox';
import { T } from './builders.js';
import { MESH_REF } from './units.js';

/** A declared event type: its name, its one-byte wire code, whether it is opt-in, its fields. */
export interface EventDef<T extends string = string, F extends TProperties = TProperties> {
  /** snake_case event type; also the name of its capture channel. */
  readonly type: T;
  /** The event's code on the wire, 1..127 (one msgpack byte). Never reused. */
  readonly code: number;
  /** Opt-in channels are off until an operator switches them on for a scene. */
  readonly optIn: boolean;
  /** What the event means, for docs. */
  readonly description: string;
  /** The fields, in wire order. Optional fields come last. */
  readonly schema: TObject<F>;
  /** Field names in wire order (tuple positions 2..). */
  readonly keys: readonly string[];
  /** Fields that hold a mesh reference. */
  readonly meshKeys: readonly string[];
  /** How many leading fields are required. */
  readonly required: number;
}

/** The fields of an event as they travel (mesh references are `ids` indices). */
export type WireFields<D extends EventDef> = Static<D['schema']>;

/** The fields of an event after decoding: mesh references resolved to their id strings. */
export type ResolvedFields<D extends EventDef> = {
  [K in keyof WireFields<D>]: K extends 'mesh' ? string : WireFields<D>[K];
};

/** Declare an event type. Throws at module load if optional fields precede required ones. */
export function defineEvent<const T extends string, F extends TProperties>(def: {
  type: T;
  code: number;
  optIn?: boolean;
  description: string;
  fields: F;
}): EventDef<T, F> {
  const schema = T.Object(def.fields, { additionalProperties: false });
  const keys = Object.keys(def.fields);
  const required = new Set(schema.required ?? []);
  let requiredCount = 0;
  for (const key of keys) {
    if (!required.has(key)) break;
    requiredCount++;
  }
  if (keys.slice(requiredCount).some((k) => required.has(k))) {
    throw new Error(`Vantage: event ${def.type} declares a required field after an optional one`);
  }
  if (!Number.isInteger(def.code) || def.code < 1 || def.code > 127) {
    throw new Error(`Vantage: event ${def.type} needs a wire code in 1..127`);
  }
  const meshKeys = keys.filter((k) => (def.fields[k] as Record<string, unknown>)[MESH_REF] === true);
  return {
    type: def.type,
    code: def.code,
    optIn: def.optIn ?? false,
    description: def.description,
    schema,
    keys,
    meshKeys,
    required: requiredCount,
  };
}

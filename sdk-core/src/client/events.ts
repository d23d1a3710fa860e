/**
 * The event types as the browser client knows them: a compact table generated from the schema's
 * registry (`event-table.ts`), without TypeBox and without the schema's definitions, so a page
 * that loads the client pays for neither. The table gives each type's wire code, channel, field
 * order, required count, mesh fields and per-field rules; `validate.ts` turns the rules into
 * checks that refuse exactly what the collector's validators refuse (a test holds them to it).
 */
import type { CaptureFlags, EventType } from '../schema/registry.js';
import { EVENT_TABLE } from './event-table.js';

/**
 * The rule of one field, named first, in wire order. Strings are UTF-16 code units, as the
 * collector counts them.
 */
export type FieldRule =
  /** An integer in [min, max]. */
  | readonly [name: string, kind: 'int', min: number, max: number]
  /** A string of minLength..maxLength characters matching `pattern`; without one, any string without NUL. */
  | readonly [name: string, kind: 'text', minLength: number, maxLength: number, pattern?: string]
  /** A boolean. */
  | readonly [name: string, kind: 'flag']
  /** One of the listed strings. */
  | readonly [name: string, kind: 'enum', values: readonly string[]]
  /** A mesh id string (an index into the batch's `ids` on the wire): 1–128 characters without NUL. */
  | readonly [name: string, kind: 'mesh']
  /** JSON properties: an object (not an array) whose every key matches `keyPattern`; values are free. */
  | readonly [name: string, kind: 'record', keyPattern: string];

/** One event type: what the client needs to check, queue and encode its events. */
export interface EventSpec {
  /** snake_case event type; also its capture channel. */
  readonly type: EventType;
  /** The one-byte wire code. */
  readonly code: number;
  /** Opt-in channels are off until the scene's config turns them on. */
  readonly optIn: boolean;
  /** How many leading fields are required; the rest are optional. */
  readonly required: number;
  /** The fields in wire order (tuple positions 2..). */
  readonly fields: readonly FieldRule[];
}

/** Every event type, in wire-code order. */
export { EVENT_TABLE };

const byType = new Map<string, EventSpec>(EVENT_TABLE.map((spec) => [spec.type, spec]));

/** The spec of an event type, `undefined` for anything else (`'toString'` included). */
export function specOf(type: unknown): EventSpec | undefined {
  return byType.get(type as string);
}

/** Specs by wire code (index = code); holes are unknown codes. */
export const SPEC_BY_CODE: ReadonlyArray<EventSpec | undefined> = EVENT_TABLE.reduce<EventSpec[]>((table, spec) => {
  table[spec.code] = spec;
  return table;
}, []);

/** The capture flags of a config `capture` object: opt-in channels on only when it says `true`. */
export function captureFlags(on: Readonly<Record<string, unknown>>): CaptureFlags {
  const flags = {} as Record<EventType, boolean>;
  for (const spec of EVENT_TABLE) flags[spec.type] = !spec.optIn || on[spec.type] === true;
  return flags;
}

/** The strict default: every always-on channel on, every opt-in channel off. */
export const DEFAULT_CAPTURE: CaptureFlags = captureFlags({});

/**
 * Checking events on the client before they are queued, so the SDK never knowingly sends an
 * event the collector would drop. The checks are built once per event type from the rules of
 * the generated event table (`events.ts`) — the same limits the collector validates with — as
 * small closures: no code generation (pages with a strict Content-Security-Policy forbid
 * `eval`), no allocation on a valid event.
 *
 * Events are checked in their decoded form: mesh fields hold the mesh id string, which the batch
 * turns into an index into its `ids` table.
 */
import { MAX_MESH_ID_LENGTH } from '../schema/scalars.js';
import type { EventSpec, FieldRule } from './events.js';

type Check = (value: unknown) => boolean;

/** A string of min..max characters matching `pattern`, or without NUL when there is none. */
function isText(min: number, max: number, pattern?: string): Check {
  const regex = pattern === undefined ? undefined : new RegExp(pattern);
  return (v) => typeof v === 'string' && v.length >= min && v.length <= max && (regex ? regex.test(v) : v.indexOf('\u0000') < 0);
}

/** A mesh id as the batch's `ids` table takes it: 1–128 characters, no NUL. */
const isMeshId = isText(1, MAX_MESH_ID_LENGTH);

/** The check of one field rule. */
function checkOf(rule: FieldRule): Check {
  switch (rule[1]) {
    case 'int': {
      const [, , min, max] = rule;
      return (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
    }
    case 'text':
      return isText(rule[2], rule[3], rule[4]);
    case 'flag':
      return (v) => typeof v === 'boolean';
    case 'enum': {
      const values: readonly unknown[] = rule[2];
      return (v) => values.indexOf(v) >= 0;
    }
    case 'mesh':
      return isMeshId;
    case 'record': {
      const key = new RegExp(rule[2]);
      // As the collector's check: an object, but not an array, a Date or bytes.
      return (v) =>
        typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array) && Object.keys(v).every((k) => key.test(k));
    }
  }
}

/**
 * Checks the fields of one event type: `null` when valid, else a message naming the field.
 * Fields are read by the spec's names; other properties are ignored (they are never sent).
 */
export type FieldsCheck = (fields: Readonly<Record<string, unknown>>) => string | null;

/** Build the check of one event type. */
export function compileFieldsCheck(spec: EventSpec): FieldsCheck {
  const checks = spec.fields.map(checkOf);
  return (fields) => {
    for (let i = 0; i < checks.length; i++) {
      const name = (spec.fields[i] as FieldRule)[0];
      const value = fields[name];
      const absent = value === undefined || value === null;
      if (absent ? i < spec.required : !(checks[i] as Check)(value)) {
        return `${spec.type}.${name} is ${absent ? 'required' : `invalid: ${describe(value)}`}`;
      }
    }
    return null;
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Checking events on the client before they are queued, so the SDK never knowingly sends an
 * event the collector would drop. The checks are derived once from the registry's schemas (the
 * same definitions the collector validates with) as small closures: no code generation (pages
 * with a strict Content-Security-Policy forbid `eval`), no allocation on a valid event.
 *
 * Events are checked in their decoded form: mesh fields hold the mesh id string, which the batch
 * turns into an index into its `ids` table.
 */
import { Kind } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import type { AnyEventDef } from '../schema/registry.js';
import { MAX_MESH_ID_LENGTH } from '../schema/units.js';

type Check = (value: unknown) => boolean;

/** The NUL-free pattern of `text()` fields, checked without a regular expression. */
const NUL_FREE = '^[^\\u0000]*$';

/** Schema kinds of the registry this module could not turn into a check (a test keeps it empty). */
export const unsupportedSchemas: string[] = [];

function isNumberIn(s: Record<string, unknown>, integer: boolean): Check {
  const min = typeof s.minimum === 'number' ? s.minimum : -Infinity;
  const max = typeof s.maximum === 'number' ? s.maximum : Infinity;
  const xmin = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : -Infinity;
  const xmax = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : Infinity;
  return (v) =>
    typeof v === 'number' && (integer ? Number.isInteger(v) : Number.isFinite(v)) && v >= min && v <= max && v > xmin && v < xmax;
}

function isStringIn(minLength: number, maxLength: number, pattern: string | undefined): Check {
  const regex = pattern === undefined || pattern === NUL_FREE ? undefined : new RegExp(pattern);
  const nulFree = pattern === NUL_FREE;
  return (v) =>
    typeof v === 'string' &&
    v.length >= minLength &&
    v.length <= maxLength &&
    (!nulFree || v.indexOf('\u0000') === -1) &&
    (regex === undefined || regex.test(v));
}

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A check for one field schema; `where` names it in {@link unsupportedSchemas}. */
function checkFor(schema: TSchema, where: string): Check {
  const s = schema as TSchema & Record<string, unknown>;
  switch (s[Kind]) {
    case 'Integer':
      return isNumberIn(s, true);
    case 'Number':
      return isNumberIn(s, false);
    case 'String':
      if (s.format !== undefined) break;
      return isStringIn(
        typeof s.minLength === 'number' ? s.minLength : 0,
        typeof s.maxLength === 'number' ? s.maxLength : Infinity,
        typeof s.pattern === 'string' ? s.pattern : undefined,
      );
    case 'Boolean':
      return (v) => typeof v === 'boolean';
    case 'Union': {
      const options = (s.anyOf as Array<Record<PropertyKey, unknown>> | undefined) ?? [];
      if (!options.every((o) => o[Kind] === 'Literal')) break;
      const allowed = options.map((o) => o.const);
      return (v) => allowed.indexOf(v) !== -1;
    }
    case 'Record': {
      // Values of a record of unknowns are not checked here; the props are JSON-normalised.
      const values = Object.values((s.patternProperties as Record<string, Record<PropertyKey, unknown>> | undefined) ?? {});
      if (!values.every((v) => v[Kind] === 'Unknown')) break;
      return isPlainObject;
    }
    case 'Unknown':
      return () => true;
  }
  unsupportedSchemas.push(`${where}: ${String(s[Kind])}`);
  return () => true;
}

/** A mesh id as the batch's `ids` table takes it: 1–128 characters, no NUL. */
const isMeshId = isStringIn(1, MAX_MESH_ID_LENGTH, NUL_FREE);

/**
 * Checks the fields of one event type: `null` when valid, else a message naming the field.
 * Fields are read by the definition's keys; other properties are ignored (they are never sent).
 */
export type FieldsCheck = (fields: Readonly<Record<string, unknown>>) => string | null;

/** Build the check of one event type. */
export function compileFieldsCheck(def: AnyEventDef): FieldsCheck {
  const properties = def.schema.properties as Record<string, TSchema>;
  const keys = def.keys;
  const checks: Check[] = keys.map((key) =>
    def.meshKeys.includes(key) ? isMeshId : checkFor(properties[key] as TSchema, `${def.type}.${key}`),
  );
  const required = def.required;
  return (fields) => {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const value = fields[key];
      if (value === undefined || value === null) {
        if (i < required) return `${def.type}.${key} is required`;
        continue;
      }
      if (!(checks[i] as Check)(value)) return `${def.type}.${key} is invalid: ${describe(value)}`;
    }
    return null;
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

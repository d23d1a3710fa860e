/**
 * Derives the browser client's event table from the schema's registry and renders it as the
 * source of `event-table.ts`. Used by the generator (`npm run generate -w @vantage/sdk-core`)
 * and by the test that fails when the checked-in table and the registry disagree — never by the
 * client itself, which must not load TypeBox.
 *
 * Every kind of field schema the registry uses must map to a {@link FieldRule} that checks
 * exactly what the collector's validators check; anything else (a float field, a string
 * format, an exclusive bound…) makes the derivation throw, so a new kind of field cannot slip
 * through unchecked: teach `FieldRule` and `validate.ts` about it first.
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import { BatchEnvelope } from '../schema/envelope.js';
import { EVENT_DEFS, type AnyEventDef } from '../schema/registry.js';
import { MESH_REF } from '../schema/units.js';
import { MAX_MESH_ID_LENGTH } from '../schema/scalars.js';
import type { EventSpec, FieldRule } from './events.js';

/** The pattern of `text()` fields: no NUL. A rule without a pattern means this. */
const NUL_FREE = '^[^\\u0000]*$';

/** Keywords that do not change what a value may be. */
const ANNOTATIONS = new Set(['description', 'title', '$id', 'default', 'examples']);

type Schema = TSchema & Record<string | symbol, unknown>;

/** Refuse a schema that carries a keyword the rule would not check. */
function only(schema: Schema, where: string, allowed: readonly string[]): void {
  for (const key of Object.keys(schema)) {
    if (!ANNOTATIONS.has(key) && !allowed.includes(key)) throw new Error(`${where}: the client table cannot express "${key}"`);
  }
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The rule of one field of an event definition. */
export function fieldRule(name: string, fieldSchema: TSchema, where: string): FieldRule {
  const schema = fieldSchema as Schema;
  if (schema[MESH_REF] === true) {
    // On the wire an index into ids (0..MAX_MESH_IDS-1); in the client the id string, which the
    // envelope's `ids` item schema checks: 1–128 characters without NUL.
    only(schema, where, ['type', 'minimum', 'maximum', MESH_REF]);
    return [name, 'mesh'];
  }
  switch (schema[Kind]) {
    case 'Integer':
      only(schema, where, ['type', 'minimum', 'maximum']);
      if (!isNumber(schema.minimum) || !isNumber(schema.maximum)) throw new Error(`${where}: an integer needs a minimum and a maximum`);
      return [name, 'int', schema.minimum, schema.maximum];
    case 'String': {
      only(schema, where, ['type', 'minLength', 'maxLength', 'pattern']);
      const min = isNumber(schema.minLength) ? schema.minLength : 0;
      if (!isNumber(schema.maxLength)) throw new Error(`${where}: a string needs a maxLength`);
      if (typeof schema.pattern !== 'string') throw new Error(`${where}: a string needs a pattern (text() refuses NUL)`);
      return schema.pattern === NUL_FREE ? [name, 'text', min, schema.maxLength] : [name, 'text', min, schema.maxLength, schema.pattern];
    }
    case 'Boolean':
      only(schema, where, ['type']);
      return [name, 'flag'];
    case 'Union': {
      only(schema, where, ['anyOf']);
      const options = (schema.anyOf as Schema[] | undefined) ?? [];
      const values = options.map((o) => o.const);
      if (options.length === 0 || !options.every((o) => o[Kind] === 'Literal') || !values.every((v): v is string => typeof v === 'string')) {
        throw new Error(`${where}: a union must list string literals`);
      }
      return [name, 'enum', values];
    }
    case 'Record': {
      only(schema, where, ['type', 'patternProperties', 'additionalProperties']);
      const entries = Object.entries((schema.patternProperties as Record<string, Schema> | undefined) ?? {});
      const [pattern, values] = entries[0] ?? [];
      if (entries.length !== 1 || pattern === undefined || values?.[Kind] !== 'Unknown' || schema.additionalProperties !== false) {
        throw new Error(`${where}: a record must have one key pattern, unknown values and no other keys`);
      }
      return [name, 'record', pattern];
    }
    default:
      throw new Error(`${where}: the client table cannot express a ${String(schema[Kind])} field`);
  }
}

/** The spec of one event definition. */
export function eventSpec(def: AnyEventDef): EventSpec {
  const properties = def.schema.properties as Record<string, TSchema>;
  const fields = def.keys.map((key) => {
    const schema = properties[key] as TSchema;
    const rule = fieldRule(key, schema, `${def.type}.${key}`);
    if (rule[1] === 'mesh' && !def.meshKeys.includes(key)) throw new Error(`${def.type}.${key}: a mesh field the definition does not list`);
    return rule;
  });
  return { type: def.type, code: def.code, optIn: def.optIn, required: def.required, fields };
}

/** The whole table, in the registry's (wire-code) order. */
export function eventTableFromRegistry(): EventSpec[] {
  // The client checks mesh ids with the rule of the envelope's `ids` items; make sure it still is that.
  const ids = (BatchEnvelope.properties.ids as unknown as { items: Schema }).items;
  const rule = fieldRule('ids', ids, 'envelope.ids[]');
  if (rule[1] !== 'text' || rule[2] !== 1 || rule[3] !== MAX_MESH_ID_LENGTH || rule[4] !== undefined) {
    throw new Error(`envelope.ids[]: mesh ids are no longer 1–${MAX_MESH_ID_LENGTH} characters without NUL; update the client's mesh rule`);
  }
  return EVENT_DEFS.map(eventSpec);
}

function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  return String(value);
}

/** The source text of `event-table.ts`. */
export function renderEventTable(table: readonly EventSpec[] = eventTableFromRegistry()): string {
  const rows = table.map((spec) =>
    [
      '  {',
      `    type: ${literal(spec.type)},`,
      `    code: ${spec.code},`,
      `    optIn: ${spec.optIn},`,
      `    required: ${spec.required},`,
      '    fields: [',
      ...spec.fields.map((rule) => `      ${literal(rule)},`),
      '    ],',
      '  },',
    ].join('\n'),
  );
  return [
    '// Generated from the schema registry by `npm run generate -w @vantage/sdk-core`',
    '// (src/client/event-table-source.ts). Do not edit: event-table.test.ts fails when it and',
    '// the registry disagree.',
    "import type { EventSpec } from './events.js';",
    '',
    '/**',
    ' * Every event type in wire-code order, with its fields\' rules — the registry without TypeBox.',
    ` * Mesh fields take ids of 1–${MAX_MESH_ID_LENGTH} characters; a text rule without a pattern refuses NUL.`,
    ' */',
    'export const EVENT_TABLE: readonly EventSpec[] = [',
    ...rows,
    '];',
    '',
  ].join('\n');
}

/**
 * The fast path of event decoding: one function per event type, generated once from its
 * definition, that checks the tuple in place and builds the decoded event in one object literal
 * (one fixed shape per type, no intermediate object). It answers only "valid → the event" or
 * "not valid → undefined"; the reason and message of a rejection come from the TypeBox path in
 * `decode.ts`, which runs only for rejected events. Both paths read the same schemas, and a test
 * checks that they agree on valid and broken tuples.
 *
 * Generated code contains nothing but numbers and names from the registry; patterns and
 * fallback checks are passed in as closure values, never interpolated.
 */
import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { EventDef } from './define.js';
import { MAX_EVENT_OFFSET_MS } from './units.js';

/** Decodes one tuple `[code, dtMs, ...fields]` of a known code; `undefined` when invalid. */
export type TupleDecoder = (raw: readonly unknown[], t0: number, ids: readonly string[] | undefined) => object | undefined;

/** Values the generated code refers to: regular expressions and compiled fallback checks. */
interface Closure {
  patterns: RegExp[];
  checks: Array<(value: unknown) => boolean>;
}

const NUL_FREE = '^[^\\u0000]*$';

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A JavaScript expression that is true when `v` satisfies `schema` (not counting optionality). */
function checkExpression(v: string, schema: TSchema, closure: Closure): string {
  const s = schema as TSchema & Record<string, unknown>;
  switch (s[Kind]) {
    case 'Integer':
    case 'Number': {
      const parts = [`typeof ${v} === 'number'`, s[Kind] === 'Integer' ? `Number.isInteger(${v})` : `Number.isFinite(${v})`];
      if (isFiniteNumber(s.minimum)) parts.push(`${v} >= ${s.minimum}`);
      if (isFiniteNumber(s.maximum)) parts.push(`${v} <= ${s.maximum}`);
      if (isFiniteNumber(s.exclusiveMinimum)) parts.push(`${v} > ${s.exclusiveMinimum}`);
      if (isFiniteNumber(s.exclusiveMaximum)) parts.push(`${v} < ${s.exclusiveMaximum}`);
      if (s.multipleOf !== undefined) return fallback(v, schema, closure);
      return parts.join(' && ');
    }
    case 'String': {
      if (s.format !== undefined) return fallback(v, schema, closure);
      const parts = [`typeof ${v} === 'string'`];
      if (isFiniteNumber(s.minLength) && s.minLength > 0) parts.push(`${v}.length >= ${s.minLength}`);
      if (isFiniteNumber(s.maxLength)) parts.push(`${v}.length <= ${s.maxLength}`);
      if (s.pattern === NUL_FREE) parts.push(`${v}.indexOf('\\u0000') === -1`);
      else if (typeof s.pattern === 'string') {
        closure.patterns.push(new RegExp(s.pattern));
        parts.push(`p[${closure.patterns.length - 1}].test(${v})`);
      }
      return parts.join(' && ');
    }
    case 'Boolean':
      return `typeof ${v} === 'boolean'`;
    case 'Union': {
      const options = (s.anyOf as Array<TSchema & { const?: unknown }>) ?? [];
      const literals = options.map((o) => o.const);
      if (options.every((o) => o[Kind] === 'Literal') && literals.every((l) => typeof l === 'string' || typeof l === 'number')) {
        return `(${literals.map((l) => `${v} === ${JSON.stringify(l)}`).join(' || ')})`;
      }
      return fallback(v, schema, closure);
    }
    default:
      return fallback(v, schema, closure);
  }
}

/** Anything else (records of JSON properties, say) goes through TypeBox's compiled check. */
function fallback(v: string, schema: TSchema, closure: Closure): string {
  const { [OptionalKind]: _optional, ...required } = schema as TSchema & { [OptionalKind]?: unknown };
  const check = TypeCompiler.Compile(required as TSchema);
  closure.checks.push((value) => check.Check(value));
  return `c[${closure.checks.length - 1}](${v})`;
}

/** Generate the decoder of one event type. */
export function compileTupleDecoder(def: EventDef): TupleDecoder {
  const closure: Closure = { patterns: [], checks: [] };
  const properties = def.schema.properties as Record<string, TSchema>;
  const lines: string[] = [
    `const n = r.length;`,
    `if (n < ${def.required + 2} || n > ${def.keys.length + 2}) return undefined;`,
    `const dt = r[1];`,
    `if (typeof dt !== 'number' || !Number.isInteger(dt) || dt < 0 || dt > ${MAX_EVENT_OFFSET_MS}) return undefined;`,
  ];
  const values: string[] = [];
  def.keys.forEach((key, i) => {
    const v = `f${i}`;
    const schema = properties[key] as TSchema;
    const optional = i >= def.required;
    lines.push(optional ? `let ${v} = n > ${i + 2} ? r[${i + 2}] : undefined; if (${v} === null) ${v} = undefined;` : `const ${v} = r[${i + 2}];`);
    const check = checkExpression(v, schema, closure);
    lines.push(optional ? `if (${v} !== undefined && !(${check})) return undefined;` : `if (!(${check})) return undefined;`);
    if (def.meshKeys.includes(key)) {
      const m = `m${i}`;
      lines.push(
        optional
          ? `const ${m} = ${v} === undefined ? undefined : ids === undefined ? undefined : ids[${v}]; if (${v} !== undefined && ${m} === undefined) return undefined;`
          : `const ${m} = ids === undefined ? undefined : ids[${v}]; if (${m} === undefined) return undefined;`,
      );
      values.push(`${JSON.stringify(key)}: ${m}`);
    } else {
      values.push(`${JSON.stringify(key)}: ${v}`);
    }
  });
  lines.push(`return { type: ${JSON.stringify(def.type)}, t: t0 + dt, ${values.join(', ')} };`);
  const factory = new Function('p', 'c', `return function decode_${def.type}(r, t0, ids) {\n${lines.join('\n')}\n};`) as (
    patterns: RegExp[],
    checks: Closure['checks'],
  ) => TupleDecoder;
  return factory(closure.patterns, closure.checks);
}

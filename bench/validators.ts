/**
 * The validators the benchmark compares, each used the way the collector uses its own: check a
 * batch's envelope once, then validate and decode every event tuple. Ours is the production
 * `createWireValidators()`: generated per-type tuple decoders, with TypeBox explaining
 * rejections. Its TypeBox-only path (`fastPath: false`) validates an object built from each
 * tuple; ajv and zod do the same with the JSON Schemas the registry declares (ajv directly, zod
 * through `z.fromJSONSchema`), behind {@link decodeWith}, which repeats the object path's steps
 * so only the schema check differs. TypeBox behind {@link decodeWith} is the control that shows it.
 */
import { Ajv } from 'ajv';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  BatchEnvelope,
  EVENT_BY_CODE,
  EVENT_DEFS,
  MAX_EVENT_OFFSET_MS,
  createWireValidators,
  type DecodeResult,
  type VantageEvent,
  type WireBatch,
} from '@vantage/sdk-core/schema';
import * as z from 'zod';

/** A validator as the collector drives it. */
export interface BatchValidator {
  /** Short label for tables. */
  readonly name: string;
  /** Whether `value` is a valid batch envelope (events are checked one by one). */
  envelopeOk(value: unknown): boolean;
  /** Validate and decode one event tuple of a batch whose envelope is valid. */
  decodeEvent(raw: unknown, batch: WireBatch): DecodeResult;
}

/** A compiled schema check: true when `value` is valid. */
type Check = (value: unknown) => boolean;

/** A JSON Schema as plain data (TypeBox's symbol keys removed), as any JSON Schema tool reads it. */
type JsonSchema = Record<string, unknown>;

/** The JSON Schema of a TypeBox schema: its JSON form, which keeps every keyword and drops TypeBox's symbols. */
function jsonSchemaOf(schema: object): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

/** The production validators of `@vantage/sdk-core/schema`: the tuple decoders, or with `fastPath: false` TypeBox only. */
export function createOurValidators(options: { fastPath: boolean } = { fastPath: true }): BatchValidator {
  const wire = createWireValidators(options);
  return {
    name: options.fastPath ? 'ours (tuple decoders)' : 'ours, TypeBox only (fastPath: false)',
    envelopeOk: (value) => wire.checkEnvelope(value) === null,
    decodeEvent: (raw, batch) => wire.decodeEvent(raw, batch),
  };
}

/**
 * The steps of the production decoder's object path around a schema check: tuple shape, known
 * code, field count, time offset, tuple → fields object, the check, mesh reference → id.
 * Failure details are fixed strings: the benchmark times valid events, and agreement compares
 * reasons only.
 */
export function decodeWith(name: string, envelope: Check, byCode: ReadonlyArray<Check | undefined>): BatchValidator {
  return {
    name,
    envelopeOk: envelope,
    decodeEvent(raw, batch) {
      if (!Array.isArray(raw) || raw.length < 2) return { ok: false, reason: 'malformed', detail: 'not a tuple' };
      const code: unknown = raw[0];
      const def = typeof code === 'number' ? EVENT_BY_CODE[code] : undefined;
      const check = typeof code === 'number' ? byCode[code] : undefined;
      if (def === undefined || check === undefined) return { ok: false, reason: 'unknown_type', detail: 'unknown code' };
      const fieldCount = raw.length - 2;
      if (fieldCount < def.required || fieldCount > def.keys.length) return { ok: false, reason: 'malformed', detail: 'field count' };
      const dt: unknown = raw[1];
      if (typeof dt !== 'number' || !Number.isInteger(dt) || dt < 0 || dt > MAX_EVENT_OFFSET_MS) {
        return { ok: false, reason: 'invalid_time', detail: 'dtMs' };
      }
      const fields: Record<string, unknown> = {};
      for (let i = 0; i < fieldCount; i++) {
        const value: unknown = raw[i + 2];
        if (value !== null && value !== undefined) fields[def.keys[i] as string] = value;
      }
      if (!check(fields)) return { ok: false, reason: 'invalid_field', detail: def.type };
      if (def.meshKeys.length > 0 && fields.mesh !== undefined) {
        const id = batch.ids?.[fields.mesh as number];
        if (id === undefined) return { ok: false, reason: 'unknown_mesh_ref', detail: def.type };
        fields.mesh = id;
      }
      fields.type = def.type;
      fields.t = batch.t0 + dt;
      return { ok: true, event: fields as unknown as VantageEvent };
    },
  };
}

/** Compile a check for the envelope and for every event code with `compile`. */
function compileAll(compile: (schema: object) => Check): { envelope: Check; byCode: Array<Check | undefined> } {
  const byCode: Array<Check | undefined> = [];
  for (const def of EVENT_DEFS) byCode[def.code] = compile(def.schema);
  return { envelope: compile(BatchEnvelope), byCode };
}

/** TypeBox's TypeCompiler behind {@link decodeWith}: the control that the harness costs what the production object path costs. */
export function createTypeBoxHarness(): BatchValidator {
  const { envelope, byCode } = compileAll((schema) => {
    const check = TypeCompiler.Compile(schema as typeof BatchEnvelope);
    return (value) => check.Check(value);
  });
  return decodeWith('TypeBox (same steps as ajv/zod)', envelope, byCode);
}

/**
 * ajv 8 over the registry's JSON Schemas, in strict mode; the registry's own annotation
 * `vantage:meshRef` is declared so strict mode accepts it. ajv counts string lengths in code
 * points where TypeBox and zod count UTF-16 units: they differ only for astral characters right
 * at a length limit, which the samples do not contain.
 */
export function createAjvValidators(): BatchValidator {
  const ajv = new Ajv({ strict: true, allErrors: false });
  ajv.addKeyword({ keyword: 'vantage:meshRef', schemaType: 'boolean' });
  const { envelope, byCode } = compileAll((schema) => {
    const validate = ajv.compile(jsonSchemaOf(schema));
    return (value) => validate(value);
  });
  return decodeWith('ajv 8', envelope, byCode);
}

/** zod 4 schemas built from the registry's JSON Schemas with `z.fromJSONSchema`. */
export function createZodValidators(): BatchValidator {
  const { envelope, byCode } = compileAll((schema) => {
    const parser = z.fromJSONSchema(jsonSchemaOf(schema) as Parameters<typeof z.fromJSONSchema>[0]);
    return (value) => parser.safeParse(value).success;
  });
  return decodeWith('zod 4', envelope, byCode);
}

/** The events of the last batch {@link validateBatch} decoded. */
let retained: readonly VantageEvent[] = [];

/**
 * Validate a decoded batch as the collector does: the envelope, then every event, keeping the
 * decoded events in a list. The list outlives the call, so the engine has to build every event
 * object, as in the collector, instead of optimising away work whose result is never read.
 * Returns the number of valid events, or -1 for a bad envelope.
 */
export function validateBatch(validator: BatchValidator, value: unknown): number {
  if (!validator.envelopeOk(value)) return -1;
  const batch = value as WireBatch;
  const events: VantageEvent[] = [];
  for (let i = 0; i < batch.events.length; i++) {
    const result = validator.decodeEvent(batch.events[i], batch);
    if (result.ok) events.push(result.event);
  }
  retained = events;
  return retained.length;
}

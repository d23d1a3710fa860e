import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { T } from '../schema/builders.js';
import { EVENT_DEFS } from '../schema/registry.js';
import { int, meshRef, text } from '../schema/units.js';
import { EVENT_TABLE, SPEC_BY_CODE, specOf, DEFAULT_CAPTURE } from './events.js';
import { eventTableFromRegistry, fieldRule, renderEventTable } from './event-table-source.js';

describe("the client's event table", () => {
  it('is what the registry says: codes, channels, field order, required counts, mesh fields and limits', () => {
    expect(EVENT_TABLE).toEqual(eventTableFromRegistry());
  });

  it('is the generator’s output, byte for byte (regenerate with `npm run generate -w @vantage/sdk-core`)', () => {
    const checkedIn = readFileSync(new URL('./event-table.ts', import.meta.url), 'utf8');
    expect(checkedIn).toBe(renderEventTable());
  });

  it('agrees with the registry on every lookup the client makes', () => {
    for (const def of EVENT_DEFS) {
      const spec = specOf(def.type);
      expect(spec?.code).toBe(def.code);
      expect(SPEC_BY_CODE[def.code]).toBe(spec);
      expect(spec?.fields.map((f) => f[0])).toEqual(def.keys);
      expect(spec?.fields.filter((f) => f[1] === 'mesh').map((f) => f[0])).toEqual(def.meshKeys);
      expect(spec?.required).toBe(def.required);
      expect(DEFAULT_CAPTURE[def.type]).toBe(!def.optIn);
    }
    expect(specOf('toString')).toBeUndefined();
    expect(specOf(7)).toBeUndefined();
  });

  it('refuses to derive a rule it could not check exactly', () => {
    expect(fieldRule('a', int(0, 9, 'digit'), 'x.a')).toEqual(['a', 'int', 0, 9]);
    expect(fieldRule('m', meshRef(), 'x.m')).toEqual(['m', 'mesh']);
    expect(fieldRule('s', text(8, 'short'), 'x.s')).toEqual(['s', 'text', 0, 8]);
    expect(() => fieldRule('n', T.Integer({ minimum: 0, maximum: 9, multipleOf: 2 }), 'x.n')).toThrow(/multipleOf/);
    expect(() => fieldRule('n', T.Integer({ exclusiveMinimum: 0, maximum: 9 }), 'x.n')).toThrow(/exclusiveMinimum/);
    expect(() => fieldRule('f', T.String({ maxLength: 9, pattern: '^[^\\u0000]*$', format: 'email' }), 'x.f')).toThrow(/format/);
    expect(() => fieldRule('u', T.String({ maxLength: 9 }), 'x.u')).toThrow(/pattern/);
    expect(() => fieldRule('e', T.Union([T.Literal('a'), T.Literal(1)]), 'x.e')).toThrow(/string literals/);
    expect(() => fieldRule('r', T.Record(T.String(), T.Integer()), 'x.r')).toThrow(/record/);
    expect(() => fieldRule('a', T.Array(T.Integer()), 'x.a')).toThrow(/Array/);
  });
});

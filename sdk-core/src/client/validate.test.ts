import { describe, expect, it } from 'vitest';
import { EVENT_BY_TYPE, EVENT_DEFS, IdTable, createWireValidators, encodeEvent, type VantageEvent, type WireBatch } from '../schema/index.js';
import { EVENT_TABLE, specOf, type EventSpec, type FieldRule } from './events.js';
import { toQueuedTuple } from './tuple.js';
import { compileFieldsCheck } from './validate.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

/** One valid event of every type. */
const examples: VantageEvent[] = [
  { type: 'session_start', t: T0, url: 'https://shop.example/sofa?utm_source=x', viewportW: 1280, viewportH: 720, dpr100: 200, sdk: 'three/0.1.0', lang: 'en-GB' },
  { type: 'session_end', t: T0, reason: 'pagehide', durationMs: 9 },
  { type: 'camera', t: T0, px: 1200, py: 800, pz: -3000, qx: 0, qy: 3000, qz: 0, qw: 32630 },
  { type: 'pointer_move', t: T0, x: -512, y: 1200, mesh: 'sofa/cushion', hx: 10, hy: 450, hz: -20 },
  { type: 'click', t: T0, x: 0, y: 0, button: 0, mesh: 'sofa/leg', hx: 1, hy: 2, hz: 3 },
  { type: 'mesh_pick', t: T0, mesh: 'sofa/leg', source: 'pointer' },
  { type: 'perf', t: T0, windowMs: 1000, frames: 60, p50Us: 16600, p95Us: 18000, p99Us: 33000, longFrames: 0, drawCalls: 42, triangles: 120000 },
  { type: 'viewport', t: T0, w: 800, h: 600, dpr100: 100 },
  { type: 'asset_load', t: T0, url: 'https://cdn.example/sofa.glb', kind: 'model', durationMs: 340, ok: true, bytes: 1_200_000 },
  { type: 'custom', t: T0, name: 'variant_selected', props: { variant: 'velvet-green' } },
  { type: 'mesh_visibility', t: T0, mesh: 'sofa/cushion', visibleMs: 900, centreMs: 400, maxScreenPermille: 310 },
  { type: 'hover_dwell', t: T0, mesh: 'sofa/cushion', dwellMs: 1500 },
  { type: 'gaze', t: T0, hx: 0, hy: 400, hz: 0, mesh: 'sofa/cushion' },
  { type: 'resource_sample', t: T0, geometries: 12, textures: 8, programs: 4, heapKb: 52000 },
  { type: 'runtime_error', t: T0, message: 'TypeError: x is undefined', source: 'https://shop.example/app.js', line: 10, col: 4 },
];

/** Values that break fields in different ways. */
const breakers: unknown[] = [
  undefined, null, -1, 0, 1.5, 2 ** 31, 1e9, -1e9, NaN, Infinity, -Infinity, -0, '', 'x', 'x'.repeat(5000), 'a\u0000b', '\u0000',
  'bad name!', 'line\nbreak', '\ud800', 'é', true, false, [], ['a'], {}, { a: 1 }, new Date(0), new Uint8Array(2), 'pagehide', 'model', 'app', 'Model', 'app ',
];

/** Values on and just past the limits of one rule (the registry's own numbers, read from the table). */
function edgesOf(rule: FieldRule): unknown[] {
  switch (rule[1]) {
    case 'int': {
      const [, , min, max] = rule;
      return [min - 1, min, min + 0.5, max - 0.5, max, max + 1, String(min), `${max}`];
    }
    case 'text': {
      const [, , min, max, pattern] = rule;
      const lengths = [min - 1, min, max, max + 1].filter((n) => n >= 0);
      const fill = pattern === undefined ? 'y' : 'a';
      return [
        ...lengths.map((n) => fill.repeat(n)),
        `${fill.repeat(Math.max(0, max - 1))}\u0000`,
        `\u0000${fill.repeat(Math.max(0, min - 1))}`,
        `${fill}\u0001${fill}`,
        `${fill} ${fill}`,
        `${fill}\n`,
        '\ud83d\ude00'.repeat(Math.ceil(max / 2)),
        '\ud83d\ude00'.repeat(Math.floor(max / 2)),
      ];
    }
    case 'enum':
      return [...rule[2], ...rule[2].map((v) => v.toUpperCase()), ...rule[2].map((v) => `${v}\u0000`), rule[2].join('|')];
    case 'mesh':
      return ['', 'm', 'm'.repeat(128), 'm'.repeat(129), 'a\u0000b', ' ', 'sofa/leg', 0, 1];
    case 'record':
      return [
        {},
        { '': 1 },
        { k: 1 },
        { ['k'.repeat(64)]: 1 },
        { ['k'.repeat(65)]: 1 },
        { 'a\u0000': 1 },
        { '\n': 'x' },
        { ok: 1, ['k'.repeat(65)]: 2 },
        { nested: { '': 1 } },
        { list: [1, 2] },
        Object.create(null) as object,
      ];
    case 'flag':
      return [true, false, 0, 1, 'true'];
  }
}

const collector = createWireValidators();

function spec(type: string): EventSpec {
  const found = specOf(type);
  if (!found) throw new Error(`no spec for ${type}`);
  return found;
}

/** Whether the collector accepts `event` (encoded as the SDK would: `null` is an absent field). */
function collectorAccepts(event: VantageEvent): boolean {
  const ids = new IdTable();
  let tuple: unknown[];
  try {
    const present = Object.fromEntries(Object.entries(event).filter(([, v]) => v !== null)) as VantageEvent;
    tuple = encodeEvent(present, T0, ids);
  } catch {
    return false;
  }
  const batch: WireBatch = { v: 1, sid: 'sess_0123456789', seq: 0, scene: 's', sentAt: T0, t0: T0, ids: ids.ids, events: [tuple] };
  // Mesh ids travel in the envelope's `ids` table, which the collector checks first.
  return collector.checkEnvelope(batch) === null && collector.decodeEvent(tuple, batch).ok;
}

describe('client-side event checks', () => {
  it('accept one valid example of every type', () => {
    expect(examples.map((e) => e.type)).toEqual(EVENT_DEFS.map((d) => d.type));
    expect(EVENT_TABLE.map((s) => s.type)).toEqual(EVENT_DEFS.map((d) => d.type));
    for (const event of examples) {
      expect(compileFieldsCheck(spec(event.type))(event as unknown as Record<string, unknown>), event.type).toBeNull();
      expect(collectorAccepts(event), event.type).toBe(true);
    }
  });

  it('agree with the collector on thousands of broken events, and on every limit of every field', () => {
    let checked = 0;
    let refused = 0;
    for (const example of examples) {
      const def = EVENT_BY_TYPE[example.type];
      const check = compileFieldsCheck(spec(example.type));
      for (const [i, key] of def.keys.entries()) {
        for (const value of [...breakers, ...edgesOf(spec(example.type).fields[i] as FieldRule)]) {
          const event = { ...example, [key]: value } as VantageEvent;
          const fields = event as unknown as Record<string, unknown>;
          const mine = check(fields) === null;
          // A value the collector refuses must be refused here too, and the other way round.
          expect(mine, `${example.type}.${key} = ${JSON.stringify(value)}`).toBe(collectorAccepts(event));
          checked++;
          if (!mine) refused++;
        }
      }
    }
    expect(checked).toBeGreaterThan(3000);
    expect(refused).toBeGreaterThan(checked / 2);
  });

  it('name the field that is wrong', () => {
    const check = compileFieldsCheck(spec('camera'));
    expect(check({ px: 1, py: 2, pz: 3, qx: 0, qy: 0, qz: 0 })).toBe('camera.qw is required');
    expect(check({ px: 1.5, py: 2, pz: 3, qx: 0, qy: 0, qz: 0, qw: 1 })).toBe('camera.px is invalid: 1.5');
  });
});

describe('queued tuples', () => {
  it('have the wire field order and trailing-field rule of encodeEvent', () => {
    for (const event of examples) {
      const def = EVENT_BY_TYPE[event.type];
      const queued = toQueuedTuple(spec(event.type), event as unknown as Record<string, unknown>, event.t);
      const ids = new IdTable();
      const wire = encodeEvent(event, T0, ids);
      // encodeEvent interns mesh ids; the queued tuple keeps the string until a batch is cut.
      const resolved = wire.map((v, i) => (i >= 2 && def.meshKeys.includes(def.keys[i - 2] as string) ? ids.ids[v as number] : v));
      expect([queued[0], queued.slice(2)]).toEqual([wire[0], resolved.slice(2)]);
    }
    const sparse = toQueuedTuple(spec('click'), { x: 1, y: 2, button: 0, hx: 5 }, T0);
    expect(sparse).toEqual([5, T0, 1, 2, 0, null, 5]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  EVENT_DEFS,
  EVENT_BY_CODE,
  EVENT_BY_TYPE,
  DEFAULT_CAPTURE_FLAGS,
  OPT_IN_CHANNELS,
  createWireValidators,
  encodeBatch,
  type VantageEvent,
  type WireBatch,
} from './index.js';
import { compileTupleDecoder } from './tuple-decoder.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const header = { sid: 'sess_0123456789', seq: 0, scene: 'sofa-configurator', sentAt: T0 + 5000 };

/** One valid example of every event type, in decoded form. */
const examples: VantageEvent[] = [
  { type: 'session_start', t: T0, url: 'https://shop.example/sofa?utm_source=x', viewportW: 1280, viewportH: 720, dpr100: 200, sdk: 'three/0.1.0', lang: 'en-GB' },
  { type: 'session_end', t: T0 + 9, reason: 'pagehide', durationMs: 9 },
  { type: 'camera', t: T0 + 16, px: 1200, py: 800, pz: -3000, qx: 0, qy: 3000, qz: 0, qw: 32630 },
  { type: 'pointer_move', t: T0 + 20, x: -512, y: 1200, mesh: 'sofa/cushion', hx: 10, hy: 450, hz: -20 },
  { type: 'click', t: T0 + 30, x: 0, y: 0, button: 0, mesh: 'sofa/leg', hx: 1, hy: 2, hz: 3 },
  { type: 'mesh_pick', t: T0 + 31, mesh: 'sofa/leg', source: 'pointer' },
  { type: 'perf', t: T0 + 1000, windowMs: 1000, frames: 60, p50Us: 16600, p95Us: 18000, p99Us: 33000, longFrames: 0, drawCalls: 42, triangles: 120000 },
  { type: 'viewport', t: T0 + 1001, w: 800, h: 600, dpr100: 100 },
  { type: 'asset_load', t: T0 + 1002, url: 'https://cdn.example/sofa.glb', kind: 'model', durationMs: 340, ok: true, bytes: 1_200_000 },
  { type: 'custom', t: T0 + 1003, name: 'variant_selected', props: { variant: 'velvet-green' } },
  { type: 'mesh_visibility', t: T0 + 1004, mesh: 'sofa/cushion', visibleMs: 900, centreMs: 400, maxScreenPermille: 310 },
  { type: 'hover_dwell', t: T0 + 1005, mesh: 'sofa/cushion', dwellMs: 1500 },
  { type: 'gaze', t: T0 + 1006, hx: 0, hy: 400, hz: 0, mesh: 'sofa/cushion' },
  { type: 'resource_sample', t: T0 + 1007, geometries: 12, textures: 8, programs: 4, heapKb: 52000 },
  { type: 'runtime_error', t: T0 + 1008, message: 'TypeError: x is undefined', source: 'https://shop.example/app.js', line: 10, col: 4 },
];

describe('wire schema registry', () => {
  it('declares every capture channel of the product once, with unique codes', () => {
    const types = EVENT_DEFS.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    expect(examples.map((e) => e.type).sort()).toEqual([...types].sort());
    for (const def of EVENT_DEFS) expect(EVENT_BY_CODE[def.code]).toBe(def);
  });

  it('keeps the opt-in channels of PRODUCT.md off by default and the rest on', () => {
    expect([...OPT_IN_CHANNELS].sort()).toEqual(['gaze', 'hover_dwell', 'mesh_visibility', 'resource_sample', 'runtime_error']);
    expect(DEFAULT_CAPTURE_FLAGS.gaze).toBe(false);
    expect(DEFAULT_CAPTURE_FLAGS.camera).toBe(true);
    expect(DEFAULT_CAPTURE_FLAGS.click).toBe(true);
  });

  it('gives every field a description with a unit or meaning', () => {
    for (const def of EVENT_DEFS) {
      for (const key of def.keys) {
        const field = (def.schema.properties as Record<string, { description?: string }>)[key];
        expect(field?.description, `${def.type}.${key}`).toMatch(/\w/);
      }
    }
  });
});

describe('the generated fast path', () => {
  const fast = createWireValidators();
  const reference = createWireValidators({ fastPath: false });
  const decoders = new Map(EVENT_DEFS.map((def) => [def.code, compileTupleDecoder(def)]));
  const BAD_VALUES: unknown[] = [null, undefined, -1e12, 1e12, 0.5, -0.5, Number.NaN, Infinity, 2 ** 53, '', 'x', 'a\u0000b', 'y'.repeat(5000), true, false, {}, [], [1], { a: 1 }, -1, 0, 1, 127, 1024, 32768, 3_600_001];

  it('decodes every valid example itself, to the same event as TypeBox', () => {
    const batch = encodeBatch(header, examples);
    for (const raw of batch.events as unknown[][]) {
      const decoder = decoders.get(raw[0] as number);
      const event = decoder?.(raw, batch.t0, batch.ids);
      expect(event, JSON.stringify(raw)).toBeDefined();
      const slow = reference.decodeEvent(raw, batch);
      expect(slow.ok && slow.event).toEqual(event);
    }
  });

  it('agrees with TypeBox on every field of every type replaced by bad or edge values, and on wrong lengths', () => {
    const batch = encodeBatch(header, examples);
    let compared = 0;
    let rejected = 0;
    for (const raw of batch.events as unknown[][]) {
      const variants: unknown[][] = [raw.slice(0, -1), [...raw, 1], [...raw, null, null, null, null, null, null, null, null, null, null]];
      for (let position = 1; position < raw.length + 3; position++) {
        for (const bad of BAD_VALUES) {
          const variant = [...raw];
          variant[position] = bad;
          variants.push(variant);
        }
      }
      for (const variant of variants) {
        const a = fast.decodeEvent(variant, batch);
        const b = reference.decodeEvent(variant, batch);
        expect(a, JSON.stringify(variant).slice(0, 200)).toEqual(b);
        compared++;
        if (!b.ok) rejected++;
      }
    }
    expect(compared).toBeGreaterThan(3_000);
    expect(rejected).toBeGreaterThan(compared / 3);
  });

  it('limits custom property keys to 1–64 characters without NUL', () => {
    const at = (props: Record<string, unknown>) => {
      const batch = encodeBatch(header, [{ type: 'custom', t: T0, name: 'variant_selected', props }]);
      return fast.decodeEvent(batch.events[0], batch);
    };
    expect(at({ ['k'.repeat(64)]: 1 }).ok).toBe(true);
    expect(at({ ['k'.repeat(65)]: 1 })).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(at({ '': 1 })).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(at({ 'a\u0000b': 1 })).toMatchObject({ ok: false, reason: 'invalid_field' });
  });

  it('resolves mesh references and refuses ones outside the ids table', () => {
    const batch = encodeBatch(header, examples);
    const pick = (batch.events as unknown[][]).find((e) => e[0] === EVENT_BY_TYPE.mesh_pick.code) ?? [];
    expect(fast.decodeEvent(pick, batch)).toMatchObject({ ok: true, event: { mesh: 'sofa/leg' } });
    const outside = [...pick];
    outside[2] = 7;
    expect(fast.decodeEvent(outside, batch)).toMatchObject({ ok: false, reason: 'unknown_mesh_ref' });
    expect(fast.decodeEvent(pick, { ...batch, ids: undefined })).toMatchObject({ ok: false, reason: 'unknown_mesh_ref' });
  });
});

describe('encode and decode', () => {
  const validators = createWireValidators();

  it('round-trips every event type through the wire form', () => {
    const batch = encodeBatch(header, examples);
    expect(validators.checkEnvelope(batch)).toBeNull();
    const decoded = batch.events.map((raw) => validators.decodeEvent(raw, batch));
    for (const [i, result] of decoded.entries()) {
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (result.ok) expect(result.event).toEqual(examples[i]);
    }
  });

  it('carries the envelope once and mesh ids once per batch', () => {
    const batch = encodeBatch(header, examples);
    expect(batch.ids).toEqual(['sofa/cushion', 'sofa/leg']);
    const camera = batch.events[2] as unknown[];
    expect(camera).toEqual([3, 16, 1200, 800, -3000, 0, 3000, 0, 32630]);
    const move = batch.events[3] as unknown[];
    expect(move[4]).toBe(0); // mesh index, not the string
  });

  it('drops bad events one by one with a reason', () => {
    const batch: WireBatch = { ...encodeBatch(header, examples.slice(2, 4)) };
    const cases: Array<[unknown, string]> = [
      ['not a tuple', 'malformed'],
      [[99, 0], 'unknown_type'],
      [[3, 0, 1, 2], 'malformed'],
      [[3, -5, 1, 2, 3, 0, 0, 0, 32767], 'invalid_time'],
      [[3, 0, 1, 2, 3, 0, 0, 0, 99999], 'invalid_field'],
      [[3, 0, 1.5, 2, 3, 0, 0, 0, 32767], 'invalid_field'],
      [[4, 0, 0, 0, 7], 'unknown_mesh_ref'],
      [[10, 0, 'bad name with spaces'], 'invalid_field'],
      [[9, 0, 'https://cdn.example/a\u0000.glb', 'model', 10, true], 'invalid_field'],
    ];
    for (const [raw, reason] of cases) {
      const result = validators.decodeEvent(raw, batch);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason, JSON.stringify(raw)).toBe(reason);
        expect(result.detail.length).toBeGreaterThan(0);
      }
    }
  });

  it('rejects envelopes without a valid session, sequence or scene and ignores unknown keys', () => {
    const good = encodeBatch(header, examples.slice(0, 1));
    expect(validators.checkEnvelope({ ...good, projectId: 'someone-else' })).toBeNull();
    expect(validators.checkEnvelope({ ...good, sid: 'x' })).toMatch(/sid/);
    expect(validators.checkEnvelope({ ...good, seq: -1 })).toMatch(/seq/);
    expect(validators.checkEnvelope({ ...good, scene: 'has spaces' })).toMatch(/scene/);
    expect(validators.checkEnvelope({ ...good, v: 2 })).toMatch(/v/);
    expect(validators.checkEnvelope([1, 2])).not.toBeNull();
  });

  it('encodes a null mesh as absent, without putting it in the ids table', () => {
    const move = { type: 'pointer_move', t: T0, x: 1, y: 2, mesh: null } as unknown as VantageEvent;
    const batch = encodeBatch(header, [move]);
    expect(batch.ids ?? []).toEqual([]);
    expect(batch.events[0]).toEqual([4, 0, 1, 2]);
    expect(validators.decodeEvent(batch.events[0], batch)).toMatchObject({ ok: true, event: { type: 'pointer_move', x: 1, y: 2 } });
  });

  it('treats null in an optional middle field as absent', () => {
    const batch = encodeBatch(header, [{ type: 'pointer_move', t: T0, x: 1, y: 2, hx: 5, hy: 6, hz: 7 }]);
    expect(batch.events[0]).toEqual([4, 0, 1, 2, null, 5, 6, 7]);
    const result = validators.decodeEvent(batch.events[0], batch);
    expect(result.ok && result.event).toEqual({ type: 'pointer_move', t: T0, x: 1, y: 2, hx: 5, hy: 6, hz: 7 });
  });
});

import { describe, expect, it } from 'vitest';
import { Packr, Unpackr } from 'msgpackr';
import { encodeBatch, type VantageEvent } from '../schema/index.js';
import { encodeMsgpack, utf8Length } from './msgpack.js';
import { encodeBatchBytes } from './wire-bytes.js';

/** The collector's decoder configuration (collector/src/ingest/decode-body.ts). */
const collectorUnpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
/** The encoder the schema package used before the client had its own (sdk-core/src/wire.ts). */
const msgpackr = new Packr({ useRecords: false, variableMapSize: true });

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

function values(): unknown[] {
  const numbers = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, T0, 2 ** 53, -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -T0, 0.5, -1.25, 1e-7, Number.MAX_VALUE];
  const strings = ['', 'a', 'x'.repeat(31), 'x'.repeat(32), 'x'.repeat(255), 'x'.repeat(256), 'x'.repeat(65535), 'x'.repeat(65536), 'é', '日本語', '😀 emoji', 'tab\tnew\nline', 'nul\u0000inside'];
  const arrays = [[], [1, 2, 3], new Array(15).fill(7), new Array(16).fill(7), new Array(70000).fill(0), [[[['deep']]]]];
  const maps = [{}, { a: 1 }, Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i])), Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i])), Object.fromEntries(Array.from({ length: 70000 }, (_, i) => [`k${i}`, i]))];
  return [...numbers, ...strings, ...arrays, ...maps, null, true, false, { nested: { list: [1, 'two', null, { three: 3 }] } }];
}

describe('encodeMsgpack', () => {
  it('decodes to the same value with the collector’s msgpackr settings', () => {
    for (const value of values()) {
      expect(collectorUnpackr.unpack(encodeMsgpack(value))).toEqual(value);
    }
  });

  it('writes the bytes msgpackr writes for every value JSON can express', () => {
    for (const value of values()) {
      expect(Buffer.from(encodeMsgpack(value)).toString('hex')).toBe(Buffer.from(msgpackr.pack(value)).toString('hex'));
    }
  });

  it('follows JSON for what JSON leaves out or converts', () => {
    const decoded = collectorUnpackr.unpack(encodeMsgpack({ a: undefined, f: () => 1, b: [undefined, () => 1], d: new Date(0) }));
    expect(decoded).toEqual(JSON.parse(JSON.stringify({ a: undefined, f: () => 1, b: [undefined, () => 1], d: new Date(0) })));
    expect(() => encodeMsgpack({ n: 10n })).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encodeMsgpack(cycle)).toThrow(/nested too deeply/);
  });

  it('counts UTF-8 bytes as TextEncoder writes them, lone surrogates included', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', '\ud800', '\udc00x', 'a\ud83dz', '日本語😀é']) {
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).byteLength);
    }
    expect(collectorUnpackr.unpack(encodeMsgpack('a\ud800b'))).toBe('a\ufffdb');
  });

  it('returns a fresh array each time (the internal buffer is reused)', () => {
    const first = encodeMsgpack('first');
    encodeMsgpack('second, longer string');
    expect(collectorUnpackr.unpack(first)).toBe('first');
  });
});

describe('encodeBatchBytes', () => {
  it('equals msgpackr byte for byte on wire batches', () => {
    const events: VantageEvent[] = [];
    for (let i = 0; i < 200; i++) {
      events.push({ type: 'camera', t: T0 + i * 33, px: i * 1000 - 50_000, py: 1500, pz: -3000 - i, qx: -i, qy: 3000, qz: 0, qw: 32630, fov10: i % 2 ? 500 : undefined } as VantageEvent);
      events.push({ type: 'pointer_move', t: T0 + i * 33 + 5, x: -512 + i, y: 1200, mesh: `sofa/part-${i % 40}`, hx: 10, hy: -450_000, hz: -20 });
      if (i % 20 === 0) events.push({ type: 'custom', t: T0 + i * 33 + 7, name: 'variant_selected', props: { variant: 'velvet-green', price: 1299.5, tags: ['a', 'ü'] } });
    }
    const batch = encodeBatch({ sid: 'sess_0123456789abcdef', seq: 12, scene: 'sofa', sentAt: T0 + 10_000, user: 'u-1' }, events);
    const ours = encodeBatchBytes(batch);
    expect(Buffer.from(ours).equals(Buffer.from(msgpackr.pack(batch)))).toBe(true);
    expect(collectorUnpackr.unpack(ours)).toEqual(JSON.parse(JSON.stringify(batch)));
  });
});

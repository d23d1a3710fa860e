import { describe, expect, it } from 'vitest';
import { Unpackr } from 'msgpackr';
import { MAX_MESH_IDS, createWireValidators, type WireBatch } from '../schema/index.js';
import { BEACON_LIMIT_BYTES, takeBatch, type BatchLimits, type TakenBatch } from './batch.js';
import { specOf, type EventSpec } from './events.js';
import { encodeMsgpack } from './msgpack.js';
import { createBoundedQueue, type BoundedQueue } from './queue.js';
import type { Session } from './session.js';
import { toQueuedTuple, type QueuedTuple } from './tuple.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0) + 0.375;
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
const validators = createWireValidators();
const CUSTOM = specOf('custom') as EventSpec;
const MESH_PICK = specOf('mesh_pick') as EventSpec;

function session(id: string): Session {
  return { id, nextSeq: 0, startedAt: T0, lastActivityAt: T0, ended: false };
}

function queueOf(capacity = 10_000) {
  return createBoundedQueue<Session, QueuedTuple>(capacity);
}

function pushCustom(q: BoundedQueue<Session, QueuedTuple>, s: Session, i: number, t: number, props?: Record<string, unknown>): void {
  q.push(s, toQueuedTuple(CUSTOM, props ? { name: `e${i}`, props } : { name: `e${i}` }, t));
}

/** Take every batch off the queue. */
function drain(q: BoundedQueue<Session, QueuedTuple>, limits: BatchLimits, beacon = false): Array<TakenBatch<Uint8Array | string>> {
  const out: Array<TakenBatch<Uint8Array | string>> = [];
  const context = { scene: 'sofa', sentAt: T0 + 5000, key: beacon ? 'pk_test' : undefined };
  for (;;) {
    const taken = beacon ? takeBatch(q, context, limits, JSON.stringify) : takeBatch(q, context, limits, encodeMsgpack);
    if (taken === null) return out;
    if (taken.kind === 'too_large') throw new Error('unexpected too_large');
    out.push(taken);
  }
}

/** What the collector makes of a batch: every event must decode. */
function decodedNames(batch: WireBatch): string[] {
  expect(validators.checkEnvelope(batch)).toBeNull();
  return batch.events.map((raw) => {
    const result = validators.decodeEvent(raw, batch);
    if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
    return result.event.type === 'custom' ? result.event.name : result.event.type;
  });
}

describe('takeBatch', () => {
  it('splits large events into batches that each stay under the byte limit, losing and reordering nothing', () => {
    const q = queueOf();
    const s = session('sess_split_0001');
    const blob = 'x'.repeat(7000);
    for (let i = 0; i < 60; i++) pushCustom(q, s, i, T0 + i, { blob, i });
    const batches = drain(q, { maxEvents: 200, maxBytes: 32_768 });
    expect(batches.length).toBeGreaterThan(12);
    const names = batches.flatMap((b) => {
      expect(b.bytes).toBeLessThanOrEqual(32_768);
      expect(b.bytes).toBe((b.payload as Uint8Array).byteLength);
      return decodedNames(unpackr.unpack(b.payload as Uint8Array) as WireBatch);
    });
    expect(names).toEqual(Array.from({ length: 60 }, (_, i) => `e${i}`));
    expect(batches.map((b) => b.batch.seq)).toEqual(batches.map((_, i) => i));
    expect(s.nextSeq).toBe(batches.length);
  });

  it('keeps JSON beacons under the 64 KB beacon limit too', () => {
    const q = queueOf();
    const s = session('sess_beacon_001');
    for (let i = 0; i < 40; i++) pushCustom(q, s, i, T0 + i, { text: 'ü'.repeat(3000) });
    const batches = drain(q, { maxEvents: 1000, maxBytes: BEACON_LIMIT_BYTES }, true);
    const total = batches.reduce((n, b) => n + b.batch.events.length, 0);
    expect(total).toBe(40);
    for (const b of batches) {
      expect(new TextEncoder().encode(b.payload as string).byteLength).toBe(b.bytes);
      expect(b.bytes).toBeLessThanOrEqual(BEACON_LIMIT_BYTES);
      const parsed = JSON.parse(b.payload as string) as WireBatch;
      expect(parsed.key).toBe('pk_test');
      decodedNames(parsed);
    }
  });

  it('never mixes sessions, and numbers each session’s batches from 0', () => {
    const q = queueOf();
    const a = session('sess_aaaaaaaa');
    const b = session('sess_bbbbbbbb');
    for (let i = 0; i < 5; i++) pushCustom(q, a, i, T0 + i);
    for (let i = 5; i < 8; i++) pushCustom(q, b, i, T0 + i);
    const batches = drain(q, { maxEvents: 3, maxBytes: 32_768 });
    expect(batches.map((x) => [x.batch.sid, x.batch.seq, x.batch.events.length])).toEqual([
      ['sess_aaaaaaaa', 0, 3],
      ['sess_aaaaaaaa', 1, 2],
      ['sess_bbbbbbbb', 0, 3],
    ]);
  });

  it('cuts where events drift over an hour from t0, and rounds times to whole ms', () => {
    const q = queueOf();
    const s = session('sess_time_0001');
    pushCustom(q, s, 0, T0);
    pushCustom(q, s, 1, T0 + 3_600_000);
    pushCustom(q, s, 2, T0 + 3_600_001);
    const batches = drain(q, { maxEvents: 200, maxBytes: 32_768 });
    expect(batches.map((b) => b.batch.events.map((e) => (e as unknown[])[1]))).toEqual([[0, 3_600_000], [0]]);
    expect(batches[0]?.batch.t0).toBe(Math.round(T0));
    for (const b of batches) decodedNames(b.batch);
  });

  it('cuts where the mesh id table would pass its limit', () => {
    const q = queueOf();
    const s = session('sess_mesh_0001');
    for (let i = 0; i < MAX_MESH_IDS + 10; i++) {
      q.push(s, toQueuedTuple(MESH_PICK, { mesh: `mesh-${i}`, source: 'app' }, T0 + i));
    }
    const batches = drain(q, { maxEvents: 1000, maxBytes: BEACON_LIMIT_BYTES });
    for (const b of batches) {
      expect(b.batch.ids?.length).toBeLessThanOrEqual(MAX_MESH_IDS);
      decodedNames(b.batch);
    }
    expect(batches.reduce((n, b) => n + b.batch.events.length, 0)).toBe(MAX_MESH_IDS + 10);
  });

  it('reports a single event too large for any batch and leaves it to the caller', () => {
    const q = queueOf();
    const s = session('sess_huge_0001');
    pushCustom(q, s, 0, T0, { blob: 'x'.repeat(40_000) });
    pushCustom(q, s, 1, T0 + 1);
    const taken = takeBatch(q, { scene: 'sofa', sentAt: T0 }, { maxEvents: 200, maxBytes: 32_768 }, encodeMsgpack);
    expect(taken?.kind).toBe('too_large');
    expect(q.length).toBe(2);
    expect(s.nextSeq).toBe(0);
  });
});

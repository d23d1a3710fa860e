import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VantageEvent } from '@vantage/sdk-core/schema';
import { createReplayIndex, isActivity, type ReplayStream } from './index.js';

const T0 = 1_780_000_000_000;
const session = { id: 'hand-made-session', scene: 'sofa', startedAt: new Date(T0).toISOString() };
const perf = (t: number): VantageEvent => ({ type: 'perf', t, windowMs: 1000, frames: 60, p50Us: 16000, p95Us: 17000, p99Us: 20000, longFrames: 0, drawCalls: 8, triangles: 9000 });
const move = (t: number): VantageEvent => ({ type: 'pointer_move', t, x: 0, y: 0 });

describe('timeline markers', () => {
  it('labels clicks, picks, custom events and runtime errors, with the mesh and the hit point', () => {
    const events: VantageEvent[] = [
      { type: 'click', t: T0, x: 100, y: 200, button: 0, mesh: 'GlamVelvetSofa_fabric', hx: 120, hy: 450, hz: -30 },
      { type: 'click', t: T0 + 1, x: 100, y: 200, button: 2 },
      { type: 'mesh_pick', t: T0 + 2, mesh: 'GlamVelvetSofa_legs', source: 'app' },
      { type: 'custom', t: T0 + 3, name: 'variant_selected', props: { variant: 'Navy' } },
      { type: 'custom', t: T0 + 4, name: 'add_to_cart' },
      { type: 'runtime_error', t: T0 + 5, message: `TypeError: ${'x'.repeat(200)}` },
    ];
    const { markers } = createReplayIndex({ session, events });
    expect(markers.map((m) => [m.kind, m.label])).toEqual([
      ['click', 'Click on GlamVelvetSofa_fabric'],
      ['click', 'Right click on empty space'],
      ['pick', 'Pick GlamVelvetSofa_legs (by the app)'],
      ['custom', 'variant_selected (variant: Navy)'],
      ['custom', 'add_to_cart'],
      ['error', `Error: TypeError: ${'x'.repeat(80 - 19)}…`],
    ]);
    expect([markers[0]!.x, markers[0]!.y, markers[0]!.z]).toEqual([0.12, 0.45, -0.03]);
    expect(markers[0]!.mesh).toBe('GlamVelvetSofa_fabric');
    expect(Number.isNaN(markers[1]!.x)).toBe(true);
  });

  it('on a recorded session: one marker per click, pick, custom event and error, in time order', () => {
    const stream = JSON.parse(readFileSync(new URL('../fixtures/sofa-desktop.json', import.meta.url), 'utf8')) as ReplayStream;
    const index = createReplayIndex(stream);
    const count = (type: string) => stream.events.filter((e) => e.type === type).length;
    const kinds = (kind: string) => index.markers.filter((m) => m.kind === kind).length;
    expect(kinds('click')).toBe(count('click'));
    expect(kinds('pick')).toBe(count('mesh_pick'));
    expect(kinds('custom')).toBe(count('custom'));
    expect(kinds('error')).toBe(1);
    expect(index.markers.map((m) => m.t)).toEqual([...index.markers.map((m) => m.t)].sort((a, b) => a - b));
    expect(index.gaps.length).toBeGreaterThan(0);
  });
});

describe('inactivity gaps', () => {
  it('are silences over 10 s between activity events; periodic measurements do not break them', () => {
    const events: VantageEvent[] = [move(T0), move(T0 + 3000)];
    // 25 s of reading: perf every second, gaze rays, nothing the visitor did.
    for (let s = 1; s <= 25; s++) events.push(perf(T0 + 3000 + s * 1000), { type: 'gaze', t: T0 + 3000 + s * 1000 + 1, hx: 0, hy: 0, hz: 0 });
    events.push(move(T0 + 29_000), move(T0 + 35_000), move(T0 + 45_000), move(T0 + 55_001));
    const index = createReplayIndex({ session, events: events.sort((a, b) => a.t - b.t) });
    expect(index.gaps).toEqual([
      { start: T0 + 3000, end: T0 + 29_000 },
      { start: T0 + 45_000, end: T0 + 55_001 }, // 10,001 ms: over; 10,000 (35 → 45 s) is not
    ]);
    expect(isActivity(perf(T0))).toBe(false);
    expect(isActivity(move(T0))).toBe(true);
    expect(createReplayIndex({ session, events }, { gapMs: 30_000 }).gaps).toEqual([]);
  });
});

describe('the index', () => {
  it('has start and end at the first and last event, or at startedAt when empty', () => {
    const empty = createReplayIndex({ session, events: [] });
    expect([empty.start, empty.end]).toEqual([T0, T0]);
    const index = createReplayIndex({ session, events: [move(T0 + 50), move(T0 + 9000)] });
    expect([index.start, index.end]).toEqual([T0 + 50, T0 + 9000]);
  });

  it('sorts an unsorted stream, and keyframes keep their promise: before the cursor at or before the keyframe, after it at or after', () => {
    const events: VantageEvent[] = [];
    for (let i = 0; i < 2000; i++) events.push(move(T0 + ((i * 7919) % 60_000)));
    const index = createReplayIndex({ session, events }, { keyframeEvents: 100 });
    for (let i = 1; i < index.events.length; i++) expect(index.events[i - 1]!.t).toBeLessThanOrEqual(index.events[i]!.t);
    for (const k of index.keyframes) {
      const before = index.events[k.memory.cursor - 1];
      const after = index.events[k.memory.cursor];
      if (before) expect(before.t).toBeLessThanOrEqual(k.time);
      if (after) expect(after.t).toBeGreaterThanOrEqual(k.time);
    }
    // At most 100 events between keyframes, even with 33 events a second.
    const cursors = index.keyframes.map((k) => k.memory.cursor);
    for (let i = 1; i < cursors.length; i++) expect(cursors[i]! - cursors[i - 1]!).toBeLessThanOrEqual(100);
  });

  it('refuses nonsense options with a Vantage: error', () => {
    expect(() => createReplayIndex({ session, events: [] }, { keyframeIntervalMs: 0 })).toThrow(/^Vantage: createReplayIndex/);
  });
});

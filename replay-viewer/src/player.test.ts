import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulateSessionDetails } from '@vantage/fixtures';
import type { EventOf, VantageEvent } from '@vantage/sdk-core/schema';
import { createPlayer, createReplayIndex, describeState, type ReplayStream } from './index.js';
import { replayFromStart, streamFromBatches } from './testing.js';

/** A recorded fixture session (see scripts/record-fixtures.ts). */
function fixture(name: 'sofa-desktop' | 'sofa-mobile'): ReplayStream {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as ReplayStream;
}

/** Mulberry32: seeded, so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

type Quat = [number, number, number, number];

// The interpolation written out independently: the samples around t by a linear scan, positions
// lerped in millimetres, orientations slerped along the shorter arc.
function referencePose(samples: readonly EventOf<'camera'>[], t: number): { p: [number, number, number]; q: Quat } {
  let i = -1;
  for (let k = 0; k < samples.length; k++) if (samples[k]!.t <= t) i = k;
  const a = samples[Math.max(i, 0)]!;
  const b = samples[Math.min(i + 1, samples.length - 1)]!;
  const u = i < 0 || i === samples.length - 1 ? 0 : (t - a.t) / (b.t - a.t);
  const unit = (s: EventOf<'camera'>): Quat => {
    const q: Quat = [s.qx, s.qy, s.qz, s.qw];
    const len = Math.hypot(...q);
    return q.map((c) => c / len) as Quat;
  };
  const qa = unit(a);
  let qb = unit(b);
  let dot = qa[0] * qb[0] + qa[1] * qb[1] + qa[2] * qb[2] + qa[3] * qb[3];
  if (dot < 0) {
    qb = qb.map((c) => -c) as Quat;
    dot = -dot;
  }
  let q = qa;
  if (dot < 1 - 1e-12) {
    const theta = Math.acos(Math.min(1, dot));
    const wa = Math.sin((1 - u) * theta) / Math.sin(theta);
    const wb = Math.sin(u * theta) / Math.sin(theta);
    q = [0, 1, 2, 3].map((k) => wa * qa[k]! + wb * qb[k]!) as Quat;
  }
  const lerp = (x: number, y: number) => (x + (y - x) * u) / 1000;
  return { p: [lerp(a.px, b.px), lerp(a.py, b.py), lerp(a.pz, b.pz)], q };
}

function cameraSamples(stream: ReplayStream): EventOf<'camera'>[] {
  return stream.events.filter((e): e is EventOf<'camera'> => e.type === 'camera');
}

describe('the player on recorded sessions', () => {
  for (const name of ['sofa-desktop', 'sofa-mobile'] as const) {
    it(`${name}: the camera pose at t is the interpolation of the samples around t`, () => {
      const stream = fixture(name);
      const samples = cameraSamples(stream);
      expect(samples.length).toBeGreaterThan(100);
      const player = createPlayer(stream);
      const rnd = random(6);
      const { start, end } = player.index;
      const times = [
        start - 1000,
        end + 1000,
        ...samples.slice(0, 50).map((s) => s.t),
        ...samples.slice(0, 50).map((s, i) => (s.t + (samples[i + 1]?.t ?? s.t)) / 2),
        ...Array.from({ length: 300 }, () => start + rnd() * (end - start)),
      ];
      for (const t of times) {
        const state = player.moveTo(t);
        const ref = referencePose(samples, t);
        expect(state.hasCamera).toBe(true);
        expect(state.camera.position.x).toBeCloseTo(ref.p[0], 9);
        expect(state.camera.position.y).toBeCloseTo(ref.p[1], 9);
        expect(state.camera.position.z).toBeCloseTo(ref.p[2], 9);
        // q and -q are one rotation; compare up to sign.
        const q = state.camera.quaternion;
        const sign = Math.sign(q.x * ref.q[0] + q.y * ref.q[1] + q.z * ref.q[2] + q.w * ref.q[3]) || 1;
        expect(q.x * sign).toBeCloseTo(ref.q[0], 6);
        expect(q.y * sign).toBeCloseTo(ref.q[1], 6);
        expect(q.z * sign).toBeCloseTo(ref.q[2], 6);
        expect(q.w * sign).toBeCloseTo(ref.q[3], 6);
      }
      // The field of view comes from the samples (the simulator's camera: 45°).
      expect(player.moveTo(end).fovDeg).toBe(45);
    });

    it(`${name}: seeking forward and backward gives the same state as playing to t`, () => {
      const stream = fixture(name);
      const playing = createPlayer(stream);
      const { start, end } = playing.index;
      // Play at 1× in 60 fps frames, noting the state at some frames.
      const noted = new Map<number, Record<string, unknown>>();
      let frame = 0;
      for (let t = start; t <= end; t += 1000 / 60, frame++) {
        const state = playing.moveTo(t);
        if (frame % 97 === 0) noted.set(t, describeState(state));
      }
      expect(noted.size).toBeGreaterThan(40);
      // Seek to the same times in a shuffled order: forward and backward jumps of every size.
      const seeking = createPlayer(stream);
      const order = [...noted.keys()];
      const rnd = random(11);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let backward = 0;
      let previous = -Infinity;
      for (const t of order) {
        if (t < previous) backward++;
        previous = t;
        expect(describeState(seeking.moveTo(t)), `seek to ${t - start} ms`).toEqual(noted.get(t));
        expect(describeState(seeking.stateAt(t)), `stateAt ${t - start} ms`).toEqual(noted.get(t));
        expect(describeState(replayFromStart(seeking.index, t)), `replay from start to ${t - start} ms`).toEqual(noted.get(t));
      }
      expect(backward).toBeGreaterThan(10);
    });
  }

  it('shows what a visitor did: hovered and picked meshes, the pointer, gaze hits and markers', () => {
    const stream = fixture('sofa-desktop');
    const player = createPlayer(stream);
    const events = stream.events;
    // At every pick the picked mesh is first among the picked, and the click's marker is active.
    const picks = events.filter((e): e is EventOf<'mesh_pick'> => e.type === 'mesh_pick');
    expect(picks.length).toBeGreaterThan(5);
    for (const pick of picks) {
      const state = player.moveTo(pick.t);
      expect(state.picked[0]).toBe(pick.mesh);
      const active = Array.from(state.activeMarkers.subarray(0, state.activeMarkerCount)).map((i) => player.index.markers[i]!);
      expect(active.some((m) => m.t === pick.t && m.kind === 'pick' && m.mesh === pick.mesh)).toBe(true);
    }
    // Right after a pointer move over a mesh, that mesh is hovered and the pointer hit is the event's.
    const moves = events.filter((e): e is EventOf<'pointer_move'> => e.type === 'pointer_move' && e.mesh !== undefined);
    for (const move of moves.slice(0, 100)) {
      const next = events.find((e) => e.t > move.t);
      const t = next === undefined ? move.t : Math.min(move.t + 1, next.t - 0.001);
      const state = player.stateAt(t);
      expect(state.hovered).toBe(move.mesh);
      expect(state.pointerVisible).toBe(true);
      expect([state.memory.pointerHx, state.memory.pointerHy, state.memory.pointerHz]).toEqual([move.hx! / 1000, move.hy! / 1000, move.hz! / 1000]);
      expect(state.memory.pointerX).toBe(move.x / 10_000);
    }
    // Gaze hits (opt-in in this session) are shown at their times.
    const gaze = events.find((e): e is EventOf<'gaze'> => e.type === 'gaze')!;
    const atGaze = player.stateAt(gaze.t);
    expect(atGaze.gazeVisible).toBe(true);
    expect(atGaze.memory.gazeMesh).toBe(gaze.mesh ?? null);
  });
});

describe('the player on hand-made streams', () => {
  const T0 = 1_780_000_000_000;
  const session = { id: 'hand-made-session', scene: 'sofa', startedAt: new Date(T0).toISOString() };
  const cam = (t: number, x: number): VantageEvent => ({ type: 'camera', t, px: x, py: 1000, pz: 3000, qx: 0, qy: 0, qz: 0, qw: 32767 });

  it('hover ends with a hover_dwell, picks and the pointer fade after their hold times, a stale gaze is dropped', () => {
    const events: VantageEvent[] = [
      cam(T0, 0),
      { type: 'pointer_move', t: T0 + 100, x: 5000, y: -2500, mesh: 'cushion', hx: 10, hy: 400, hz: 20 },
      { type: 'hover_dwell', t: T0 + 900, mesh: 'cushion', dwellMs: 800 },
      { type: 'mesh_pick', t: T0 + 1000, mesh: 'leg', source: 'app' },
      { type: 'mesh_pick', t: T0 + 2000, mesh: 'cushion', source: 'pointer', hx: 1, hy: 2, hz: 3 },
      { type: 'mesh_pick', t: T0 + 3000, mesh: 'leg', source: 'pointer' },
      { type: 'gaze', t: T0 + 3500, hx: 0, hy: 500, hz: 0, mesh: 'cushion' },
      cam(T0 + 4000, 100),
      cam(T0 + 4600, 200),
    ];
    const player = createPlayer({ session, events }, { pickHoldMs: 4000, pointerHoldMs: 5000 });
    expect(player.moveTo(T0 + 500).hovered).toBe('cushion');
    expect(player.moveTo(T0 + 950).hovered).toBe(null);
    expect(player.state.pointerVisible).toBe(true);
    const at = player.moveTo(T0 + 3100);
    expect(at.picked.slice(0, at.pickedCount)).toEqual(['leg', 'cushion']); // distinct, newest first
    expect(at.gazeVisible).toBe(false);
    expect(player.moveTo(T0 + 4100).gazeVisible).toBe(true); // a sample 500 ms later: still on it
    expect(player.moveTo(T0 + 4700).gazeVisible).toBe(false); // 1.1 s later: the view moved on
    const later = player.moveTo(T0 + 6500);
    expect(later.picked.slice(0, later.pickedCount)).toEqual(['leg']); // the cushion's pick is 4.5 s old
    expect(later.pointerVisible).toBe(false);
    // The camera holds its last pose after the last sample.
    expect(later.camera.position.x).toBeCloseTo(0.2, 12);
  });

  it('keeps at most eight recent picks, and a stream without camera samples still plays', () => {
    const events: VantageEvent[] = Array.from({ length: 12 }, (_, i) => ({ type: 'mesh_pick', t: T0 + i, mesh: `m${i}`, source: 'app' }) as VantageEvent);
    const player = createPlayer({ session, events });
    const state = player.moveTo(T0 + 20);
    expect(state.hasCamera).toBe(false);
    expect(state.picked.slice(0, state.pickedCount)).toEqual(['m11', 'm10', 'm9', 'm8', 'm7', 'm6', 'm5', 'm4']);
  });

  it('the material variant is the last variant_selected at or before t, wherever the seek comes from', () => {
    const stream = fixture('sofa-desktop');
    const switches = stream.events.filter((e): e is EventOf<'custom'> => e.type === 'custom' && e.name === 'variant_selected');
    expect(switches.length).toBeGreaterThan(2);
    const expected = (t: number) => {
      let variant: string | null = null;
      for (const s of switches) if (s.t <= t) variant = s.props?.variant as string;
      return variant;
    };
    const player = createPlayer(stream, { keyframeIntervalMs: 2_000 });
    const probe = createPlayer(player.index);
    const moments = [stream.events[0]!.t, ...switches.flatMap((s) => [s.t - 1, s.t, s.t + 500]), stream.events.at(-1)!.t];
    // Forward, then backward: a seek restores the keyframe's variant, not the last one shown.
    for (const t of [...moments, ...[...moments].reverse()]) {
      expect(player.moveTo(t).memory.variant).toBe(expected(t));
      expect(probe.stateAt(t).memory.variant).toBe(expected(t));
    }
    expect(expected(switches[0]!.t - 1)).toBeNull();
  });

  it('reads variants from the configured event only; null turns them off and a non-string value is ignored', () => {
    const events: VantageEvent[] = [
      { type: 'custom', t: T0, name: 'fabric', props: { colour: 'Champagne' } },
      { type: 'custom', t: T0 + 1, name: 'variant_selected', props: { variant: 'Navy' } },
      { type: 'custom', t: T0 + 2, name: 'fabric', props: { colour: 42 } },
      { type: 'custom', t: T0 + 3, name: 'fabric' },
    ] as VantageEvent[];
    expect(createPlayer({ session, events }).moveTo(T0 + 5).memory.variant).toBe('Navy');
    const custom = createPlayer({ session, events }, { variantEvent: { name: 'fabric', property: 'colour' } });
    expect(custom.moveTo(T0 + 0.5).memory.variant).toBe('Champagne');
    expect(custom.moveTo(T0 + 5).memory.variant).toBe('Champagne');
    expect(createPlayer({ session, events }, { variantEvent: null }).moveTo(T0 + 5).memory.variant).toBeNull();
  });
});

describe('seeking in long sessions', () => {
  it('replays a bounded number of events per seek, however long the session (constant-time seeking)', () => {
    const bound = { hour: 0, tenMinutes: 0 };
    for (const [key, durationMs] of [['tenMinutes', 600_000], ['hour', 3_600_000]] as const) {
      const session = simulateSessionDetails({ seed: 3, durationMs, optIn: true, device: 'desktop' });
      const stream = streamFromBatches(session.batches, session.startMs);
      const player = createPlayer(stream);
      const { start, end } = player.index;
      // A keyframe at least every 5 s of session time.
      expect(player.index.keyframes.length).toBeGreaterThanOrEqual(Math.floor((end - start) / 5000) - 1);
      const rnd = random(99);
      for (let i = 0; i < 2000; i++) {
        player.moveTo(start + rnd() * (end - start));
        bound[key] = Math.max(bound[key], player.replayed);
      }
      // Spot-check against the replay from the start.
      for (let i = 0; i < 20; i++) {
        const t = start + rnd() * (end - start);
        expect(describeState(player.moveTo(t))).toEqual(describeState(replayFromStart(player.index, t)));
      }
    }
    expect(bound.hour).toBeLessThanOrEqual(256);
    expect(bound.tenMinutes).toBeLessThanOrEqual(256);
  });

  it('the same index built at once and grown chunk by chunk (live) plays the same', () => {
    const stream = fixture('sofa-desktop');
    const whole = createReplayIndex(stream);
    const grown = createReplayIndex({ session: stream.session, events: [] });
    for (let i = 0; i < stream.events.length; i += 37) grown.append(stream.events.slice(i, i + 37));
    expect(grown.events.length).toBe(whole.events.length);
    expect(grown.keyframeTimes).toEqual(whole.keyframeTimes);
    expect(grown.markers).toEqual(whole.markers);
    expect(grown.gaps).toEqual(whole.gaps);
    const a = createPlayer(whole);
    const b = createPlayer(grown);
    const rnd = random(5);
    for (let i = 0; i < 100; i++) {
      const t = whole.start + rnd() * (whole.end - whole.start);
      expect(describeState(b.moveTo(t))).toEqual(describeState(a.moveTo(t)));
    }
  });

  it('an appended event older than the last rebuilds the index, and the player notices', () => {
    const stream = fixture('sofa-mobile');
    const late = stream.events[200]!;
    const index = createReplayIndex({ session: stream.session, events: stream.events.filter((e) => e !== late) });
    const player = createPlayer(index);
    const t = late.t + 500;
    player.moveTo(t);
    player.append([late]);
    expect(index.version).toBe(1);
    expect(index.events.length).toBe(stream.events.length);
    expect(describeState(player.moveTo(t))).toEqual(describeState(createPlayer(stream).moveTo(t)));
  });
});

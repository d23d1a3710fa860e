import { Quaternion, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { createWireValidators, encodeBatch, toMm, toQuat, type EventOf, type VantageEvent } from '@vantage/sdk-core/schema';
import { cameraPoseAt, createCameraPose, type CameraSample } from './index.js';

type Quat = [x: number, y: number, z: number, w: number];

const T0 = 1_750_000_000_000;

/** A camera sample from a position in metres and a unit quaternion, encoded as on the wire. */
function sample(t: number, [x, y, z]: [number, number, number], [qx, qy, qz, qw]: Quat): EventOf<'camera'> {
  return {
    type: 'camera',
    t,
    px: toMm(x),
    py: toMm(y),
    pz: toMm(z),
    qx: toQuat(qx),
    qy: toQuat(qy),
    qz: toQuat(qz),
    qw: toQuat(qw),
  };
}

/** Rotation of `angle` radians about a unit axis. */
function axisAngle([ax, ay, az]: [number, number, number], angle: number): Quat {
  const s = Math.sin(angle / 2);
  return [ax * s, ay * s, az * s, Math.cos(angle / 2)];
}

// Reference maths, written out here rather than borrowed from three.js.

function decoded(s: CameraSample): Quat {
  const q: Quat = [s.qx / 32767, s.qy / 32767, s.qz / 32767, s.qw / 32767];
  const len = Math.hypot(...q);
  return q.map((c) => c / len) as Quat;
}

function referenceSlerp(a: Quat, b: Quat, u: number): Quat {
  let dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  let bb = b;
  if (dot < 0) {
    bb = b.map((c) => -c) as Quat;
    dot = -dot;
  }
  if (dot > 1 - 1e-12) return a;
  const theta = Math.acos(dot);
  const wa = Math.sin((1 - u) * theta) / Math.sin(theta);
  const wb = Math.sin(u * theta) / Math.sin(theta);
  return [0, 1, 2, 3].map((i) => wa * a[i]! + wb * bb[i]!) as Quat;
}

function referencePose(samples: readonly CameraSample[], t: number): { position: [number, number, number]; quaternion: Quat } {
  let i = -1;
  for (let k = 0; k < samples.length; k++) if (samples[k]!.t <= t) i = k;
  const a = samples[Math.max(i, 0)]!;
  const b = samples[Math.min(i + 1, samples.length - 1)]!;
  const u = i < 0 || i === samples.length - 1 ? 0 : (t - a.t) / (b.t - a.t);
  const lerp = (p: number, q: number) => (p + (q - p) * u) / 1000;
  return {
    position: [lerp(a.px, b.px), lerp(a.py, b.py), lerp(a.pz, b.pz)],
    quaternion: referenceSlerp(decoded(a), decoded(b), u),
  };
}

function expectQuat(actual: Quaternion, expected: Quat, digits = 6): void {
  expect(actual.x).toBeCloseTo(expected[0], digits);
  expect(actual.y).toBeCloseTo(expected[1], digits);
  expect(actual.z).toBeCloseTo(expected[2], digits);
  expect(actual.w).toBeCloseTo(expected[3], digits);
}

function expectVec(actual: Vector3, expected: [number, number, number], digits = 9): void {
  expect(actual.x).toBeCloseTo(expected[0], digits);
  expect(actual.y).toBeCloseTo(expected[1], digits);
  expect(actual.z).toBeCloseTo(expected[2], digits);
}

/** Mulberry32: a seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function randomUnitQuat(rnd: () => number): Quat {
  const q: Quat = [rnd() * 2 - 1, rnd() * 2 - 1, rnd() * 2 - 1, rnd() * 2 - 1];
  const len = Math.hypot(...q);
  return q.map((c) => c / len) as Quat;
}

const path: EventOf<'camera'>[] = [
  sample(T0, [0, 1.6, 5], [0, 0, 0, 1]),
  sample(T0 + 100, [1, 1.6, 4], axisAngle([0, 1, 0], Math.PI / 3)),
  sample(T0 + 400, [3.25, 2, 0.5], axisAngle([1, 0, 0], -Math.PI / 4)),
  sample(T0 + 450, [-2, 0.1, -7.5], axisAngle([0, 0, 1], 2.5)),
];

describe('cameraPoseAt', () => {
  it('is exact at every sample: millimetres to metres, the decoded unit quaternion', () => {
    for (const s of path) {
      const pose = cameraPoseAt(path, s.t);
      expect(pose.position.x).toBe(s.px / 1000);
      expect(pose.position.y).toBe(s.py / 1000);
      expect(pose.position.z).toBe(s.pz / 1000);
      expectQuat(pose.quaternion, decoded(s), 12);
    }
  });

  it('between two samples is the lerp of positions and the slerp of orientations', () => {
    const [, a, b] = path;
    const mid = cameraPoseAt(path, (a!.t + b!.t) / 2);
    expectVec(mid.position, [(1 + 3.25) / 2, (1.6 + 2) / 2, (4 + 0.5) / 2], 3);
    expectQuat(mid.quaternion, referenceSlerp(decoded(a!), decoded(b!), 0.5));
    expect(mid.quaternion.length()).toBeCloseTo(1, 12);

    const quarter = cameraPoseAt(path, a!.t + 75);
    const ref = referencePose(path, a!.t + 75);
    expectVec(quarter.position, ref.position);
    expectQuat(quarter.quaternion, ref.quaternion);
  });

  it('turns along the shortest arc when the next sample has the opposite sign', () => {
    // 0° and 90° about y, the second sent negated (q and -q are the same rotation).
    const turn = axisAngle([0, 1, 0], Math.PI / 2).map((c) => -c) as Quat;
    const samples = [sample(T0, [0, 0, 0], [0, 0, 0, 1]), sample(T0 + 1000, [0, 0, 0], turn)];
    const mid = cameraPoseAt(samples, T0 + 500).quaternion;
    // Halfway along the short way is 45° about +y; the long way would be 135° about -y.
    const forward = new Vector3(0, 0, -1).applyQuaternion(mid);
    const expected = new Vector3(0, 0, -1).applyAxisAngle(new Vector3(0, 1, 0), Math.PI / 4);
    expect(forward.distanceTo(expected)).toBeLessThan(1e-4);
    expect(2 * Math.acos(Math.min(1, Math.abs(mid.w)))).toBeCloseTo(Math.PI / 4, 4);
  });

  it('holds the first pose before the first sample and the last pose after the last', () => {
    const first = path[0]!;
    const last = path[path.length - 1]!;
    const before = cameraPoseAt(path, T0 - 60_000);
    expectVec(before.position, [first.px / 1000, first.py / 1000, first.pz / 1000]);
    expectQuat(before.quaternion, decoded(first), 12);
    const after = cameraPoseAt(path, last.t + 60_000);
    expectVec(after.position, [last.px / 1000, last.py / 1000, last.pz / 1000]);
    expectQuat(after.quaternion, decoded(last), 12);
  });

  it('works with a single sample and resolves equal times to the later sample', () => {
    const only = [path[1]!];
    expectVec(cameraPoseAt(only, 0).position, [1, 1.6, 4]);
    expectVec(cameraPoseAt(only, T0 + 99_999).position, [1, 1.6, 4]);

    const jump = [sample(T0, [0, 0, 0], [0, 0, 0, 1]), sample(T0 + 10, [1, 0, 0], [0, 0, 0, 1]), sample(T0 + 10, [5, 0, 0], [0, 0, 0, 1]), sample(T0 + 20, [6, 0, 0], [0, 0, 0, 1])];
    expectVec(cameraPoseAt(jump, T0 + 10).position, [5, 0, 0]);
    expectVec(cameraPoseAt(jump, T0 + 15).position, [5.5, 0, 0]);
    expectVec(cameraPoseAt(jump, T0 + 5).position, [0.5, 0, 0]);
  });

  it('writes into `out` and returns it; the result equals a fresh pose', () => {
    const out = createCameraPose();
    for (const t of [T0 - 1, T0 + 37, T0 + 250, T0 + 449, T0 + 1000]) {
      expect(cameraPoseAt(path, t, out)).toBe(out);
      const fresh = cameraPoseAt(path, t);
      expect(fresh).not.toBe(out);
      expect(out.position.equals(fresh.position)).toBe(true);
      expect(out.quaternion.equals(fresh.quaternion)).toBe(true);
    }
  });

  it('throws a Vantage: error on no samples', () => {
    expect(() => cameraPoseAt([], T0)).toThrow(/^Vantage: cameraPoseAt needs at least one camera sample$/);
  });

  it('matches a linear-scan reference on 100k irregular samples', () => {
    const rnd = random(0x5eed);
    const samples: CameraSample[] = [];
    let t = T0;
    for (let i = 0; i < 100_000; i++) {
      // Adaptive rate: mostly ~16 ms apart, sometimes pauses, sometimes repeated times.
      const r = rnd();
      t += r < 0.02 ? 0 : r < 0.05 ? Math.floor(rnd() * 5000) : 8 + Math.floor(rnd() * 20);
      samples.push(sample(t, [rnd() * 20 - 10, rnd() * 3, rnd() * 20 - 10], randomUnitQuat(rnd)));
    }
    const first = samples[0]!.t;
    const last = samples[samples.length - 1]!.t;
    const out = createCameraPose();
    for (let q = 0; q < 300; q++) {
      const at = q < 10 ? samples[Math.floor(rnd() * samples.length)]!.t : first - 1000 + rnd() * (last - first + 2000);
      const ref = referencePose(samples, at);
      cameraPoseAt(samples, at, out);
      expectVec(out.position, ref.position, 6);
      expectQuat(out.quaternion, ref.quaternion, 5);
    }
  });

  it('replays a camera path that went through the real wire encoding and decoding', () => {
    const batch = encodeBatch({ sid: 'session-0001', seq: 0, scene: 'showroom', sentAt: T0 + 500 }, path as VantageEvent[]);
    const validators = createWireValidators();
    expect(validators.checkEnvelope(batch)).toBeNull();
    const decodedEvents = batch.events.map((raw) => {
      const result = validators.decodeEvent(raw, batch);
      if (!result.ok) throw new Error(result.detail);
      return result.event as EventOf<'camera'>;
    });
    const at = T0 + 250;
    const ref = referencePose(path, at);
    const pose = cameraPoseAt(decodedEvents, at);
    expectVec(pose.position, ref.position);
    expectQuat(pose.quaternion, ref.quaternion);
  });
});

/**
 * Camera pose interpolation: the heart of smooth replay. Camera samples arrive at an adaptive
 * rate (none while the camera is still), so replaying them as-is jumps; between two samples the
 * position is interpolated linearly and the orientation spherically (slerp, shortest path).
 */
import { Quaternion, Vector3 } from 'three';
import { fromMm, fromQuat, type EventOf } from '@vantage/sdk-core/schema';

/**
 * What {@link cameraPoseAt} reads from a decoded `camera` event: `t` in epoch ms, position
 * `px/py/pz` in millimetres, orientation `qx..qw` as quaternion components × 32767.
 */
export type CameraSample = Pick<EventOf<'camera'>, 't' | 'px' | 'py' | 'pz' | 'qx' | 'qy' | 'qz' | 'qw'>;

/**
 * A camera pose in three.js terms: `position` in metres (world space, y up) and a unit
 * `quaternion`, ready for `camera.position.copy(pose.position)` and
 * `camera.quaternion.copy(pose.quaternion)`.
 */
export interface CameraPose {
  readonly position: Vector3;
  readonly quaternion: Quaternion;
}

/** A new pose at the origin with the identity orientation, to pass as `out` frame after frame. */
export function createCameraPose(): CameraPose {
  return { position: new Vector3(), quaternion: new Quaternion() };
}

const qa = new Quaternion();
const qb = new Quaternion();

/**
 * The camera pose at time `t` (epoch ms) from `samples`, which must be sorted by `t` ascending
 * (the order of a decoded session stream). Between the last sample at or before `t` and the next
 * one, position is lerped and orientation slerped along the shortest arc (a quaternion and its
 * negation are the same rotation; the wire may carry either). Before the first sample the pose is
 * the first sample's, after the last the last's. Samples sharing a time resolve to the last one.
 *
 * Finds the samples by binary search (O(log n)). Writes into `out` when given and allocates
 * nothing then; otherwise returns a new pose. Throws a `Vantage:` error on an empty list: a
 * session without camera samples cannot be replayed, and the viewer checks that once at load.
 */
export function cameraPoseAt(samples: readonly CameraSample[], t: number, out: CameraPose = createCameraPose()): CameraPose {
  const n = samples.length;
  if (n === 0) throw new RangeError('Vantage: cameraPoseAt needs at least one camera sample');
  const first = samples[0]!;
  if (!(t > first.t)) return setPose(out, first);
  const last = samples[n - 1]!;
  if (t >= last.t) return setPose(out, last);

  // Largest i with samples[i].t <= t; first.t < t < last.t, so 0 <= i < n - 1.
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (samples[mid]!.t <= t) lo = mid;
    else hi = mid;
  }
  const a = samples[lo]!;
  const b = samples[hi]!;
  const alpha = (t - a.t) / (b.t - a.t);
  out.position.set(
    fromMm(a.px + (b.px - a.px) * alpha),
    fromMm(a.py + (b.py - a.py) * alpha),
    fromMm(a.pz + (b.pz - a.pz) * alpha),
  );
  decodeQuaternion(a, qa);
  decodeQuaternion(b, qb);
  // three's slerp flips qb's sign when the dot product is negative: the shortest arc.
  out.quaternion.slerpQuaternions(qa, qb, alpha);
  return out;
}

function setPose(out: CameraPose, s: CameraSample): CameraPose {
  out.position.set(fromMm(s.px), fromMm(s.py), fromMm(s.pz));
  decodeQuaternion(s, out.quaternion);
  return out;
}

/** Wire integers to a unit quaternion (rounding on the wire leaves it slightly off unit). */
function decodeQuaternion(s: CameraSample, q: Quaternion): Quaternion {
  return q.set(fromQuat(s.qx), fromQuat(s.qy), fromQuat(s.qz), fromQuat(s.qw)).normalize();
}

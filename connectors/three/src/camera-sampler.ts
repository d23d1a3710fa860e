/**
 * When to send a camera sample. The camera's world pose is quantised to the wire's units every
 * frame (millimetres, quaternion × 32767) and compared, so a still camera costs a few integer
 * comparisons and sends nothing. While it moves, the rate adapts to the motion: a sample once the
 * camera travelled {@link CameraSamplerOptions.motionMm} or turned
 * {@link CameraSamplerOptions.motionQuat} since the last one (at most one per `minIntervalMs`),
 * and at least one per `maxIntervalMs` while any change goes on. When it stops, one last sample
 * records the pose it came to rest at, so a replay ends where the visitor's view ended.
 */
import { QUAT_SCALE, toMm, toQuat } from '@vantage/sdk-core';
import { Matrix4, Quaternion, Vector3 } from 'three';

/** Tuning of the sampler. */
export interface CameraSamplerOptions {
  /** Shortest interval between two samples while moving (ms). Default 100 (10 Hz). */
  minIntervalMs: number;
  /** Longest interval between two samples while the camera still changes (ms). Default 500. */
  maxIntervalMs: number;
  /** Travel that earns a sample after `minIntervalMs` (mm). Default 20. */
  motionMm: number;
  /** Turn that earns a sample after `minIntervalMs`, in quaternion units × 32767 (≈ 0.5°: 143). */
  motionQuat: number;
  /** Unchanged this long (ms), the camera is at rest: its pose is sent if it differs from the last sample. Default 150. */
  restMs: number;
}

export const CAMERA_SAMPLER_DEFAULTS: CameraSamplerOptions = {
  minIntervalMs: 100,
  maxIntervalMs: 500,
  motionMm: 20,
  motionQuat: Math.round(Math.sin((0.5 * Math.PI) / 360) * QUAT_SCALE),
  restMs: 150,
};

/** The pose of a sample, in wire units. */
export interface CameraPose {
  px: number;
  py: number;
  pz: number;
  qx: number;
  qy: number;
  qz: number;
  qw: number;
  /** Vertical field of view × 10, or -1 for a camera without one (orthographic). */
  fov10: number;
}

function samePose(a: CameraPose, b: CameraPose): boolean {
  return a.px === b.px && a.py === b.py && a.pz === b.pz && a.qx === b.qx && a.qy === b.qy && a.qz === b.qz && a.qw === b.qw && a.fov10 === b.fov10;
}

function copyPose(from: CameraPose, to: CameraPose): void {
  to.px = from.px;
  to.py = from.py;
  to.pz = from.pz;
  to.qx = from.qx;
  to.qy = from.qy;
  to.qz = from.qz;
  to.qw = from.qw;
  to.fov10 = from.fov10;
}

function emptyPose(): CameraPose {
  return { px: 0, py: 0, pz: 0, qx: 0, qy: 0, qz: 0, qw: 0, fov10: -2 };
}

/** Decides, frame by frame, whether the camera deserves a sample. Allocates nothing per frame. */
export class CameraSampler {
  /** The pose of the current frame (valid after {@link update}). */
  readonly pose: CameraPose = emptyPose();
  /** The last pose sent. */
  readonly sent: CameraPose = emptyPose();
  readonly #previous: CameraPose = emptyPose();
  #sentAt = -Infinity;
  #changedAt = -Infinity;
  #hasSent = false;
  #forced = true;
  readonly #position = new Vector3();
  readonly #quaternion = new Quaternion();
  readonly #scale = new Vector3();

  readonly #options: CameraSamplerOptions;

  constructor(options: CameraSamplerOptions = CAMERA_SAMPLER_DEFAULTS) {
    this.#options = options;
  }

  /** Send the next frame's pose whatever it is (a new session needs its first pose). */
  force(): void {
    this.#forced = true;
  }

  /**
   * Read the camera of this frame and say whether to send a sample now. When it returns true,
   * {@link pose} is the sample and it counts as sent.
   */
  update(now: number, matrixWorld: Matrix4, fov: number | undefined): boolean {
    const pose = this.pose;
    copyPose(pose, this.#previous);
    matrixWorld.decompose(this.#position, this.#quaternion, this.#scale);
    pose.px = toMm(this.#position.x);
    pose.py = toMm(this.#position.y);
    pose.pz = toMm(this.#position.z);
    // q and -q are the same rotation: keep w >= 0 so equal poses compare equal.
    const sign = this.#quaternion.w < 0 ? -1 : 1;
    pose.qx = toQuat(sign * this.#quaternion.x);
    pose.qy = toQuat(sign * this.#quaternion.y);
    pose.qz = toQuat(sign * this.#quaternion.z);
    pose.qw = toQuat(sign * this.#quaternion.w);
    pose.fov10 = fov === undefined || !Number.isFinite(fov) ? -1 : Math.min(1790, Math.max(10, Math.round(fov * 10)));

    if (!samePose(pose, this.#previous)) this.#changedAt = now;
    if (this.#forced || !this.#hasSent) return this.#mark(now);
    const sent = this.sent;
    if (samePose(pose, sent)) return false;
    const elapsed = now - this.#sentAt;
    // At rest for a moment, away from the last sample: record where it stopped.
    if (now - this.#changedAt >= this.#options.restMs) return this.#mark(now);
    if (elapsed < this.#options.minIntervalMs) return false;
    if (elapsed >= this.#options.maxIntervalMs || pose.fov10 !== sent.fov10) return this.#mark(now);
    const travelled = Math.abs(pose.px - sent.px) + Math.abs(pose.py - sent.py) + Math.abs(pose.pz - sent.pz);
    if (travelled >= this.#options.motionMm) return this.#mark(now);
    const turned = Math.abs(pose.qx - sent.qx) + Math.abs(pose.qy - sent.qy) + Math.abs(pose.qz - sent.qz) + Math.abs(pose.qw - sent.qw);
    return turned >= this.#options.motionQuat ? this.#mark(now) : false;
  }

  /**
   * Between frames (an app that renders only on change stops rendering when the camera stops):
   * true when the last frame's pose was never sent and has not changed for `restMs`; it then
   * counts as sent.
   */
  settle(now: number): boolean {
    if (!this.#hasSent || samePose(this.pose, this.sent) || now - this.#changedAt < this.#options.restMs) return false;
    return this.#mark(now);
  }

  /** Whether the field of view differs from the last pose sent before this one. */
  get fovChanged(): boolean {
    return this.#fovChangedFlag;
  }

  #fovChangedFlag = true;

  #mark(now: number): true {
    this.#fovChangedFlag = this.#forced || !this.#hasSent || this.pose.fov10 !== this.sent.fov10;
    copyPose(this.pose, this.sent);
    this.#sentAt = now;
    this.#hasSent = true;
    this.#forced = false;
    return true;
  }
}

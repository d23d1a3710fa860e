import { PerspectiveCamera } from 'three';
import { describe, expect, it } from 'vitest';
import { CameraSampler } from './camera-sampler.js';

function camera(): PerspectiveCamera {
  const c = new PerspectiveCamera(45, 1, 0.1, 100);
  c.position.set(0, 1, 5);
  c.lookAt(0, 0, 0);
  c.updateMatrixWorld(true);
  return c;
}

/** Run `frames` frames of 16 ms from `t`, applying `move` before each; returns the sample times. */
function run(sampler: CameraSampler, c: PerspectiveCamera, t: number, frames: number, move: (i: number) => void): number[] {
  const sent: number[] = [];
  for (let i = 0; i < frames; i++) {
    move(i);
    c.updateMatrixWorld(true);
    const now = t + i * 16;
    if (sampler.update(now, c.matrixWorld, c.fov)) sent.push(now);
  }
  return sent;
}

describe('CameraSampler', () => {
  it('sends the first pose with its field of view in wire units, then nothing while the camera is still', () => {
    const c = camera();
    const s = new CameraSampler();
    expect(s.update(0, c.matrixWorld, c.fov)).toBe(true);
    expect(s.fovChanged).toBe(true);
    expect(s.pose).toMatchObject({ px: 0, py: 1000, pz: 5000, fov10: 450 });
    expect(s.pose.qw).toBeGreaterThan(32000);
    expect(run(s, c, 16, 600, () => undefined)).toEqual([]);
  });

  it('samples fast motion at the top rate, slow motion less often, and the pose it came to rest at', () => {
    const c = camera();
    const s = new CameraSampler();
    s.update(0, c.matrixWorld, c.fov);
    // Fast orbit: 1 m/s for 2 s → about every 100 ms.
    const fast = run(s, c, 16, 125, () => {
      c.position.x += 0.016;
      c.lookAt(0, 0, 0);
    });
    expect(fast.length).toBeGreaterThanOrEqual(16);
    expect(fast.length).toBeLessThanOrEqual(21);
    for (let i = 1; i < fast.length; i++) expect((fast[i] as number) - (fast[i - 1] as number)).toBeGreaterThanOrEqual(100);
    expect(s.fovChanged).toBe(false);
    // Slow drift: 2 cm/s for 2 s → one sample per 500 ms at most.
    const slow = run(s, c, 3000, 125, () => {
      c.position.y += 0.02 * 0.016;
    });
    expect(slow.length).toBeGreaterThanOrEqual(3);
    expect(slow.length).toBeLessThanOrEqual(5);
    // Then it stops: one more sample (the rest pose) within 150 ms, then silence.
    const x = c.position.y;
    const rest = run(s, c, 5100, 100, () => {
      c.position.y = x;
    });
    expect(rest.length).toBeLessThanOrEqual(1);
    expect(s.sent.py).toBe(Math.round(x * 1000));
  });

  it('settles between frames for apps that render only on change, and force() resends at once', () => {
    const c = camera();
    const s = new CameraSampler();
    s.update(0, c.matrixWorld, c.fov);
    c.position.x = 0.005;
    c.updateMatrixWorld(true);
    expect(s.update(16, c.matrixWorld, c.fov)).toBe(false);
    expect(s.settle(100)).toBe(false);
    expect(s.settle(200)).toBe(true);
    expect(s.sent.px).toBe(5);
    expect(s.settle(400)).toBe(false);
    s.force();
    expect(s.update(416, c.matrixWorld, c.fov)).toBe(true);
    expect(s.fovChanged).toBe(true);
  });

  it('treats q and -q as the same rotation', () => {
    const c = camera();
    const s = new CameraSampler();
    s.update(0, c.matrixWorld, c.fov);
    c.quaternion.set(-c.quaternion.x, -c.quaternion.y, -c.quaternion.z, -c.quaternion.w);
    c.updateMatrixWorld(true);
    expect(s.update(500, c.matrixWorld, c.fov)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { AZIMUTH_BINS, binDirection, ELEVATION_BINS, viewBins } from './view-directions.js';

/** A quaternion rotating −z onto the unit vector (x, y, z) (shortest arc). */
function lookAt(x: number, y: number, z: number): [number, number, number, number] {
  // q = normalise(cross(a, b), 1 + dot(a, b)) with a = (0, 0, −1).
  const cx = 0 * z - -1 * y;
  const cy = -1 * x - 0 * z;
  const cz = 0;
  const w = 1 + -z;
  const n = Math.hypot(cx, cy, cz, w);
  return [cx / n, cy / n, cz / n, w / n];
}

describe('view direction bins', () => {
  it('bins a camera\'s forward vector, and a bin\'s direction falls back in the bin', () => {
    const out: [number, number] = [0, 0];
    for (const [x, y, z] of [[0, 0, -1], [1, 0, 0.01], [0.3, 0.8, 0.52], [-0.6, -0.5, 0.62], [0, -0.9, -0.43]]) {
      const n = Math.hypot(x as number, y as number, z as number);
      const q = lookAt((x as number) / n, (y as number) / n, (z as number) / n);
      expect(viewBins(...q, out)).toBe(true);
      const [ax, ay, az] = binDirection(out[0], out[1]);
      const back: [number, number] = [0, 0];
      viewBins(...lookAt(ax, ay, az), back);
      expect(back).toEqual(out);
      // The bin's centre is near the real direction.
      expect(ax * (x as number) / n + ay * (y as number) / n + az * (z as number) / n).toBeGreaterThan(0.9);
    }
    expect(viewBins(0, 0, 0, 0, out)).toBe(false);
  });

  it('covers the sphere with equal-height bands and equal sectors', () => {
    const out: [number, number] = [0, 0];
    viewBins(...lookAt(0, 1, 0), out);
    expect(out[1]).toBe(ELEVATION_BINS - 1);
    viewBins(...lookAt(0, -0.999, -0.0447), out);
    expect(out[1]).toBe(0);
    expect(AZIMUTH_BINS * ELEVATION_BINS).toBe(288);
  });
});

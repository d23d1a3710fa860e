import { Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { HoverTracker } from './hover.js';

describe('HoverTracker', () => {
  it('sends a hover that lasted the threshold, with its first hit point, when the pointer moves on', () => {
    const h = new HoverTracker(300);
    expect(h.update(0, 'seat', new Vector3(0.1, 0.5, -0.25))).toBeNull();
    expect(h.update(100, 'seat', new Vector3(9, 9, 9))).toBeNull();
    expect(h.update(450, 'legs', new Vector3(0, 0.05, 0))).toEqual({ mesh: 'seat', dwellMs: 450, hx: 100, hy: 500, hz: -250 });
    // A short hover is not a dwell.
    expect(h.update(600, null, null)).toBeNull();
    expect(h.current).toBeNull();
    h.update(1000, 'feet', new Vector3());
    expect(h.end(1300)).toMatchObject({ mesh: 'feet', dwellMs: 300 });
    expect(h.end(2000)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { FrameWindow } from './frame-window.js';

describe('FrameWindow', () => {
  it('gives exact nearest-rank percentiles of frame intervals, counts long frames and restarts the window', () => {
    const w = new FrameWindow();
    let t = 1000;
    w.frame(t);
    // 97 frames of 16 ms, 2 of 60 ms, 1 of 200 ms: 100 intervals.
    for (let i = 0; i < 97; i++) w.frame((t += 16));
    w.frame((t += 60));
    w.frame((t += 60));
    w.frame((t += 200));
    const s = w.take(t);
    expect(s).toEqual({ windowMs: t - 1000, frames: 100, p50Us: 16_000, p95Us: 16_000, p99Us: 60_000, longFrames: 3 });
    expect(w.take(t + 5)).toBeUndefined();
    w.frame(t + 10);
    expect(w.take(t + 20)).toMatchObject({ frames: 1, p50Us: 10_000, windowMs: 15 });
  });

  it('does not count a pause (hidden tab, render on demand) as a frame', () => {
    const w = new FrameWindow();
    w.frame(0);
    w.frame(16);
    w.frame(5000);
    w.frame(5016);
    expect(w.take(5016)).toMatchObject({ frames: 2, longFrames: 0, p99Us: 16_000 });
    w.pause();
    w.frame(9000);
    expect(w.take(9001)).toBeUndefined();
  });

  it('keeps a bounded sample beyond its capacity', () => {
    const w = new FrameWindow(8);
    w.frame(0);
    for (let i = 1; i <= 100; i++) w.frame(i * 2);
    expect(w.take(200)).toMatchObject({ frames: 100, p50Us: 2000, p99Us: 2000 });
  });
});

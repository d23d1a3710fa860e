import { describe, expect, it } from 'vitest';
import { advance, createClock, gapAround, LIVE_DELAY_MS, skippedMs, SKIP_MARGIN_MS } from './index.js';

const T0 = 1_780_000_000_000;
const timeline = { start: T0, end: T0 + 120_000, gaps: [{ start: T0 + 10_000, end: T0 + 40_000 }, { start: T0 + 60_000, end: T0 + 71_000 }] };

describe('the replay clock', () => {
  it('plays at its speed, pauses, and stops at the end', () => {
    const clock = createClock(timeline, { skipInactivity: false });
    expect(clock.tick(100)).toBe(T0); // paused
    clock.play();
    expect(clock.tick(100)).toBe(T0 + 100);
    clock.setSpeed(4);
    expect(clock.tick(100)).toBe(T0 + 500);
    clock.pause();
    expect(clock.tick(100)).toBe(T0 + 500);
    clock.play();
    clock.setSpeed(8);
    expect(clock.tick(60_000)).toBe(T0 + 120_000);
    expect(clock.playing).toBe(false);
    clock.play(); // at the end: plays again from the start
    expect(clock.t).toBe(T0);
  });

  it('speeds stay within 0.5×–8× and step through 0.5, 1, 2, 4, 8', () => {
    const clock = createClock(timeline);
    clock.setSpeed(100);
    expect(clock.speed).toBe(8);
    clock.setSpeed(0.1);
    expect(clock.speed).toBe(0.5);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.stepSpeed(1);
      seen.push(clock.speed);
    }
    expect(seen).toEqual([1, 2, 4, 8, 8]);
    clock.setSpeed(3);
    clock.stepSpeed(-1);
    expect(clock.speed).toBe(2);
  });

  it('skips inactivity while playing (default on): from a second after a gap begins to a second before it ends', () => {
    const clock = createClock(timeline);
    expect(clock.skipInactivity).toBe(true);
    clock.play();
    clock.tick(10_999); // not yet inside the skipped part
    expect(clock.t).toBe(T0 + 10_999);
    clock.tick(16); // crosses gap.start + 1 s
    expect(clock.t).toBe(T0 + 40_000 - SKIP_MARGIN_MS);
    clock.tick(16);
    expect(clock.t).toBe(T0 + 39_016);
    // Switched off: the silence plays in real time.
    clock.seek(T0 + 60_500);
    clock.setSkipInactivity(false);
    clock.play();
    clock.tick(1000);
    expect(clock.t).toBe(T0 + 61_500);
    // A seek into a gap stays there until playing moves on.
    clock.setSkipInactivity(true);
    clock.seek(T0 + 20_000);
    expect(clock.t).toBe(T0 + 20_000);
    clock.tick(16);
    expect(clock.t).toBe(T0 + 39_000);
  });

  it('advance, gapAround and skippedMs are pure helpers over the gaps', () => {
    expect(advance(T0, 20_000, timeline, true)).toBe(T0 + 39_000);
    expect(advance(T0, 20_000, timeline, false)).toBe(T0 + 20_000);
    expect(advance(T0 + 119_000, 5_000, timeline, true)).toBe(T0 + 120_000);
    expect(gapAround(timeline.gaps, T0 + 65_000)).toBe(timeline.gaps[1]);
    expect(gapAround(timeline.gaps, T0 + 50_000)).toBeUndefined();
    expect(skippedMs(timeline.gaps)).toBe(28_000 + 9_000);
  });

  it('follows a live session about a second behind its newest event, and leaves follow mode on seek or pause', () => {
    const live = { start: T0, end: T0 + 5_000, gaps: [] };
    const clock = createClock(live);
    clock.follow();
    expect(clock.t).toBe(T0 + 5_000 - LIVE_DELAY_MS);
    expect(clock.live).toBe(true);
    clock.tick(500);
    expect(clock.t).toBe(T0 + 4_000); // never past the live edge minus the delay
    live.end = T0 + 6_000; // new events
    clock.tick(300);
    expect(clock.t).toBe(T0 + 4_300);
    clock.tick(1000);
    expect(clock.t).toBe(T0 + 5_000);
    live.end = T0 + 20_000; // a burst after a pause: too far behind, jump to the edge
    clock.tick(16);
    expect(clock.t).toBe(T0 + 19_000);
    clock.seek(T0 + 1000);
    expect([clock.following, clock.live]).toEqual([false, false]);
    clock.follow();
    clock.pause();
    expect(clock.following).toBe(false);
  });
});

/**
 * The replay clock: play/pause, speed, seek, skipping inactivity, and following a live session.
 * DOM-free and deterministic: the viewer calls {@link ReplayClock.tick} with the wall time since
 * the last frame; nothing reads a clock of its own.
 */
import type { InactivityGap } from './markers.js';

/** Playback speeds the controls offer, slowest first. */
export const SPEEDS: readonly number[] = [0.5, 1, 2, 4, 8];
/** Slowest and fastest playback speed. */
export const MIN_SPEED = 0.5;
export const MAX_SPEED = 8;
/** Skipping a gap stops this long (ms) before the activity that ends it, and starts this long after the one that begins it. */
export const SKIP_MARGIN_MS = 1_000;
/** In follow mode the replay stays this far (ms) behind the newest event. */
export const LIVE_DELAY_MS = 1_000;
/** In follow mode, falling further behind than this (ms) jumps back to the live edge. */
export const LIVE_CATCH_UP_MS = 3_000;

/** What the clock plays over: the session's bounds and its gaps (a {@link ReplayIndex} is one). */
export interface ClockTimeline {
  readonly start: number;
  readonly end: number;
  readonly gaps: readonly InactivityGap[];
}

/** Options of {@link createClock}. */
export interface ClockOptions {
  /** Start time (epoch ms); default the timeline's start. */
  at?: number;
  /** Default 1; clamped to 0.5–8. */
  speed?: number;
  /** Skip gaps of inactivity while playing; default true. */
  skipInactivity?: boolean;
}

/** The clock's state and controls. Times are epoch ms. */
export interface ReplayClock {
  readonly t: number;
  readonly playing: boolean;
  readonly speed: number;
  readonly skipInactivity: boolean;
  /** Following a live session (set by {@link ReplayClock.follow}, left by seeking or pausing). */
  readonly following: boolean;
  /** Following and within {@link LIVE_CATCH_UP_MS} of the live edge: what the live badge shows. */
  readonly live: boolean;
  play(): void;
  pause(): void;
  toggle(): void;
  /** Jump to `t` (clamped to the timeline); leaves follow mode. */
  seek(t: number): void;
  /** Clamped to 0.5–8. */
  setSpeed(speed: number): void;
  /** The next slower (-1) or faster (+1) speed of {@link SPEEDS}. */
  stepSpeed(direction: -1 | 1): void;
  setSkipInactivity(on: boolean): void;
  /** Follow the live edge (playing at 1×, {@link LIVE_DELAY_MS} behind the newest event). */
  follow(on?: boolean): void;
  /** Advance by `wallMs` of wall time; returns the new time. */
  tick(wallMs: number): number;
}

/** A clock over `timeline` (read on every tick, so a growing live index is seen). */
export function createClock(timeline: ClockTimeline, options: ClockOptions = {}): ReplayClock {
  let t = clamp(options.at ?? timeline.start, timeline.start, timeline.end);
  let playing = false;
  let speed = clampSpeed(options.speed ?? 1);
  let skip = options.skipInactivity ?? true;
  let following = false;

  const liveTarget = () => Math.max(timeline.start, timeline.end - LIVE_DELAY_MS);
  return {
    get t() {
      return t;
    },
    get playing() {
      return playing;
    },
    get speed() {
      return speed;
    },
    get skipInactivity() {
      return skip;
    },
    get following() {
      return following;
    },
    get live() {
      return following && liveTarget() - t <= LIVE_CATCH_UP_MS;
    },
    play() {
      if (!following && t >= timeline.end) t = timeline.start; // play again from the start
      playing = true;
    },
    pause() {
      playing = false;
      following = false;
    },
    toggle() {
      if (playing) this.pause();
      else this.play();
    },
    seek(to) {
      if (Number.isFinite(to)) t = clamp(to, timeline.start, timeline.end);
      following = false;
    },
    setSpeed(s) {
      speed = clampSpeed(s);
    },
    stepSpeed(direction) {
      let next = direction > 0 ? MAX_SPEED : MIN_SPEED;
      for (const s of SPEEDS) {
        if (direction > 0 && s > speed + 1e-9) {
          next = s;
          break;
        }
        if (direction < 0 && s < speed - 1e-9) next = s;
      }
      speed = next;
    },
    setSkipInactivity(on) {
      skip = on;
    },
    follow(on = true) {
      following = on;
      if (on) {
        playing = true;
        t = liveTarget();
      }
    },
    tick(wallMs) {
      if (!playing || !(wallMs > 0)) return t;
      if (following) {
        const target = liveTarget();
        t = target - t > LIVE_CATCH_UP_MS ? target : Math.max(t, Math.min(t + wallMs, target));
        return t;
      }
      t = advance(t, wallMs * speed, timeline, skip);
      if (t >= timeline.end) {
        t = timeline.end;
        playing = false;
      }
      return t;
    },
  };
}

/**
 * Session time `t` advanced by `sessionMs`, jumping over the inside of inactivity gaps when
 * `skip` is on: landing in `[gap.start + margin, gap.end - margin)` moves to `gap.end - margin`.
 * Pure.
 */
export function advance(t: number, sessionMs: number, timeline: ClockTimeline, skip: boolean): number {
  const next = Math.min(t + sessionMs, timeline.end);
  if (!skip) return next;
  const gap = gapAround(timeline.gaps, next);
  if (gap === undefined) return next;
  const from = gap.start + SKIP_MARGIN_MS;
  const to = gap.end - SKIP_MARGIN_MS;
  return next >= from && next < to ? to : next;
}

/** The gap whose span contains `t`, if any (binary search over gap starts). */
export function gapAround(gaps: readonly InactivityGap[], t: number): InactivityGap | undefined {
  let lo = 0;
  let hi = gaps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (gaps[mid]!.start <= t) lo = mid + 1;
    else hi = mid;
  }
  const gap = gaps[lo - 1];
  return gap !== undefined && t < gap.end ? gap : undefined;
}

/** Total time skipped when playing with skip inactivity on (ms): what the timeline can say. */
export function skippedMs(gaps: readonly InactivityGap[]): number {
  let total = 0;
  for (const g of gaps) total += Math.max(0, g.end - g.start - 2 * SKIP_MARGIN_MS);
  return total;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function clampSpeed(s: number): number {
  return Number.isFinite(s) ? clamp(s, MIN_SPEED, MAX_SPEED) : 1;
}

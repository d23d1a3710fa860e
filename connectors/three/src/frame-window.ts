/**
 * Frame timing over a window: the interval between two rendered frames is recorded in a
 * preallocated buffer (no allocation per frame), and at the end of each window the buffer is
 * sorted in place for exact percentiles. Gaps longer than {@link IDLE_GAP_MS} are an app that
 * stopped rendering (a hidden tab, render-on-demand), not a slow frame, and are not counted.
 */

/** Frames over this many milliseconds are long frames. */
export const LONG_FRAME_MS = 50;
/** A pause between two frames longer than this is idleness, not a frame. */
export const IDLE_GAP_MS = 1000;

/** One window's summary, in the units of the `perf` event. */
export interface FrameSummary {
  windowMs: number;
  frames: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
  longFrames: number;
}

/** Nearest-rank percentile of the first `n` sorted values. */
function rank(sorted: Float64Array, n: number, p: number): number {
  const i = Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
  return sorted[i] ?? 0;
}

/** Collects frame intervals; `capacity` frames per window are kept (beyond it, a sample of them). */
export class FrameWindow {
  readonly #intervals: Float64Array;
  #count = 0;
  #seen = 0;
  #long = 0;
  #lastFrame = -1;
  #windowStart = -1;

  constructor(capacity = 1024) {
    this.#intervals = new Float64Array(capacity);
  }

  /** When the current window began (ms), or -1 before the first frame. */
  get startedAt(): number {
    return this.#windowStart;
  }

  /** Record a frame rendered at `now` (ms, monotonic). Allocates nothing. */
  frame(now: number): void {
    if (this.#windowStart < 0) this.#windowStart = now;
    const last = this.#lastFrame;
    this.#lastFrame = now;
    if (last < 0) return;
    const interval = now - last;
    if (interval <= 0 || interval > IDLE_GAP_MS) return;
    if (interval > LONG_FRAME_MS) this.#long++;
    this.#seen++;
    if (this.#count < this.#intervals.length) {
      this.#intervals[this.#count++] = interval;
    } else {
      // Past capacity (over ~1,000 fps in a 1 s window): keep a uniform sample (reservoir).
      const slot = Math.floor(Math.random() * this.#seen);
      if (slot < this.#intervals.length) this.#intervals[slot] = interval;
    }
  }

  /** Forget the time of the last frame (after a pause the next interval would be meaningless). */
  pause(): void {
    this.#lastFrame = -1;
  }

  /**
   * Close the window at `now`: its summary when at least one interval was measured, else
   * `undefined`. The next window starts at `now`.
   */
  take(now: number): FrameSummary | undefined {
    const n = this.#count;
    const start = this.#windowStart;
    const summary: FrameSummary | undefined =
      n === 0 || start < 0
        ? undefined
        : (() => {
            const sorted = this.#intervals.subarray(0, n).sort();
            return {
              windowMs: Math.max(0, Math.round(now - start)),
              frames: this.#seen,
              p50Us: Math.round(rank(sorted, n, 0.5) * 1000),
              p95Us: Math.round(rank(sorted, n, 0.95) * 1000),
              p99Us: Math.round(rank(sorted, n, 0.99) * 1000),
              longFrames: this.#long,
            };
          })();
    this.#count = 0;
    this.#seen = 0;
    this.#long = 0;
    this.#windowStart = now;
    return summary;
  }
}

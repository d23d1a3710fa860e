/**
 * The index a replay is played from, built once in one pass over the stream (and extended as a
 * live session grows): the camera samples, keyframes of the replay memory, the timeline markers
 * and the inactivity gaps. Seeking restores the last keyframe at or before the time and replays
 * the few events after it, so its cost does not grow with the session's length.
 */
import type { EventOf, VantageEvent } from '@vantage/sdk-core/schema';
import { VARIANT_EVENT } from '@vantage/three/variants';
import { DEFAULT_GAP_MS, isActivity, markerOf, type InactivityGap, type TimelineMarker } from './markers.js';
import { applyEvent, copyMemory, createMemory, type Memory, type VariantEvent } from './replay-state.js';
import type { ReplaySession, ReplayStream } from './stream.js';

/** Default: a keyframe at least every this much session time (ms). */
export const DEFAULT_KEYFRAME_INTERVAL_MS = 5_000;
/** Default: a keyframe at least every this many events, so a burst never makes a long replay. */
export const DEFAULT_KEYFRAME_EVENTS = 256;

/** Options of {@link createReplayIndex}. */
export interface ReplayIndexOptions {
  /** Session time between keyframes (ms). Default 5,000. */
  keyframeIntervalMs?: number;
  /** Events between keyframes at most. Default 256. */
  keyframeEvents?: number;
  /** Silences longer than this are inactivity gaps (ms). Default 10,000. */
  gapMs?: number;
  /**
   * The custom event of a material variant switch, replayed on the model; null: none. Default
   * `{ name: 'variant_selected', property: 'variant' }` (`VARIANT_EVENT` of `@vantage/three/variants`).
   */
  variantEvent?: VariantEvent | null;
}

/** A snapshot of the replay memory: every event before `memory.cursor` has `t <= time`, every later one `t >= time`. */
export interface Keyframe {
  /** Epoch ms. */
  readonly time: number;
  readonly memory: Memory;
}

/** The index of one session (see the module doc). Arrays grow in place when live events arrive. */
export interface ReplayIndex {
  readonly session: ReplaySession;
  /** Every event, sorted by `t`. */
  readonly events: readonly VantageEvent[];
  /** The camera samples, in order (for {@link cameraPoseAt}). */
  readonly cameraSamples: readonly EventOf<'camera'>[];
  /** Keyframes in time order; `keyframeTimes[i]` is `keyframes[i].time`. */
  readonly keyframes: readonly Keyframe[];
  readonly keyframeTimes: readonly number[];
  /** Clicks, picks, custom events and runtime errors, in time order. */
  readonly markers: readonly TimelineMarker[];
  /** Silences without activity longer than `gapMs`, in time order. */
  readonly gaps: readonly InactivityGap[];
  /** First and last event time (epoch ms); both `Date.parse(session.startedAt)` when there are no events. */
  readonly start: number;
  readonly end: number;
  /** Bumped when the index is rebuilt (an appended event older than the last one); states of an older version are stale. */
  readonly version: number;
  readonly options: Required<ReplayIndexOptions>;
  /**
   * Add newer events (a live session). Events must be sorted; ones older than the last indexed
   * event make the index rebuild itself from scratch (rare: a late batch).
   */
  append(events: readonly VantageEvent[]): void;
}

/** Build the index of `stream` (one pass; O(n) time, keyframes every few seconds). */
export function createReplayIndex(stream: ReplayStream, options: ReplayIndexOptions = {}): ReplayIndex {
  return new IndexBuilder(stream, {
    keyframeIntervalMs: options.keyframeIntervalMs ?? DEFAULT_KEYFRAME_INTERVAL_MS,
    keyframeEvents: options.keyframeEvents ?? DEFAULT_KEYFRAME_EVENTS,
    gapMs: options.gapMs ?? DEFAULT_GAP_MS,
    variantEvent: options.variantEvent === undefined ? VARIANT_EVENT : options.variantEvent,
  });
}

class IndexBuilder implements ReplayIndex {
  readonly session: ReplaySession;
  readonly events: VantageEvent[] = [];
  readonly cameraSamples: EventOf<'camera'>[] = [];
  readonly keyframes: Keyframe[] = [];
  readonly keyframeTimes: number[] = [];
  readonly markers: TimelineMarker[] = [];
  readonly gaps: InactivityGap[] = [];
  start: number;
  end: number;
  version = 0;
  readonly options: Required<ReplayIndexOptions>;
  /** The memory after every indexed event. */
  private readonly tail = createMemory();
  private nextKeyframeAt = Number.NaN;
  private sinceKeyframe = 0;
  private lastActivity = -Infinity;

  constructor(stream: ReplayStream, options: Required<ReplayIndexOptions>) {
    if (!(options.keyframeIntervalMs > 0) || !(options.keyframeEvents >= 1) || !(options.gapMs > 0)) {
      throw new RangeError('Vantage: createReplayIndex needs a positive keyframeIntervalMs, keyframeEvents and gapMs');
    }
    this.session = stream.session;
    this.options = options;
    const started = Date.parse(stream.session.startedAt);
    this.start = Number.isFinite(started) ? started : 0;
    this.end = this.start;
    const events = stream.events;
    let sorted = true;
    for (let i = 1; i < events.length && sorted; i++) sorted = events[i - 1]!.t <= events[i]!.t;
    this.add(sorted ? events : [...events].sort((a, b) => a.t - b.t));
  }

  append(events: readonly VantageEvent[]): void {
    if (events.length === 0) return;
    const last = this.events.length === 0 ? -Infinity : this.events[this.events.length - 1]!.t;
    let sorted = events[0]!.t >= last;
    for (let i = 1; i < events.length && sorted; i++) sorted = events[i - 1]!.t <= events[i]!.t;
    if (sorted) {
      this.add(events);
      return;
    }
    const all = [...this.events, ...events].sort((a, b) => a.t - b.t);
    this.reset();
    this.add(all);
    this.version++;
  }

  private reset(): void {
    this.events.length = 0;
    this.cameraSamples.length = 0;
    this.keyframes.length = 0;
    this.keyframeTimes.length = 0;
    this.markers.length = 0;
    this.gaps.length = 0;
    copyMemory(createMemory(), this.tail);
    this.nextKeyframeAt = Number.NaN;
    this.sinceKeyframe = 0;
    this.lastActivity = -Infinity;
  }

  private add(events: readonly VantageEvent[]): void {
    const { keyframeIntervalMs: interval, keyframeEvents, gapMs } = this.options;
    for (const event of events) {
      if (this.events.length === 0) {
        this.start = event.t;
        this.nextKeyframeAt = event.t + interval;
      }
      if (event.t > this.nextKeyframeAt) {
        // A keyframe on the grid: everything at or before it is applied, everything after is not.
        this.keyframe(this.nextKeyframeAt);
        this.nextKeyframeAt = this.start + interval * Math.ceil((event.t - this.start) / interval);
      } else if (this.sinceKeyframe >= keyframeEvents) {
        this.keyframe(this.events[this.events.length - 1]!.t);
      }
      this.events.push(event);
      this.sinceKeyframe++;
      applyEvent(this.tail, event, this.options.variantEvent);
      this.tail.cursor = this.events.length;
      if (event.type === 'camera') this.cameraSamples.push(event);
      const marker = markerOf(event);
      if (marker !== null) this.markers.push(marker);
      if (isActivity(event)) {
        if (this.lastActivity > -Infinity && event.t - this.lastActivity > gapMs) this.gaps.push({ start: this.lastActivity, end: event.t });
        this.lastActivity = event.t;
      }
      this.end = event.t;
    }
  }

  private keyframe(time: number): void {
    this.keyframes.push({ time, memory: copyMemory(this.tail, createMemory()) });
    this.keyframeTimes.push(time);
    this.sinceKeyframe = 0;
  }
}

/** Index of the last element of sorted `times` that is `<= t`, or -1 (binary search). */
export function lastAtOrBefore(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

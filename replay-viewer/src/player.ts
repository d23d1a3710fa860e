/**
 * The player core: DOM-free, deterministic, and allocation-free per frame. It turns a time into
 * a {@link ReplayState} from a {@link ReplayIndex}:
 *
 * - **seeking** restores the last keyframe at or before the time (binary search) and replays the
 *   events after it up to the time — at most one keyframe interval or `keyframeEvents` events,
 *   however long the session;
 * - **playing** (a small step forward) applies only the events since the previous frame;
 * - then the time-dependent parts are computed: the camera pose interpolated between the samples
 *   around the time (lerp/slerp, {@link cameraPoseAt}), what is still visible, active markers.
 *
 * Both paths give the same state for the same time; tests hold them to it.
 */
import { cameraPoseAt } from './camera-pose.js';
import { createReplayIndex, lastAtOrBefore, type ReplayIndex, type ReplayIndexOptions } from './replay-index.js';
import { applyEvent, copyMemory, createReplayState, MAX_ACTIVE_MARKERS, resetMemory, type ReplayState } from './replay-state.js';
import type { ReplayStream } from './stream.js';

/** Default: the pointer (ray, hit, hover) shows this long after the last pointer event (ms). */
export const DEFAULT_POINTER_HOLD_MS = 10_000;
/** Default: a picked mesh stays highlighted this long after its pick (ms). */
export const DEFAULT_PICK_HOLD_MS = 10_000;
/** Default: a marker is active (a ripple, a flash) this long after its moment (ms). */
export const DEFAULT_MARKER_HOLD_MS = 1_500;
/** A gaze hit is dropped once a camera sample this much newer (ms) came without one: the view moved off it. */
export const GAZE_STALE_MS = 1_000;

/** How long things stay visible after they happened (ms). */
export interface HoldOptions {
  /** Default 10,000. */
  pointerHoldMs?: number;
  /** Default 10,000. */
  pickHoldMs?: number;
  /** Default 1,500. */
  markerHoldMs?: number;
}

/** Options of {@link createPlayer}: the index's and the hold times. */
export interface PlayerOptions extends ReplayIndexOptions, HoldOptions {}

/** A player over one session (see the module doc). */
export interface Player {
  readonly index: ReplayIndex;
  /** The state of the last {@link Player.moveTo}. */
  readonly state: ReplayState;
  /**
   * Bring {@link Player.state} to time `t` (epoch ms) and return it: incrementally when `t` is a
   * little after the current time, from a keyframe otherwise. Allocates nothing.
   */
  moveTo(t: number): ReplayState;
  /** The state at `t` into `out` (default: a new state), always from a keyframe; leaves {@link Player.state} alone. */
  stateAt(t: number, out?: ReplayState): ReplayState;
  /** Add newer live events (see {@link ReplayIndex.append}). */
  append(events: Parameters<ReplayIndex['append']>[0]): void;
  /** Events applied by the last `moveTo` or `stateAt` (bounded by the keyframe spacing). */
  readonly replayed: number;
}

/** A player over `stream` (builds its index) or over an index built before. */
export function createPlayer(source: ReplayStream | ReplayIndex, options: PlayerOptions = {}): Player {
  const index = 'append' in source ? source : createReplayIndex(source, options);
  const holds: Required<HoldOptions> = {
    pointerHoldMs: options.pointerHoldMs ?? DEFAULT_POINTER_HOLD_MS,
    pickHoldMs: options.pickHoldMs ?? DEFAULT_PICK_HOLD_MS,
    markerHoldMs: options.markerHoldMs ?? DEFAULT_MARKER_HOLD_MS,
  };
  const state = createReplayState();
  let stateVersion = -1;
  let replayed = 0;

  return {
    index,
    state,
    get replayed() {
      return replayed;
    },
    moveTo(t) {
      const forward = stateVersion === index.version && t >= state.t && t - state.t <= index.options.keyframeIntervalMs;
      replayed = forward ? replayUntil(index, state, t) : seekInto(index, state, t);
      stateVersion = index.version;
      return finish(index, state, t, holds);
    },
    stateAt(t, out = createReplayState()) {
      replayed = seekInto(index, out, t);
      return finish(index, out, t, holds);
    },
    append(events) {
      index.append(events);
    },
  };
}

/** Restore the last keyframe at or before `t` into `state` and replay up to `t`; returns the events replayed. */
function seekInto(index: ReplayIndex, state: ReplayState, t: number): number {
  const k = lastAtOrBefore(index.keyframeTimes, t);
  if (k < 0) resetMemory(state.memory);
  else copyMemory(index.keyframes[k]!.memory, state.memory);
  return replayUntil(index, state, t);
}

/** Apply the events after the memory's cursor with `t_i <= t`; returns how many. */
function replayUntil(index: ReplayIndex, state: ReplayState, t: number): number {
  const { events } = index;
  const memory = state.memory;
  let i = memory.cursor;
  const from = i;
  const variantEvent = index.options.variantEvent;
  while (i < events.length && events[i]!.t <= t) applyEvent(memory, events[i++]!, variantEvent);
  memory.cursor = i;
  return i - from;
}

/** The parts of the state that depend on `t` itself. */
function finish(index: ReplayIndex, state: ReplayState, t: number, holds: Required<HoldOptions>): ReplayState {
  const m = state.memory;
  state.t = t;
  state.hasCamera = index.cameraSamples.length > 0;
  if (state.hasCamera) cameraPoseAt(index.cameraSamples, t, state.camera);
  state.fovDeg = m.fovDeg;
  state.pointerVisible = t - m.pointerT <= holds.pointerHoldMs;
  state.hovered = state.pointerVisible ? m.hovered : null;
  state.pickedCount = 0;
  for (let i = 0; i < m.pickCount; i++) {
    if (t - m.pickT[i]! <= holds.pickHoldMs) state.picked[state.pickedCount++] = m.pickMesh[i]!;
  }
  state.gazeVisible = m.gazeT > -Infinity && m.cameraT - m.gazeT <= GAZE_STALE_MS;
  const { markers } = index;
  state.activeMarkerCount = 0;
  let lo = 0;
  let hi = markers.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (markers[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0 && state.activeMarkerCount < MAX_ACTIVE_MARKERS && t - markers[i]!.t <= holds.markerHoldMs; i--) {
    state.activeMarkers[state.activeMarkerCount++] = i;
  }
  return state;
}

/**
 * The state at `t` by replaying every event from the start: what seeking would cost without
 * keyframes. The reference the tests compare the player with, and the benchmark's baseline.
 */
export function replayFromStart(index: ReplayIndex, t: number, out: ReplayState = createReplayState(), holds: HoldOptions = {}): ReplayState {
  resetMemory(out.memory);
  replayUntil(index, out, t);
  return finish(index, out, t, {
    pointerHoldMs: holds.pointerHoldMs ?? DEFAULT_POINTER_HOLD_MS,
    pickHoldMs: holds.pickHoldMs ?? DEFAULT_PICK_HOLD_MS,
    markerHoldMs: holds.markerHoldMs ?? DEFAULT_MARKER_HOLD_MS,
  });
}

/**
 * `@vantage/replay-viewer` — 3D session replay. The player core (DOM-free: index, keyframes,
 * state at any time, clock) and `createReplay`, the three.js viewer with its controls. The React
 * component is `@vantage/replay-viewer/react`; test helpers are `@vantage/replay-viewer/testing`.
 */
export { cameraPoseAt, createCameraPose, type CameraPose, type CameraSample } from './camera-pose.js';
export type { ReplayStream, ReplaySession, ReplayScene, SceneProxy, ProxyBox, LiveSource } from './stream.js';
export { DEFAULT_GAP_MS, isActivity, markerOf, type MarkerKind, type TimelineMarker, type InactivityGap } from './markers.js';
export {
  createReplayIndex,
  DEFAULT_KEYFRAME_INTERVAL_MS,
  DEFAULT_KEYFRAME_EVENTS,
  type ReplayIndex,
  type ReplayIndexOptions,
  type Keyframe,
} from './replay-index.js';
export { createReplayState, describeState, MAX_PICKS, MAX_ACTIVE_MARKERS, type ReplayState, type Memory } from './replay-state.js';
export {
  createPlayer,
  DEFAULT_POINTER_HOLD_MS,
  DEFAULT_PICK_HOLD_MS,
  DEFAULT_MARKER_HOLD_MS,
  GAZE_STALE_MS,
  type Player,
  type PlayerOptions,
  type HoldOptions,
} from './player.js';
export {
  createClock,
  advance,
  gapAround,
  skippedMs,
  SPEEDS,
  MIN_SPEED,
  MAX_SPEED,
  SKIP_MARGIN_MS,
  LIVE_DELAY_MS,
  LIVE_CATCH_UP_MS,
  type ReplayClock,
  type ClockOptions,
  type ClockTimeline,
} from './clock.js';
export { createReplay, type CreateReplayOptions, type ReplayHandle } from './create-replay.js';
export { formatDuration, MARKER_LEAD_MS } from './controls-bar.js';
export { OVERLAY_COLOURS } from './overlays.js';
export { HIGHLIGHT_NONE, HIGHLIGHT_HOVERED, HIGHLIGHT_PICKED, type Highlight } from './scene-model.js';

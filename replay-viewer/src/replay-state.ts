/**
 * The state of a replay at one moment, and the memory it is rebuilt from.
 *
 * {@link Memory} is what replaying the events up to a time leaves behind: the last pointer, the
 * hovered mesh, recent picks, the last gaze, the viewport, the field of view. It is flat (numbers
 * and strings), so a keyframe is a copy of it and restoring one is a copy back. {@link ReplayState}
 * adds what is computed from the memory and the time: the interpolated camera pose, what is
 * visible now, which markers are active. Nothing here allocates after creation.
 */
import { fromMm, NDC_SCALE, type VantageEvent } from '@vantage/sdk-core/schema';
import { createCameraPose, type CameraPose } from './camera-pose.js';

/** Most recent picks kept (distinct meshes). */
export const MAX_PICKS = 8;
/** Most markers active at once (the newest win). */
export const MAX_ACTIVE_MARKERS = 8;

/** What replaying events up to a time leaves behind. Times are epoch ms; -Infinity = never. */
export interface Memory {
  /** Events applied: `events[0 .. cursor)`. */
  cursor: number;
  /** Vertical field of view (degrees) from the last sample that carried one; NaN before. */
  fovDeg: number;
  /** Time of the last camera sample. */
  cameraT: number;
  /** Last pointer event (`pointer_move` or `click`): time, NDC position (-1..1, y up), mesh and hit point (metres). */
  pointerT: number;
  pointerX: number;
  pointerY: number;
  pointerMesh: string | null;
  pointerHit: boolean;
  pointerHx: number;
  pointerHy: number;
  pointerHz: number;
  /** The mesh under the pointer: set by pointer events, cleared by a `hover_dwell` that ends it. */
  hovered: string | null;
  /** Recent picks, most recent first: distinct meshes and when each was last picked. */
  pickCount: number;
  readonly pickMesh: string[];
  readonly pickT: Float64Array;
  /** Last gaze hit: time, mesh, point (metres). */
  gazeT: number;
  gazeMesh: string | null;
  gazeHx: number;
  gazeHy: number;
  gazeHz: number;
  /**
   * The visitor's canvas (CSS px) and device pixel ratio from `viewport` events (the connector
   * reports its canvas there; `session_start` carries the window, so it is not used); 0 until known.
   */
  viewportW: number;
  viewportH: number;
  dpr: number;
  /** The material variant the visitor last selected (see {@link VariantEvent}); null before any. */
  variant: string | null;
}

/**
 * The custom event that says the visitor switched the model's material variant, and the
 * property holding the variant's name. By default `variant_selected` / `variant`, the event
 * `@vantage/three/variants` documents.
 */
export interface VariantEvent {
  readonly name: string;
  readonly property: string;
}

/** A fresh memory: nothing replayed yet. */
export function createMemory(): Memory {
  return {
    cursor: 0,
    fovDeg: Number.NaN,
    cameraT: -Infinity,
    pointerT: -Infinity,
    pointerX: 0,
    pointerY: 0,
    pointerMesh: null,
    pointerHit: false,
    pointerHx: 0,
    pointerHy: 0,
    pointerHz: 0,
    hovered: null,
    pickCount: 0,
    pickMesh: new Array<string>(MAX_PICKS).fill(''),
    pickT: new Float64Array(MAX_PICKS),
    gazeT: -Infinity,
    gazeMesh: null,
    gazeHx: 0,
    gazeHy: 0,
    gazeHz: 0,
    viewportW: 0,
    viewportH: 0,
    dpr: 0,
    variant: null,
  };
}

/** Copy `from` into `to` (restoring a keyframe, or taking one). Returns `to`. */
export function copyMemory(from: Memory, to: Memory): Memory {
  to.cursor = from.cursor;
  to.fovDeg = from.fovDeg;
  to.cameraT = from.cameraT;
  to.pointerT = from.pointerT;
  to.pointerX = from.pointerX;
  to.pointerY = from.pointerY;
  to.pointerMesh = from.pointerMesh;
  to.pointerHit = from.pointerHit;
  to.pointerHx = from.pointerHx;
  to.pointerHy = from.pointerHy;
  to.pointerHz = from.pointerHz;
  to.hovered = from.hovered;
  to.pickCount = from.pickCount;
  for (let i = 0; i < MAX_PICKS; i++) {
    to.pickMesh[i] = from.pickMesh[i]!;
    to.pickT[i] = from.pickT[i]!;
  }
  to.gazeT = from.gazeT;
  to.gazeMesh = from.gazeMesh;
  to.gazeHx = from.gazeHx;
  to.gazeHy = from.gazeHy;
  to.gazeHz = from.gazeHz;
  to.viewportW = from.viewportW;
  to.viewportH = from.viewportH;
  to.dpr = from.dpr;
  to.variant = from.variant;
  return to;
}

/** Reset `memory` to nothing replayed. */
export function resetMemory(memory: Memory): Memory {
  return copyMemory(EMPTY, memory);
}

const EMPTY = createMemory();

/**
 * Apply one event to `memory` (the caller advances `cursor`). Camera poses are not kept here:
 * they are interpolated from the samples at any time. `variantEvent` names the custom event of
 * a variant switch (null: none is).
 */
export function applyEvent(memory: Memory, event: VantageEvent, variantEvent: VariantEvent | null): void {
  switch (event.type) {
    case 'camera':
      memory.cameraT = event.t;
      if (event.fov10 !== undefined) memory.fovDeg = event.fov10 / 10;
      return;
    case 'pointer_move':
    case 'click': {
      memory.pointerT = event.t;
      memory.pointerX = event.x / NDC_SCALE;
      memory.pointerY = event.y / NDC_SCALE;
      memory.pointerMesh = event.mesh ?? null;
      const hit = event.hx !== undefined && event.hy !== undefined && event.hz !== undefined;
      memory.pointerHit = hit;
      memory.pointerHx = hit ? fromMm(event.hx!) : 0;
      memory.pointerHy = hit ? fromMm(event.hy!) : 0;
      memory.pointerHz = hit ? fromMm(event.hz!) : 0;
      memory.hovered = memory.pointerMesh;
      return;
    }
    case 'hover_dwell':
      // Sent when a hover ends: the pointer left that mesh (unless a later move is on it again).
      if (memory.hovered === event.mesh && memory.pointerT <= event.t) memory.hovered = null;
      return;
    case 'mesh_pick':
      addPick(memory, event.mesh, event.t);
      return;
    case 'gaze':
      memory.gazeT = event.t;
      memory.gazeMesh = event.mesh ?? null;
      memory.gazeHx = fromMm(event.hx);
      memory.gazeHy = fromMm(event.hy);
      memory.gazeHz = fromMm(event.hz);
      return;
    case 'viewport':
      memory.viewportW = event.w;
      memory.viewportH = event.h;
      memory.dpr = event.dpr100 / 100;
      return;
    case 'custom':
      if (variantEvent !== null && event.name === variantEvent.name) {
        const variant = event.props?.[variantEvent.property];
        if (typeof variant === 'string') memory.variant = variant;
      }
      return;
    default:
      return;
  }
}

/** Put `mesh` first among the recent picks (moving it up if already there). */
function addPick(memory: Memory, mesh: string, t: number): void {
  let at = memory.pickCount;
  for (let i = 0; i < memory.pickCount; i++) {
    if (memory.pickMesh[i] === mesh) {
      at = i;
      break;
    }
  }
  if (at === MAX_PICKS) at = MAX_PICKS - 1; // full: the oldest goes
  for (let i = at; i > 0; i--) {
    memory.pickMesh[i] = memory.pickMesh[i - 1]!;
    memory.pickT[i] = memory.pickT[i - 1]!;
  }
  memory.pickMesh[0] = mesh;
  memory.pickT[0] = t;
  if (at === memory.pickCount) memory.pickCount++;
}

/**
 * The replay at time `t`: filled by the player, read by the viewer each frame. Positions are
 * metres in three.js world space; NDC is -1..1 with y up.
 */
export interface ReplayState {
  /** Epoch ms. */
  t: number;
  /** What the events up to `t` left behind (see {@link Memory}). */
  readonly memory: Memory;
  /** The camera, interpolated between the samples around `t`; valid when `hasCamera`. */
  readonly camera: CameraPose;
  hasCamera: boolean;
  /** Vertical field of view (degrees) from the samples; NaN when none carried one. */
  fovDeg: number;
  /** Whether to show the pointer: a pointer event within the hold time before `t`. */
  pointerVisible: boolean;
  /** The mesh under the pointer, while the pointer is visible and has not left it. */
  hovered: string | null;
  /** Meshes picked within the pick hold time, most recent first: `picked[0 .. pickedCount)`. */
  readonly picked: string[];
  pickedCount: number;
  /** Whether the last gaze hit still holds (no camera sample moved on without one). */
  gazeVisible: boolean;
  /** Markers whose moment is within the marker hold time before `t`: indices into the index's markers, newest first. */
  readonly activeMarkers: Int32Array;
  activeMarkerCount: number;
}

/** A state to fill, frame after frame. */
export function createReplayState(): ReplayState {
  return {
    t: Number.NaN,
    memory: createMemory(),
    camera: createCameraPose(),
    hasCamera: false,
    fovDeg: Number.NaN,
    pointerVisible: false,
    hovered: null,
    picked: new Array<string>(MAX_PICKS).fill(''),
    pickedCount: 0,
    gazeVisible: false,
    activeMarkers: new Int32Array(MAX_ACTIVE_MARKERS),
    activeMarkerCount: 0,
  };
}

/**
 * A plain, comparable picture of a state (allocates: for tests, logs and debugging, not for
 * frames). Two states that show the same replay describe equal.
 */
export function describeState(state: ReplayState): Record<string, unknown> {
  const m = state.memory;
  const round = (v: number) => Math.round(v * 1e9) / 1e9;
  return {
    t: state.t,
    cursor: m.cursor,
    camera: state.hasCamera
      ? [state.camera.position.x, state.camera.position.y, state.camera.position.z, state.camera.quaternion.x, state.camera.quaternion.y, state.camera.quaternion.z, state.camera.quaternion.w].map(round)
      : null,
    fovDeg: state.fovDeg,
    pointer: state.pointerVisible ? { x: m.pointerX, y: m.pointerY, mesh: m.pointerMesh, hit: m.pointerHit ? [m.pointerHx, m.pointerHy, m.pointerHz] : null } : null,
    hovered: state.hovered,
    picked: state.picked.slice(0, state.pickedCount),
    gaze: state.gazeVisible ? { mesh: m.gazeMesh, hit: [m.gazeHx, m.gazeHy, m.gazeHz] } : null,
    viewport: [m.viewportW, m.viewportH, m.dpr],
    variant: m.variant,
    activeMarkers: Array.from(state.activeMarkers.subarray(0, state.activeMarkerCount)),
  };
}

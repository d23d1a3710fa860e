/**
 * `trackScene(...)`: the three.js connector. It follows a scene through `scene.onAfterRender`
 * (chained with any handler the app set), so the app's render loop stays as it is, and turns
 * what happens into the client's events:
 *
 * - always on: camera samples at an adaptive rate, throttled pointer moves and clicks with the
 *   3D hit point and mesh id, mesh picks, frame performance windows, viewport changes, asset
 *   loads through a LoadingManager;
 * - opt-in, when the scene's capture flags allow: mesh visibility, hover dwell, gaze, resource
 *   samples and runtime errors.
 *
 * Per frame it does a handful of integer comparisons and, at fixed steps, bounding-sphere tests;
 * raycasts are throttled and go through the index's spheres first (see `picker.ts`). Nothing it
 * does throws into the render loop: failures are reported through `onError` and a `[vantage]`
 * console warning, and a connector that keeps failing switches itself off.
 */
import { VantageError, type VantageClient } from '@vantage/sdk-core';
import { DefaultLoadingManager, type Camera, type LoadingManager, type Object3D, type PerspectiveCamera, type Raycaster, type Scene, type Vector3, type WebGLRenderer } from 'three';
import { watchLoads } from './assets.js';
import { CameraSampler, CAMERA_SAMPLER_DEFAULTS } from './camera-sampler.js';
import { FrameWindow } from './frame-window.js';
import { gpuClassOfContext } from './gpu-class.js';
import { HoverTracker } from './hover.js';
import { invalidateMeshIds, meshIdOf } from './mesh-id.js';
import { Picker } from './picker.js';
import { buildProxy } from './proxy.js';
import { SceneIndex } from './scene-index.js';
import { THREE_CONNECTOR_VERSION } from './version.js';
import { VisibilityMeter } from './visibility.js';
import { mm } from './wire.js';

/** Tuning of the connector; every field has a default. */
export interface TrackSceneTuning {
  /** Shortest interval between two camera samples while the camera moves (ms). Default 100. */
  cameraIntervalMs?: number;
  /** Shortest interval between two pointer samples (ms). Default 100. */
  pointerIntervalMs?: number;
  /** Hovers shorter than this are not `hover_dwell` events (ms). Default 300. */
  hoverThresholdMs?: number;
  /** Length of a frame-performance window (ms). Default 1,000. */
  perfWindowMs?: number;
  /** Step of the visibility measurement (ms). Default 100. */
  visibilityStepMs?: number;
  /** Length of a visibility window: one `mesh_visibility` event per mesh seen, per window (ms). Default 10,000. */
  visibilityWindowMs?: number;
  /** Most `mesh_visibility` events per window (the meshes seen longest). Default 200. */
  maxVisibilityMeshes?: number;
  /** Interval of `resource_sample` (ms). Default 10,000. */
  resourceIntervalMs?: number;
  /** Most `runtime_error` events per minute. Default 10. */
  maxErrorsPerMinute?: number;
}

/** Options of {@link trackScene}. */
export interface TrackSceneOptions extends TrackSceneTuning {
  /** The scene: mesh ids are resolved relative to it, and its `onAfterRender` drives the connector. */
  scene: Scene;
  /** The renderer drawing the scene (its canvas takes the pointer, its counters feed `perf`). */
  renderer: WebGLRenderer;
  /** The client of `@vantage/sdk-core` the events go to. */
  client: VantageClient;
  /**
   * The camera used for pointer rays before the first frame. After it, the camera of the last
   * rendered frame is used (the one three passes to `onAfterRender`), so switching cameras works.
   */
  camera?: Camera;
  /** Where pointer input is read. Default `renderer.domElement`. */
  domElement?: HTMLElement;
  /** The manager whose loads become `asset_load` events. Default three's `DefaultLoadingManager`; `null` to watch none. */
  loadingManager?: LoadingManager | null;
  /** Which meshes count (for rays, visibility and the proxy). Default: every mesh. */
  include?: (object: Object3D) => boolean;
  /** Register the scene's proxy (mesh ids and boxes) with the collector. Default true. */
  registerProxy?: boolean;
  /** Hears every error of the connector; it never throws into the page. */
  onError?: (error: VantageError) => void;
  /**
   * What drives the connector's frames. `'after-render'` (default): it chains itself onto
   * `scene.onAfterRender`. `'manual'`: the host calls {@link SceneTracker.frame} once per frame
   * from its own loop (React Three Fiber's `useFrame`), and the scene is left untouched.
   */
  frames?: 'after-render' | 'manual';
  /**
   * The raycaster pointer, click and gaze rays go through (its layers and params apply). Default
   * the connector's own. A host with its own (React Three Fiber's `state.raycaster`) passes it:
   * its ray is set for each pick and put back as it was afterwards.
   */
  raycaster?: Raycaster;
  /**
   * The pointer in normalised device coordinates (-1..1, y up), kept current by the host's event
   * system (React Three Fiber's `state.pointer`). When set, the connector installs no
   * `pointermove` listener: it reads this each frame, and a change is a move. Its listeners for
   * leaving and clicking stay on `domElement`, after the host's own (so the value is current).
   */
  pointer?: { readonly x: number; readonly y: number };
  /**
   * Asked each frame: whether the visitor aims with the centre of the view (first-person controls
   * with the pointer locked) rather than with the pointer. While it returns true, pointer samples
   * and clicks are taken at the centre of the view, and a moving view counts as a pointer move.
   */
  aimAtCentre?: () => boolean;
}

/** The handle {@link trackScene} returns. */
export interface SceneTracker {
  /** False after {@link SceneTracker.stop} or when the connector switched itself off. */
  readonly active: boolean;
  /** Meshes covered now. */
  readonly meshCount: number;
  /** The app picked (selected) `object` itself, e.g. from a menu: a `mesh_pick` with source `app`. */
  pick(object: Object3D, point?: Vector3): void;
  /** Re-read mesh ids after objects were renamed or re-tagged (child changes are followed by themselves). */
  refresh(): void;
  /**
   * One frame, seen through `camera`: call it once per frame with `frames: 'manual'` (React Three
   * Fiber's `useFrame`). Does nothing otherwise, or after {@link SceneTracker.stop}. Never throws.
   */
  frame(camera: Camera): void;
  /** Send what the open windows hold, unhook everything, and stop. Does not stop the client. */
  stop(): void;
}

/** Errors before the connector switches itself off. */
const MAX_ERRORS = 20;
/** Pointer travel (CSS px) and time (ms) within which a press and release are a click, not a drag. */
const CLICK_SLOP_PX = 6;
const CLICK_MAX_MS = 800;
/**
 * Steps over every mesh (a ray, a visibility step) are spread out: at most one per frame, and
 * visibility steps at least this many frames apart — at a low frame rate the device is struggling,
 * and analytics must not make it slower (the visibility clock still counts every millisecond).
 */
const VISIBILITY_MIN_FRAMES = 6;
/** Pointer rays at least this many frames apart (besides `pointerIntervalMs`). */
const POINTER_MIN_FRAMES = 2;
/** Gaze rays (with camera samples) at least this many frames and milliseconds apart. */
const GAZE_MIN_FRAMES = 3;
const GAZE_INTERVAL_MS = 250;
/**
 * World bounding spheres (the first test of every ray and visibility step) are refreshed at most
 * this often (ms): a moving mesh's sphere lags by at most this much, which only decides which
 * meshes a ray tests exactly; the hit itself is always computed on the geometry as it is now.
 */
const SPHERE_REFRESH_MS = 50;
/** How often the connector looks at timers, the viewport and the proxy outside frames (ms). */
const HOUSEKEEPING_MS = 250;
/** The proxy is registered once the mesh set has been stable this long (ms). */
const PROXY_SETTLE_MS = 1000;

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** What `what` threw, as an `internal` error ("`what` failed: …"). */
function failure(what: string, error: unknown): VantageError {
  return new VantageError('internal', `${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/** A handle that does nothing (unusable options). */
function inertTracker(): SceneTracker {
  return { active: false, meshCount: 0, pick: () => undefined, refresh: () => undefined, frame: () => undefined, stop: () => undefined };
}

/**
 * Follow a three.js scene and send what people do in it through `client`.
 *
 * ```ts
 * const client = createClient({ endpoint: 'https://collect.example.com', key: 'pk_…', sceneId: 'sofa' });
 * const tracker = trackScene({ scene, camera, renderer, client });
 * ```
 *
 * Never throws: unusable options give an inactive handle and an error through `onError`.
 */
export function trackScene(options: TrackSceneOptions): SceneTracker {
  let warnings = 0;
  const onError = typeof options?.onError === 'function' ? options.onError : undefined;
  function report(error: VantageError): void {
    if (warnings < MAX_ERRORS) {
      warnings++;
      try {
        console.warn(`[vantage] ${error.message}`);
      } catch {
        // a broken console must not break the host
      }
    }
    try {
      onError?.(error);
    } catch {
      // the host's own handler failed; nobody is left to tell
    }
  }
  const scene = options?.scene;
  const renderer = options?.renderer;
  const client = options?.client;
  if (!scene || (scene as { isScene?: boolean }).isScene !== true || !renderer || typeof renderer.render !== 'function' || !client || typeof client.track !== 'function') {
    report(new VantageError('invalid_options', 'trackScene needs { scene, renderer, client }'));
    return inertTracker();
  }
  if (!client.active) return inertTracker();
  const teardown: Array<() => void> = [];
  try {
    return startTracking(options, report, teardown);
  } catch (error) {
    // Undo whatever the failed start had installed (listeners, hooks, timers).
    for (const undo of teardown.splice(0).reverse()) {
      try {
        undo();
      } catch {
        // already reporting the failure that matters
      }
    }
    report(failure('trackScene()', error));
    return inertTracker();
  }
}

/** Install everything; each step pushes its undo onto `teardown` (the caller undoes a failed start). */
function startTracking(options: TrackSceneOptions, report: (error: VantageError) => void, teardown: Array<() => void>): SceneTracker {
  const { scene, renderer, client } = options;
  const element: HTMLElement = options.domElement ?? renderer.domElement;
  const win: (Window & typeof globalThis) | undefined = typeof window === 'undefined' ? undefined : window;
  const perfNow = (): number => performance.now();
  const include = typeof options.include === 'function' ? options.include : () => true;
  const tuning = {
    pointerIntervalMs: positive(options.pointerIntervalMs, 100),
    hoverThresholdMs: positive(options.hoverThresholdMs, 300),
    perfWindowMs: positive(options.perfWindowMs, 1000),
    visibilityStepMs: positive(options.visibilityStepMs, 100),
    visibilityWindowMs: positive(options.visibilityWindowMs, 10_000),
    maxVisibilityMeshes: Math.floor(positive(options.maxVisibilityMeshes, 200)),
    resourceIntervalMs: positive(options.resourceIntervalMs, 10_000),
    maxErrorsPerMinute: Math.floor(positive(options.maxErrorsPerMinute, 10)),
  };

  const index = new SceneIndex(scene, (object) => include(object));
  const picker = new Picker(index, options.raycaster);
  const hostPointer = options.pointer && typeof options.pointer.x === 'number' ? options.pointer : undefined;
  const aimAtCentre = typeof options.aimAtCentre === 'function' ? options.aimAtCentre : undefined;
  const manualFrames = options.frames === 'manual';
  const sampler = new CameraSampler({ ...CAMERA_SAMPLER_DEFAULTS, minIntervalMs: positive(options.cameraIntervalMs, CAMERA_SAMPLER_DEFAULTS.minIntervalMs) });
  const frames = new FrameWindow();
  const hover = new HoverTracker(tuning.hoverThresholdMs);
  const visibility = new VisibilityMeter(index);

  let running = true;
  let failures = 0;
  let frame = 0;
  let camera: Camera | undefined = options.camera;
  let session: string | undefined;
  let lastRebuild = -Infinity;

  // Pointer state, written by the DOM handlers (two numbers), read by the frame.
  let pointerInside = false;
  let pointerDirty = false;
  let pointerX = 0;
  let pointerY = 0;
  let lastPointerSample = -Infinity;
  let downX = 0;
  let downY = 0;
  let downAt = -Infinity;
  let downButton = -1;
  /**
   * The host pointer's value at the last frame (see `options.pointer`): x, y. In a typed array, as
   * a double written to a closure variable every frame would be a new heap number every frame.
   */
  const hostLast = new Float64Array(2);
  if (hostPointer) {
    hostLast[0] = hostPointer.x;
    hostLast[1] = hostPointer.y;
  }
  /** Whether the view aims at its centre (see `options.aimAtCentre`). */
  let centred = false;

  let lastVisibilityStep = -Infinity;
  let visibilityFrame = -Infinity;
  let pointerFrame = -Infinity;
  let gazeFrame = -Infinity;
  /** The frame that already did a step over every mesh (a ray or a visibility step): one per frame. */
  let heavyFrame = -1;
  /** World bounding spheres are refreshed once per epoch (see SPHERE_REFRESH_MS). */
  let epoch = 0;
  let epochAt = -Infinity;
  let gazeAt = -Infinity;
  function takeHeavyStep(): boolean {
    if (heavyFrame === frame) return false;
    heavyFrame = frame;
    return true;
  }
  let visibilityWindowStart = perfNow();
  let lastResourceSample = -Infinity;
  let viewportSent = '';
  let viewportSeen = '';
  let proxyVersion = -1;
  let errorWindowStart = 0;
  let errorsInWindow = 0;
  const recentErrors = new Set<string>();

  function fail(what: string, error: unknown): void {
    failures++;
    report(failure(what, error));
    if (failures >= MAX_ERRORS && running) {
      report(new VantageError('internal', `failed ${failures} times and switched itself off`));
      stop();
    }
  }

  function guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      fail(what, error);
    }
  }

  // ---- emitting -----------------------------------------------------------------------------

  function emitCamera(c: Camera): void {
    const p = sampler.pose;
    if (sampler.fovChanged && p.fov10 > 0) {
      client.track('camera', { px: p.px, py: p.py, pz: p.pz, qx: p.qx, qy: p.qy, qz: p.qz, qw: p.qw, fov10: p.fov10 });
    } else {
      client.track('camera', { px: p.px, py: p.py, pz: p.pz, qx: p.qx, qy: p.qy, qz: p.qz, qw: p.qw });
    }
    const now = perfNow();
    if (client.isEnabled('gaze') && frame - gazeFrame >= GAZE_MIN_FRAMES && now - gazeAt >= GAZE_INTERVAL_MS && takeHeavyStep()) {
      gazeFrame = frame;
      gazeAt = now;
      if (picker.pick(c, 0, 0, epoch) && picker.hit) {
        const pt = picker.point;
        client.track('gaze', { hx: mm(pt.x), hy: mm(pt.y), hz: mm(pt.z), mesh: picker.hit.id });
      }
    }
  }

  function emitDwell(now: number, mesh: string | null, point: Vector3 | null): void {
    const dwell = hover.update(now, mesh, point);
    if (dwell && client.isEnabled('hover_dwell')) client.track('hover_dwell', dwell);
  }

  function emitPerf(now: number): void {
    const summary = frames.take(now);
    if (!summary || !client.isEnabled('perf')) return;
    const info = renderer.info.render;
    client.track('perf', { ...summary, drawCalls: info.calls, triangles: info.triangles });
  }

  function emitVisibility(now: number): void {
    visibilityWindowStart = now;
    const totals = visibility.take(tuning.maxVisibilityMeshes);
    if (!client.isEnabled('mesh_visibility')) return;
    for (const t of totals) {
      client.track('mesh_visibility', { mesh: t.id, visibleMs: t.visibleMs, centreMs: t.centreMs, maxScreenPermille: t.maxScreenPermille });
    }
  }

  /** Close every open window (page hide, stop): nothing measured is left behind. */
  function flushWindows(): void {
    const now = perfNow();
    emitDwell(now, null, null);
    emitPerf(now);
    emitVisibility(now);
    frames.pause();
    visibility.pause();
  }

  // ---- pointer --------------------------------------------------------------------------------

  /**
   * The element's box, read outside the frame when it can have changed: a scroll or a resize
   * drops it, and housekeeping reads it again every step (a layout shift that neither scrolls
   * nor resizes is seen within {@link HOUSEKEEPING_MS}). Reading it in the frame hook could force
   * a layout in the middle of the app's frame; a click always reads it fresh.
   */
  let box: DOMRect | undefined;
  const readBox = (): DOMRect => (box = element.getBoundingClientRect());
  /** Client coordinates → NDC in `ndc` (returns false when the element has no size). */
  const ndc = { x: 0, y: 0 };
  function toNdc(clientX: number, clientY: number, rect: DOMRect): boolean {
    if (rect.width <= 0 || rect.height <= 0) return false;
    ndc.x = Math.max(-1, Math.min(1, ((clientX - rect.left) / rect.width) * 2 - 1));
    ndc.y = Math.max(-1, Math.min(1, -(((clientY - rect.top) / rect.height) * 2 - 1)));
    return true;
  }
  const wireNdc = (v: number): number => Math.round(v * 10_000);

  function samplePointer(now: number, c: Camera, send: boolean): void {
    lastPointerSample = now;
    if (centred) {
      ndc.x = 0;
      ndc.y = 0;
    } else if (hostPointer) {
      ndc.x = Math.max(-1, Math.min(1, hostPointer.x));
      ndc.y = Math.max(-1, Math.min(1, hostPointer.y));
    } else if (!toNdc(pointerX, pointerY, box ?? readBox())) return;
    const hit = picker.pick(c, ndc.x, ndc.y, epoch) ? picker.hit : null;
    const pt = picker.point;
    if (send && client.isEnabled('pointer_move')) {
      if (hit) client.track('pointer_move', { x: wireNdc(ndc.x), y: wireNdc(ndc.y), mesh: hit.id, hx: mm(pt.x), hy: mm(pt.y), hz: mm(pt.z) });
      else client.track('pointer_move', { x: wireNdc(ndc.x), y: wireNdc(ndc.y) });
    }
    emitDwell(now, hit ? hit.id : null, hit ? pt : null);
  }

  function onClick(clientX: number, clientY: number, button: number): void {
    const c = camera;
    if (!c) return;
    if (aimAtCentre?.() === true) {
      ndc.x = 0;
      ndc.y = 0;
    } else if (hostPointer) {
      ndc.x = Math.max(-1, Math.min(1, hostPointer.x));
      ndc.y = Math.max(-1, Math.min(1, hostPointer.y));
    } else if (!toNdc(clientX, clientY, readBox())) return;
    if (index.dirty) rebuild(perfNow());
    // A fresh epoch: the spheres are refreshed for where things are now.
    epoch++;
    epochAt = perfNow();
    const hit = picker.pick(c, ndc.x, ndc.y, epoch) ? picker.hit : null;
    const pt = picker.point;
    const b = Math.max(0, Math.min(4, button));
    if (hit) {
      const h = { hx: mm(pt.x), hy: mm(pt.y), hz: mm(pt.z) };
      client.track('click', { x: wireNdc(ndc.x), y: wireNdc(ndc.y), button: b, mesh: hit.id, ...h });
      client.track('mesh_pick', { mesh: hit.id, source: 'pointer', ...h });
    } else {
      client.track('click', { x: wireNdc(ndc.x), y: wireNdc(ndc.y), button: b });
    }
  }

  function listen<E extends Event>(target: EventTarget | undefined, type: string, fn: (event: E) => void, opts: AddEventListenerOptions = { passive: true }): void {
    if (!target) return;
    const wrapped = ((event: E) => guard(type, () => fn(event))) as EventListener;
    target.addEventListener(type, wrapped, opts);
    teardown.push(() => target.removeEventListener(type, wrapped, opts));
  }

  if (!hostPointer) {
    listen<PointerEvent>(element, 'pointermove', (e) => {
      pointerX = e.clientX;
      pointerY = e.clientY;
      pointerInside = true;
      pointerDirty = true;
    });
  }
  listen<PointerEvent>(element, 'pointerleave', () => {
    pointerInside = false;
    pointerDirty = false;
    emitDwell(perfNow(), null, null);
  });
  listen<PointerEvent>(element, 'pointerdown', (e) => {
    downX = e.clientX;
    downY = e.clientY;
    downAt = perfNow();
    downButton = e.button;
  });
  listen<PointerEvent>(element, 'pointerup', (e) => {
    const pressed = downAt;
    downAt = -Infinity;
    if (e.button !== downButton || perfNow() - pressed > CLICK_MAX_MS) return;
    if (Math.abs(e.clientX - downX) > CLICK_SLOP_PX || Math.abs(e.clientY - downY) > CLICK_SLOP_PX) return;
    onClick(e.clientX, e.clientY, e.button);
  });

  const dropBox = (): void => {
    box = undefined;
  };
  listen(win, 'resize', dropBox);
  listen(win, 'scroll', dropBox, { passive: true, capture: true });

  // ---- runtime errors (opt-in) ----------------------------------------------------------------

  function emitRuntimeError(message: string, source: string | undefined, line: number | undefined, col: number | undefined, stack: string | undefined): void {
    if (!client.isEnabled('runtime_error')) return;
    const now = perfNow();
    if (now - errorWindowStart > 60_000) {
      errorWindowStart = now;
      errorsInWindow = 0;
      recentErrors.clear();
    }
    const text = (message || 'Error').slice(0, 1024);
    const key = `${text}\u0000${source ?? ''}\u0000${line ?? ''}`;
    if (errorsInWindow >= tuning.maxErrorsPerMinute || recentErrors.has(key)) return;
    errorsInWindow++;
    recentErrors.add(key);
    const fields: { message: string; source?: string; line?: number; col?: number; stack?: string } = { message: text };
    if (source) fields.source = source.replace(/[?#].*$/, '').slice(0, 512);
    if (typeof line === 'number' && line >= 0) fields.line = Math.floor(line);
    if (typeof col === 'number' && col >= 0) fields.col = Math.floor(col);
    if (stack) fields.stack = stack.slice(0, 4096);
    client.track('runtime_error', fields);
  }
  listen<ErrorEvent>(win, 'error', (e) => {
    // Resource load errors (an <img> failing) reach window listeners without an ErrorEvent.
    if (typeof e.message !== 'string') return;
    const err: unknown = e.error;
    emitRuntimeError(e.message, e.filename || undefined, e.lineno, e.colno, err instanceof Error ? err.stack : undefined);
  });
  listen<PromiseRejectionEvent>(win, 'unhandledrejection', (e) => {
    const reason: unknown = e.reason;
    const message = reason instanceof Error ? `${reason.name}: ${reason.message}` : `Unhandled rejection: ${String(reason)}`;
    emitRuntimeError(message, undefined, undefined, undefined, reason instanceof Error ? reason.stack : undefined);
  });

  // ---- page lifecycle -------------------------------------------------------------------------

  teardown.push(client.onPageHide(() => guard('pagehide', flushWindows)));
  listen(typeof document === 'undefined' ? undefined : document, 'visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushWindows();
  });

  // ---- asset loads ----------------------------------------------------------------------------

  const manager = options.loadingManager === undefined ? DefaultLoadingManager : options.loadingManager;
  const loads = manager
    ? watchLoads(
        manager,
        perfNow,
        (load) => {
          if (running) client.track('asset_load', load);
        },
        (error) => fail('asset_load', error),
      )
    : undefined;
  if (loads) teardown.push(() => loads.stop());

  // ---- the frame --------------------------------------------------------------------------------

  function rebuild(now: number): void {
    index.rebuild();
    lastRebuild = now;
  }

  function onFrame(c: Camera): void {
    const now = perfNow();
    frame++;
    if (now - epochAt >= SPHERE_REFRESH_MS) {
      epoch++;
      epochAt = now;
    }
    camera = c;
    frames.frame(now);
    if (index.dirty && now - lastRebuild >= HOUSEKEEPING_MS) rebuild(now);
    const current = client.sessionId;
    if (current !== session) {
      session = current;
      sampler.force();
      viewportSent = '';
    }
    if (current === undefined) return;
    let viewMoved = false;
    if (client.isEnabled('camera')) {
      const fov = (c as PerspectiveCamera).isPerspectiveCamera === true ? (c as PerspectiveCamera).fov : undefined;
      if (sampler.update(now, c.matrixWorld, fov)) {
        viewMoved = true;
        emitCamera(c);
      }
    }
    if (hostPointer && (hostPointer.x !== hostLast[0] || hostPointer.y !== hostLast[1])) {
      hostLast[0] = hostPointer.x;
      hostLast[1] = hostPointer.y;
      pointerInside = true;
      pointerDirty = true;
    }
    if (aimAtCentre) {
      const was = centred;
      centred = aimAtCentre() === true;
      if (centred) {
        // The crosshair is the pointer: it is always inside, and moves with the view.
        pointerInside = true;
        if (viewMoved || !was) pointerDirty = true;
      }
    }
    if (pointerInside && now - lastPointerSample >= tuning.pointerIntervalMs && frame - pointerFrame >= POINTER_MIN_FRAMES && heavyFrame !== frame) {
      pointerFrame = frame;
      if (pointerDirty) {
        heavyFrame = frame;
        pointerDirty = false;
        samplePointer(now, c, true);
      } else if (hover.current !== null && now - lastPointerSample >= 2 * tuning.pointerIntervalMs && client.isEnabled('hover_dwell')) {
        // The pointer rests but the view may move under it: what is hovered is checked again.
        heavyFrame = frame;
        samplePointer(now, c, false);
      }
    }
    if (now - lastVisibilityStep >= tuning.visibilityStepMs && frame - visibilityFrame >= VISIBILITY_MIN_FRAMES && heavyFrame !== frame && client.isEnabled('mesh_visibility')) {
      lastVisibilityStep = now;
      visibilityFrame = frame;
      heavyFrame = frame;
      const size = renderer.domElement;
      visibility.step(now, c, size.height > 0 ? size.width / size.height : 1, epoch);
    }
    if (frames.startedAt >= 0 && now - frames.startedAt >= tuning.perfWindowMs) emitPerf(now);
  }

  const previousAfterRender = manualFrames ? undefined : scene.onAfterRender;
  // Explicit parameters, not `...rest`: a rest array would be an allocation every frame.
  const afterRender: Scene['onAfterRender'] = function (this: Scene, r, s, c, geometry, material, group) {
    try {
      previousAfterRender?.call(this, r, s, c, geometry, material, group);
    } finally {
      if (running) {
        try {
          onFrame(c);
        } catch (error) {
          fail('the frame hook', error);
        }
      }
    }
  };
  if (previousAfterRender) {
    scene.onAfterRender = afterRender;
    teardown.push(() => {
      // Only undo what is still ours (the app may have chained its own handler after us).
      if (scene.onAfterRender === afterRender) scene.onAfterRender = previousAfterRender;
    });
  }

  // ---- housekeeping between frames ------------------------------------------------------------

  function viewport(): void {
    const w = Math.round(element.clientWidth);
    const h = Math.round(element.clientHeight);
    if (w < 1 || h < 1) return;
    const dpr = Math.round((renderer.getPixelRatio() || win?.devicePixelRatio || 1) * 100);
    const key = `${w}x${h}@${dpr}`;
    // Sent once the size held for one housekeeping step (a window drag is one event, not fifty).
    if (key !== viewportSeen) {
      viewportSeen = key;
      if (viewportSent !== '') return;
    }
    if (key === viewportSent) return;
    viewportSent = key;
    client.track('viewport', { w: Math.min(16384, w), h: Math.min(16384, h), dpr100: Math.max(25, Math.min(1600, dpr)) });
  }

  function resources(now: number): void {
    if (now - lastResourceSample < tuning.resourceIntervalMs || !client.isEnabled('resource_sample')) return;
    lastResourceSample = now;
    const memory = renderer.info.memory;
    const programs = renderer.info.programs;
    const heap = (performance as Performance & { memory?: { usedJSHeapSize?: number } }).memory?.usedJSHeapSize;
    const fields: { geometries: number; textures: number; programs: number; heapKb?: number } = {
      geometries: memory.geometries,
      textures: memory.textures,
      programs: programs ? programs.length : 0,
    };
    if (typeof heap === 'number' && heap > 0) fields.heapKb = Math.min(2_147_483_647, Math.round(heap / 1024));
    client.track('resource_sample', fields);
  }

  /**
   * The proxy goes out once the mesh set has settled: not while the scene has no mesh yet, nor
   * while a load the connector watches is in flight (a model still on its way would first send the
   * scene without it, then with it — and on a later visit overwrite the full proxy with the
   * partial one before sending the full one again).
   */
  function proxy(now: number): void {
    if (options.registerProxy === false || proxyVersion === index.version || index.dirty || now - lastRebuild < PROXY_SETTLE_MS) return;
    if (index.entries.length === 0 || (loads !== undefined && loads.pending() > 0)) return;
    proxyVersion = index.version;
    const built = buildProxy(index);
    if (built.truncated > 0) {
      report(new VantageError('invalid_options', `proxy: ${built.truncated} meshes left out`));
    }
    void client.registerProxy(built.proxy);
  }

  const housekeeping = setInterval(() => {
    if (!running) return;
    guard('housekeeping', () => {
      const now = perfNow();
      if (index.dirty && now - lastRebuild >= HOUSEKEEPING_MS) rebuild(now);
      if (pointerInside && !hostPointer) readBox();
      else box = undefined;
      if (client.sessionId === undefined) return;
      const c = camera;
      if (c && client.isEnabled('camera') && sampler.settle(now)) emitCamera(c);
      if (now - visibilityWindowStart >= tuning.visibilityWindowMs) emitVisibility(now);
      viewport();
      resources(now);
      proxy(now);
    });
  }, HOUSEKEEPING_MS);
  teardown.push(() => clearInterval(housekeeping));
  teardown.push(() => index.dispose());

  // The session's GPU class, mapped in the page (the renderer string itself is never sent).
  guard('gpu class', () => client.setSessionInfo({ sdk: `three/${THREE_CONNECTOR_VERSION}`, gpu: gpuClassOfContext(renderer.getContext()) }));
  rebuild(perfNow());

  function uninstall(): void {
    running = false;
    for (const undo of teardown.splice(0).reverse()) {
      try {
        undo();
      } catch (error) {
        report(failure('stop()', error));
      }
    }
  }

  function stop(): void {
    if (!running) return;
    guard('stop', flushWindows);
    uninstall();
  }

  return {
    get active() {
      return running;
    },
    get meshCount() {
      return index.entries.length;
    },
    pick(object, point) {
      if (!running) return;
      guard('pick()', () => {
        if (!object || (object as { isObject3D?: boolean }).isObject3D !== true) {
          report(new VantageError('invalid_event', 'pick() needs an Object3D'));
          return;
        }
        const id = meshIdOf(object, scene);
        if (point) client.track('mesh_pick', { mesh: id, source: 'app', hx: mm(point.x), hy: mm(point.y), hz: mm(point.z) });
        else client.track('mesh_pick', { mesh: id, source: 'app' });
      });
    },
    refresh() {
      if (!running) return;
      guard('refresh()', () => {
        invalidateMeshIds(scene);
        index.dirty = true;
        rebuild(perfNow());
      });
    },
    frame(c) {
      if (!running || !manualFrames) return;
      try {
        onFrame(c);
      } catch (error) {
        fail('the frame hook', error);
      }
    },
    stop,
  };
}


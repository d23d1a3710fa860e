/**
 * `createReplay` — a session replayed inside its 3D scene: a three.js renderer in your container,
 * the camera driven by the visitor's interpolated camera, the pointer ray and hit point, hovered
 * and picked meshes highlighted, gaze hits and click ripples, and a control bar with a timeline.
 * The player core does the replaying; this file wires it to three.js, the DOM and the keyboard.
 */
import { Color, NeutralToneMapping, PerspectiveCamera, PMREMGenerator, Scene, Vector3, WebGLRenderer, type ColorRepresentation } from 'three';
import { RoomEnvironment } from 'three/addons/environments/RoomEnvironment.js';
import { createClock, type ReplayClock } from './clock.js';
import { createControlsBar, type ControlsBar } from './controls-bar.js';
import { createOverlays } from './overlays.js';
import { createPlayer, DEFAULT_MARKER_HOLD_MS, type PlayerOptions } from './player.js';
import type { ReplayIndex } from './replay-index.js';
import type { ReplayState } from './replay-state.js';
import { HIGHLIGHT_HOVERED, HIGHLIGHT_NONE, HIGHLIGHT_PICKED, loadSceneModel, type SceneModel } from './scene-model.js';
import type { LiveSource, ReplayScene, ReplayStream } from './stream.js';
import { injectStyles } from './styles.js';

/** Options of {@link createReplay}. */
export interface CreateReplayOptions extends PlayerOptions {
  /** Where the viewer goes; it fills the element (give it a size). */
  container: HTMLElement;
  /** The session (see {@link ReplayStream}); for a live session it may start empty. */
  stream: ReplayStream;
  /** The scene's model URL or proxy; default none (camera, pointer and markers only). */
  scene?: ReplayScene;
  /** Start time (epoch ms); default the first event. */
  at?: number;
  /** Default 1 (0.5–8). */
  speed?: number;
  /** Skip silences over 10 s while playing; default true. */
  skipInactivity?: boolean;
  /** Start playing once the scene is loaded; default false. */
  autoplay?: boolean;
  /** Follow this live session from the start (see {@link ReplayHandle.follow}). */
  live?: LiveSource;
  /** Show the control bar; default true. */
  controls?: boolean;
  /** Keyboard shortcuts on the focused viewer; default true. */
  keyboard?: boolean;
  /** Scene background; default the demo's warm grey `0xeeece8`. */
  background?: ColorRepresentation;
  /** Called with a `Vantage:` error when something fails (a model that does not load); default `console.warn`. */
  onError?: (error: Error) => void;
}

/** The running replay. Times are epoch ms, like the events'. */
export interface ReplayHandle {
  play(): void;
  pause(): void;
  toggle(): void;
  /** Jump to `t` (epoch ms, clamped to the session); leaves follow mode. */
  seek(t: number): void;
  /** 0.5–8. */
  setSpeed(speed: number): void;
  setSkipInactivity(on: boolean): void;
  /** Attach a live source: its events are added as they come, and the replay stays about a second behind the newest. */
  follow(source: LiveSource): void;
  /** Back to the live edge of the followed session. */
  jumpToLive(): void;
  /** Stop rendering, detach the live source, free the GPU resources and remove the viewer's DOM. */
  dispose(): void;
  /** A promise for the next drawn frame (e.g. before a screenshot). */
  nextFrame(): Promise<void>;
  readonly time: number;
  readonly playing: boolean;
  readonly speed: number;
  readonly skipInactivity: boolean;
  /** At the live edge of a followed session. */
  readonly live: boolean;
  readonly start: number;
  readonly end: number;
  /** The state on screen. */
  readonly state: ReplayState;
  readonly index: ReplayIndex;
  /** Resolves when the scene (model, proxy or nothing) is in place. */
  readonly ready: Promise<void>;
  readonly renderer: WebGLRenderer;
  readonly scene: Scene;
  readonly camera: PerspectiveCamera;
}

/** The camera's field of view when no sample carried one (degrees): three.js's default. */
const DEFAULT_FOV = 50;
/** Longest wall time one frame may advance (ms): a hidden tab resumes where it was. */
const MAX_FRAME_MS = 250;
/** Wall-clock seek step of the arrow keys (ms of session time). */
const ARROW_STEP_MS = 5_000;
const VIEW_FROM = new Vector3(0.55, 0.4, 1).normalize();

/** Create a replay in `options.container` (see {@link CreateReplayOptions}). */
export function createReplay(options: CreateReplayOptions): ReplayHandle {
  const { container } = options;
  if (!container || typeof (container as HTMLElement).appendChild !== 'function') {
    throw new TypeError('Vantage: createReplay needs a container element');
  }
  if (!options.stream || !Array.isArray(options.stream.events)) throw new TypeError('Vantage: createReplay needs a stream ({ session, events })');
  const doc = container.ownerDocument;
  const onError = options.onError ?? ((error: Error) => console.warn(error.message));
  const markerHoldMs = options.markerHoldMs ?? DEFAULT_MARKER_HOLD_MS;
  injectStyles(doc);

  const player = createPlayer(options.stream, options);
  const { index } = player;
  const clock: ReplayClock = createClock(index, { at: options.at, speed: options.speed, skipInactivity: options.skipInactivity });

  const root = doc.createElement('div');
  root.className = 'vantage-replay';
  root.tabIndex = 0;
  root.setAttribute('role', 'region');
  root.setAttribute('aria-label', `Session replay ${index.session.id}`);
  root.setAttribute('aria-keyshortcuts', 'Space ArrowLeft ArrowRight [ ] L');
  const stage = doc.createElement('div');
  stage.className = 'vantage-replay-stage';
  const cursor = doc.createElement('div');
  cursor.className = 'vantage-replay-cursor';
  cursor.setAttribute('aria-hidden', 'true');
  root.append(stage);
  container.append(root);

  const renderer = new WebGLRenderer({ antialias: true });
  renderer.setPixelRatio(Math.min(doc.defaultView?.devicePixelRatio ?? 1, 2));
  renderer.toneMapping = NeutralToneMapping;
  renderer.autoClear = false;
  renderer.domElement.setAttribute('aria-label', 'The visitor’s view');
  renderer.domElement.setAttribute('role', 'img');
  stage.append(renderer.domElement, cursor);

  const scene = new Scene();
  scene.background = new Color(options.background ?? 0xeeece8);
  const pmrem = new PMREMGenerator(renderer);
  const room = new RoomEnvironment();
  scene.environment = pmrem.fromScene(room, 0.04).texture;
  room.dispose();
  pmrem.dispose();
  const camera = new PerspectiveCamera(DEFAULT_FOV, 1, 0.01, 500);
  const overlays = createOverlays();

  let model: SceneModel | null = null;
  let markerSize = 0.02;
  let disposed = false;
  let dirty = true;
  let unsubscribe: (() => void) | null = null;
  let waiting: Array<() => void> = [];

  const ready = loadSceneModel(options.scene ?? {}, scene, onError).then((loaded) => {
    if (disposed) {
      loaded.dispose();
      return;
    }
    model = loaded;
    // What the scene is drawn from, for pages and tests: 'gltf', 'proxy' (a model that failed to load falls back to it) or 'empty'.
    root.dataset.sceneModel = loaded.kind;
    markerSize = Math.max(0.004, loaded.bounds.radius * 0.012);
    camera.far = Math.max(100, loaded.bounds.radius * 50);
    dirty = true;
    if (options.autoplay) clock.play();
  });

  const bar: ControlsBar | null =
    options.controls === false
      ? null
      : createControlsBar(root, {
          toggle: () => handle.toggle(),
          seek: (t) => handle.seek(t),
          setSpeed: (s) => handle.setSpeed(s),
          setSkipInactivity: (on) => handle.setSkipInactivity(on),
          jumpToLive: () => handle.jumpToLive(),
        });

  // The canvas keeps the visitor's aspect ratio, letterboxed in the stage.
  let fitted = '';
  function fit(): void {
    const m = player.state.memory;
    const w = Math.max(1, stage.clientWidth);
    const h = Math.max(1, stage.clientHeight);
    const aspect = m.viewportW > 0 && m.viewportH > 0 ? m.viewportW / m.viewportH : w / h;
    const key = `${w}x${h}@${aspect}`;
    if (key === fitted) return;
    fitted = key;
    const cw = Math.round(w / h > aspect ? h * aspect : w);
    const ch = Math.round(w / h > aspect ? h : w / aspect);
    renderer.setSize(cw, ch, false);
    Object.assign(renderer.domElement.style, { width: `${cw}px`, height: `${ch}px`, left: `${Math.round((w - cw) / 2)}px`, top: `${Math.round((h - ch) / 2)}px` });
    camera.aspect = cw / ch;
    camera.updateProjectionMatrix();
    dirty = true;
  }
  const resizeObserver = typeof ResizeObserver === 'function' ? new ResizeObserver(() => fit()) : null;
  resizeObserver?.observe(stage);

  const hlPrev: string[] = [];
  function highlight(state: ReplayState): void {
    if (model === null) return;
    // Only when the hovered or picked meshes changed.
    let same = hlPrev.length === state.pickedCount + 1 && hlPrev[0] === (state.hovered ?? '');
    for (let i = 0; same && i < state.pickedCount; i++) same = hlPrev[i + 1] === state.picked[i];
    if (same) return;
    for (const id of hlPrev) if (id !== '') model.highlight(id, HIGHLIGHT_NONE);
    hlPrev.length = 0;
    hlPrev.push(state.hovered ?? '');
    if (state.hovered !== null) model.highlight(state.hovered, HIGHLIGHT_HOVERED);
    for (let i = 0; i < state.pickedCount; i++) {
      hlPrev.push(state.picked[i]!);
      model.highlight(state.picked[i]!, HIGHLIGHT_PICKED);
    }
  }

  function draw(t: number): void {
    const state = player.moveTo(t);
    fit();
    if (state.hasCamera) {
      camera.position.copy(state.camera.position);
      camera.quaternion.copy(state.camera.quaternion);
    } else if (model !== null) {
      const { center, radius } = model.bounds;
      camera.position.copy(center).addScaledVector(VIEW_FROM, radius * 2.6);
      camera.lookAt(center);
    }
    const fov = Number.isNaN(state.fovDeg) ? DEFAULT_FOV : state.fovDeg;
    if (camera.fov !== fov) {
      camera.fov = fov;
      camera.updateProjectionMatrix();
    }
    camera.updateMatrixWorld();
    model?.showVariant(state.memory.variant);
    highlight(state);
    overlays.update(state, index, camera, markerSize, markerHoldMs);
    const m = state.memory;
    cursor.style.display = state.pointerVisible ? 'block' : 'none';
    if (state.pointerVisible) {
      const canvas = renderer.domElement;
      const x = canvas.offsetLeft + ((m.pointerX + 1) / 2) * canvas.clientWidth;
      const y = canvas.offsetTop + ((1 - m.pointerY) / 2) * canvas.clientHeight;
      cursor.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px)`;
    }
    renderer.clear();
    renderer.render(scene, camera);
    renderer.render(overlays.scene, camera);
  }

  let lastFrame = Number.NaN;
  let lastT = Number.NaN;
  renderer.setAnimationLoop((now: number) => {
    const wall = Number.isNaN(lastFrame) ? 0 : Math.min(MAX_FRAME_MS, now - lastFrame);
    lastFrame = now;
    const t = clock.tick(wall);
    if (t !== lastT || dirty) {
      lastT = t;
      dirty = false;
      try {
        draw(t);
      } catch (error) {
        onError(error instanceof Error ? error : new Error(String(error)));
      }
      const resolved = waiting;
      waiting = [];
      for (const resolve of resolved) resolve();
    }
    bar?.update(clock, index, unsubscribe !== null);
  });

  const onKey = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    const tag = target.tagName;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === ' ' && (tag === 'BUTTON' || tag === 'SELECT' || tag === 'INPUT')) return; // their own action
    if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && tag === 'SELECT') return;
    switch (e.key) {
      case ' ':
        handle.toggle();
        break;
      case 'ArrowLeft':
        handle.seek(clock.t - ARROW_STEP_MS);
        break;
      case 'ArrowRight':
        handle.seek(clock.t + ARROW_STEP_MS);
        break;
      case '[':
        clock.stepSpeed(-1);
        break;
      case ']':
        clock.stepSpeed(1);
        break;
      case 'l':
      case 'L':
        handle.jumpToLive();
        break;
      default:
        return;
    }
    e.preventDefault();
    dirty = true;
  };
  if (options.keyboard !== false) root.addEventListener('keydown', onKey);

  const handle: ReplayHandle = {
    play: () => {
      clock.play();
      dirty = true;
    },
    pause: () => {
      clock.pause();
      dirty = true;
    },
    toggle: () => {
      clock.toggle();
      dirty = true;
    },
    seek: (t) => {
      clock.seek(t);
      dirty = true;
    },
    setSpeed: (s) => clock.setSpeed(s),
    setSkipInactivity: (on) => clock.setSkipInactivity(on),
    follow(source) {
      unsubscribe?.();
      unsubscribe = source.subscribe((events) => {
        if (disposed) return;
        player.append(events);
        dirty = true;
      });
      clock.follow(true);
      dirty = true;
    },
    jumpToLive() {
      if (unsubscribe === null) return;
      clock.follow(true);
      dirty = true;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      renderer.setAnimationLoop(null);
      unsubscribe?.();
      unsubscribe = null;
      resizeObserver?.disconnect();
      root.removeEventListener('keydown', onKey);
      model?.dispose();
      overlays.dispose();
      scene.environment?.dispose();
      renderer.dispose();
      bar?.dispose();
      root.remove();
      for (const resolve of waiting) resolve();
      waiting = [];
    },
    nextFrame: () =>
      disposed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            dirty = true;
            waiting.push(resolve);
          }),
    get time() {
      return clock.t;
    },
    get playing() {
      return clock.playing;
    },
    get speed() {
      return clock.speed;
    },
    get skipInactivity() {
      return clock.skipInactivity;
    },
    get live() {
      return clock.live;
    },
    get start() {
      return index.start;
    },
    get end() {
      return index.end;
    },
    get state() {
      return player.state;
    },
    index,
    ready,
    renderer,
    scene,
    camera,
  };
  if (options.live) handle.follow(options.live);
  return handle;
}

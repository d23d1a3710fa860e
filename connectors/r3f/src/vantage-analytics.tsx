/**
 * `<VantageAnalytics>`: the React Three Fiber connector. Placed inside `<Canvas>`, it creates an
 * `@vantage/sdk-core` client and runs `@vantage/three`'s `trackScene` over the canvas's scene on
 * mount, and stops both on unmount. It adapts lifecycle only; what is captured is the three.js
 * connector's, driven by R3F's own machinery:
 *
 * - frames come from `useFrame` (no second loop, nothing chained on `scene.onAfterRender`);
 * - the pointer is R3F's `state.pointer`, kept current by R3F's event system on the element it
 *   is connected to (`eventSource`, `eventPrefix` and custom `compute` apply), and rays go
 *   through R3F's `state.raycaster` (its layers and params apply): no second raycaster;
 * - the camera mode comes from the controls in the store (`state.controls`): first-person
 *   controls with the pointer locked aim with the centre of the view;
 * - asset loads are those of three's `DefaultLoadingManager`, which `useLoader` uses.
 *
 * React StrictMode's mount → unmount → mount gives one session: a stop is deferred by a task
 * and cancelled when the same capture is mounted again at once.
 */
import { context, useFrame, type RootState, type RootStore } from '@react-three/fiber';
import { useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createClient, type ClientOptions, type CustomProps, type Identity, type VantageClient, type VantageError } from '@vantage/sdk-core';
import { trackScene, type SceneTracker, type TrackSceneOptions } from '@vantage/three';
import { aimsAtCentre } from './camera-mode.js';
import { addTracker } from './registry.js';
import { VantageContext, type VantageHandle } from './use-vantage.js';
import { R3F_CONNECTOR_VERSION } from './version.js';

/** Options of the three.js connector that `<VantageAnalytics>` forwards (the rest come from the R3F store). */
export type ForwardedTrackOptions = Omit<TrackSceneOptions, 'scene' | 'renderer' | 'client' | 'camera' | 'domElement' | 'frames' | 'raycaster' | 'pointer' | 'aimAtCentre' | 'onError'>;

/** Options of sdk-core's `createClient` that `<VantageAnalytics>` forwards (`key` is `publishableKey`). */
export type ForwardedClientOptions = Omit<ClientOptions, 'endpoint' | 'key' | 'sceneId' | 'onError'>;

/** Props of {@link VantageAnalytics}: the client's options, the three.js connector's, and children. */
export interface VantageAnalyticsProps extends ForwardedClientOptions, ForwardedTrackOptions {
  /** Base URL of the collector, e.g. `https://collect.example.com` (no `/api/v1`). */
  endpoint: string;
  /** The project's publishable key (`pk_…`). */
  publishableKey: string;
  /** The scene id: 1–128 characters of letters, digits and `_ . : / -`. */
  sceneId: string;
  /** Hears every error of the client and of the connector; neither ever throws into the page. */
  onError?: (error: VantageError) => void;
  /** Rendered as they are; `useVantage()` works below. */
  children?: ReactNode;
}

/** Names of the props that go to `trackScene` (everything else but the three above goes to `createClient`). */
const TRACK_KEYS = [
  'cameraIntervalMs',
  'pointerIntervalMs',
  'hoverThresholdMs',
  'perfWindowMs',
  'visibilityStepMs',
  'visibilityWindowMs',
  'maxVisibilityMeshes',
  'resourceIntervalMs',
  'maxErrorsPerMinute',
  'loadingManager',
  'include',
  'registerProxy',
] as const satisfies ReadonlyArray<keyof ForwardedTrackOptions>;
/** Callback props: read through a ref, so a new function on each render restarts nothing. */
const CALLBACK_KEYS = ['beforeSend', 'onConfig', 'include', 'onError'] as const;
/** Most `track` calls held before the start. */
const MAX_EARLY_CALLS = 100;

/** One running capture. */
interface Capture {
  key: string;
  client: VantageClient;
  tracker: SceneTracker;
  unregister: () => void;
  stopTimer: ReturnType<typeof setTimeout> | undefined;
}

function stopCapture(capture: Capture): void {
  if (capture.stopTimer !== undefined) clearTimeout(capture.stopTimer);
  capture.stopTimer = undefined;
  capture.unregister();
  capture.tracker.stop();
  void capture.client.stop();
}

type Props = Record<string, unknown>;

/** What restarts capture when it changes: the primitive options and the store's parts. */
function restartKey(props: Props): string {
  const parts: Props = {};
  for (const key of Object.keys(props).sort()) {
    const value = props[key];
    if (key === 'children' || typeof value === 'function' || typeof value === 'object') continue;
    parts[key] = value;
  }
  return JSON.stringify(parts);
}

/**
 * Capture what people do in the `<Canvas>` around it and send it to a Vantage collector.
 *
 * ```tsx
 * <Canvas>
 *   <VantageAnalytics endpoint="https://collect.example.com" publishableKey="pk_…" sceneId="sofa">
 *     <Sofa />
 *   </VantageAnalytics>
 * </Canvas>
 * ```
 *
 * Every option of `createClient` and of `trackScene` is a prop (`beforeSend`, `ignoreOptOut`,
 * tuning such as `pointerIntervalMs`, `include`, `loadingManager`, `registerProxy`, `onError`…).
 * Changing `endpoint`, `publishableKey`, `sceneId` or another string, number or boolean prop (or
 * `loadingManager`) restarts capture with a new session; callbacks may change freely. Outside
 * `<Canvas>` it throws `Vantage: <VantageAnalytics> must be inside <Canvas>` at once.
 */
export function VantageAnalytics(props: VantageAnalyticsProps): ReactNode {
  const store = useContext(context) as RootStore | null;
  if (store === null) throw new Error('Vantage: <VantageAnalytics> must be inside <Canvas>');

  const latest = useRef(props);
  latest.current = props;
  const capture = useRef<Capture | null>(null);
  const early = useRef<Array<[string, CustomProps | undefined] | Identity>>([]);
  const [running, setRunning] = useState<Capture | null>(null);
  const key = restartKey(props as unknown as Props);
  const manager = props.loadingManager;

  useEffect(() => {
    const held = capture.current;
    if (held !== null && held.key === key && held.stopTimer !== undefined) {
      // StrictMode's (or a quick re-mount's) second mount: the same capture goes on.
      clearTimeout(held.stopTimer);
      held.stopTimer = undefined;
      return scheduleStop(held);
    }
    if (held !== null) stopCapture(held);
    const started = start(store, key, latest);
    capture.current = started;
    setRunning(started);
    for (const call of early.current.splice(0)) {
      if (Array.isArray(call)) started.client.custom(call[0], call[1]);
      else started.client.identify(call);
    }
    return scheduleStop(started);

    function scheduleStop(c: Capture): () => void {
      return () => {
        c.stopTimer = setTimeout(() => {
          c.stopTimer = undefined;
          stopCapture(c);
          if (capture.current === c) {
            capture.current = null;
            setRunning(null);
          }
        }, 0);
      };
    }
  }, [store, key, manager]);

  // R3F's frame loop: one connector frame per R3F frame, through the camera R3F renders with.
  useFrame((state: RootState) => {
    const c = capture.current;
    if (c !== null && c.stopTimer === undefined) c.tracker.frame(state.camera);
  });

  const track = useCallback((name: string, custom?: CustomProps) => {
    const c = capture.current;
    if (c !== null) c.client.custom(name, custom);
    else if (early.current.length < MAX_EARLY_CALLS) early.current.push([name, custom]);
  }, []);
  const identify = useCallback((identity: Identity) => {
    const c = capture.current;
    if (c !== null) c.client.identify(identity);
    else if (early.current.length < MAX_EARLY_CALLS) early.current.push(identity);
  }, []);
  const handle = useMemo<VantageHandle>(
    () => ({
      track,
      identify,
      get client() {
        return capture.current?.client;
      },
      get tracker() {
        return capture.current?.tracker;
      },
    }),
    // A new handle object when capture (re)starts, so consumers re-render and see the client.
    [running, track, identify],
  );
  return <VantageContext.Provider value={handle}>{props.children}</VantageContext.Provider>;
}

/** The element R3F's event system listens on (`eventSource`), else the canvas. */
function eventTarget(state: RootState): HTMLElement {
  const connected: unknown = state.events.connected;
  return connected !== null && typeof connected === 'object' && typeof (connected as HTMLElement).addEventListener === 'function' ? (connected as HTMLElement) : state.gl.domElement;
}

/** Create the client and the tracker over the store's scene, renderer, pointer and raycaster. */
function start(store: RootStore, key: string, latest: { readonly current: VantageAnalyticsProps }): Capture {
  const props = latest.current as VantageAnalyticsProps & Props;
  const { endpoint, publishableKey, sceneId } = props;
  const clientOptions: Props = {};
  const trackOptions: Props = {};
  for (const [name, value] of Object.entries(props)) {
    if (name === 'children' || name === 'endpoint' || name === 'publishableKey' || name === 'sceneId' || (CALLBACK_KEYS as readonly string[]).includes(name)) continue;
    if ((TRACK_KEYS as readonly string[]).includes(name)) trackOptions[name] = value;
    else clientOptions[name] = value;
  }
  // Callbacks: the latest prop is called, so an inline function does not restart capture.
  const onError = (error: VantageError): void => latest.current.onError?.(error);
  if (props.beforeSend) clientOptions.beforeSend = (event: Parameters<NonNullable<ClientOptions['beforeSend']>>[0]) => (latest.current.beforeSend ? latest.current.beforeSend(event) : event);
  if (props.onConfig) clientOptions.onConfig = (config: Parameters<NonNullable<ClientOptions['onConfig']>>[0]) => latest.current.onConfig?.(config);
  if (props.include) trackOptions.include = (object: Parameters<NonNullable<TrackSceneOptions['include']>>[0]) => (latest.current.include ? latest.current.include(object) : true);

  const sdk = typeof props.sdk === 'string' ? props.sdk : `r3f/${R3F_CONNECTOR_VERSION}`;
  const client = createClient({ ...(clientOptions as Partial<ClientOptions>), endpoint, key: publishableKey, sceneId, sdk, onError });
  const state = store.getState();
  const tracker = trackScene({
    ...(trackOptions as Partial<TrackSceneOptions>),
    scene: state.scene,
    renderer: state.gl,
    client,
    camera: state.camera,
    domElement: eventTarget(state),
    frames: 'manual',
    raycaster: state.raycaster,
    pointer: state.pointer,
    aimAtCentre: () => aimsAtCentre(store.getState().controls),
    onError,
  });
  // trackScene names itself `three/<version>`; what sends is this connector (or the app's `sdk`).
  client.setSessionInfo({ sdk });
  return { key, client, tracker, unregister: addTracker(store, tracker), stopTimer: undefined };
}

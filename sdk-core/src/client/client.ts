/**
 * `createClient(...)`: consent, sessions, the queue, delivery and the scene's capture flags,
 * wired together behind a handle that never throws into the page. How sessions begin and end is
 * told in `session-tracker.ts`, delivery in `delivery.ts`, the way into the queue in `intake.ts`,
 * the scene proxy in `scene-proxy.ts`.
 */
import type { EventType } from '../schema/registry.js';
import { MAX_BATCH_EVENTS, SCENE_ID_PATTERN } from '../schema/scalars.js';
import { BEACON_LIMIT_BYTES } from './batch.js';
import { createClock } from './clock.js';
import { isOptOutSignalled } from './consent.js';
import { normaliseProps } from './custom-props.js';
import { COLLECT_PATH, createDelivery } from './delivery.js';
import { createReporter, type Reporter } from './errors.js';
import { DEFAULT_CAPTURE, specOf } from './events.js';
import { createIntake } from './intake.js';
import { followPage, type Lifecycle } from './lifecycle.js';
import { browserGlobals, type BrowserGlobals } from './platform.js';
import { createBoundedQueue } from './queue.js';
import { createConfigLoader } from './remote-config.js';
import { createProxyRegistrar } from './scene-proxy.js';
import type { Session } from './session.js';
import { createSessionTracker } from './session-tracker.js';
import { baseUrl, type Link } from './transport.js';
import type { QueuedTuple } from './tuple.js';
import type { ClientOptions, ClientStats, Identity, SessionInfo, VantageClient } from './types.js';
import { SDK_VERSION } from './version.js';

/** Tracked event types that count as user activity (camera samples may be an animation). */
const ACTIVITY_TYPES: ReadonlySet<EventType> = new Set<EventType>(['click', 'pointer_move', 'mesh_pick', 'hover_dwell', 'custom']);

/** Defaults of the numeric options. */
export const CLIENT_DEFAULTS = {
  flushAt: 50,
  flushIntervalMs: 5000,
  maxQueueEvents: 1000,
  maxBatchEvents: 200,
  maxBatchBytes: 32_768,
  inactivityTimeoutMs: 30 * 60_000,
  requestTimeoutMs: 30_000,
} as const;

function emptyStats(): ClientStats {
  return {
    queuedTotal: 0,
    queued: 0,
    sentEvents: 0,
    sentBatches: 0,
    beaconEvents: 0,
    retries: 0,
    droppedOverflow: 0,
    droppedInvalid: 0,
    droppedByHook: 0,
    droppedDisabled: 0,
    droppedUndelivered: 0,
    droppedByCollector: 0,
  };
}

/** A handle that does nothing: opted out, misconfigured, or no browser at all. */
function inertClient(optedOut: boolean): VantageClient {
  const nothing = (): undefined => undefined;
  return {
    active: false,
    optedOut,
    sessionId: undefined,
    capture: DEFAULT_CAPTURE,
    config: undefined,
    stats: emptyStats(),
    isEnabled: () => false,
    track: nothing,
    custom: nothing,
    identify: nothing,
    setSessionInfo: nothing,
    onConfig: () => nothing,
    onPageHide: () => nothing,
    flush: () => Promise.resolve(true),
    stop: () => Promise.resolve(true),
    registerProxy: () => Promise.resolve(false),
  };
}

/** 1..max characters without NUL (the wire's rule for its free-text ids). */
function isIdText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max && value.indexOf('\u0000') < 0;
}

/** Why the options cannot work, or `null`. */
function optionsProblem(options: ClientOptions | undefined): string | null {
  if (!options || typeof options !== 'object') return 'createClient needs { endpoint, key, sceneId }';
  const { endpoint, key, sceneId, sdk } = options;
  if (typeof endpoint !== 'string' || !/^https?:\/\/[^/]/i.test(endpoint)) return `endpoint must be an http(s) URL, got ${JSON.stringify(endpoint)}`;
  if (!isIdText(key, 200) || /\s/.test(key)) return 'key must be a publishable key (pk_…)';
  if (typeof sceneId !== 'string' || !new RegExp(SCENE_ID_PATTERN).test(sceneId)) return `sceneId must match ${SCENE_ID_PATTERN}, got ${JSON.stringify(sceneId)}`;
  if (sdk !== undefined && !isIdText(sdk, 32)) return 'sdk must be 1–32 characters';
  return null;
}

/**
 * Create the analytics client of one scene. It never throws: unusable options, a browser that
 * asks not to be tracked (Do Not Track, Global Privacy Control) without `ignoreOptOut`, or a
 * failure while starting give a handle that does nothing (`active` false), and the reason goes
 * to `onError` and the console.
 *
 * ```ts
 * const client = createClient({ endpoint: 'https://collect.example.com', key: 'pk_…', sceneId: 'sofa' });
 * client.custom('variant_selected', { variant: 'velvet-green' });
 * ```
 */
export function createClient(options: ClientOptions): VantageClient {
  const g = browserGlobals();
  const reporter = createReporter(typeof options?.onError === 'function' ? options.onError : undefined, g.console);
  const problem = optionsProblem(options);
  if (problem) {
    reporter.report('invalid_options', problem);
    return inertClient(false);
  }
  if (options.ignoreOptOut !== true && isOptOutSignalled(g)) return inertClient(true);
  try {
    return startClient(options, g, reporter);
  } catch (error) {
    reporter.internal('createClient()', error);
    return inertClient(false);
  }
}

function startClient(options: ClientOptions, g: BrowserGlobals, reporter: Reporter): VantageClient {
  /** A numeric option: its value when it is a positive number (at most `max`), else its default. */
  const option = (name: keyof typeof CLIENT_DEFAULTS, max = Infinity): number => {
    const value = options[name];
    return typeof value === 'number' && value > 0 && value < Infinity ? Math.min(value, max) : CLIENT_DEFAULTS[name];
  };
  const { guard } = reporter;
  const now = createClock(g);
  const scene = options.sceneId;
  const stats = emptyStats();
  const queue = createBoundedQueue<Session, QueuedTuple>(option('maxQueueEvents'));
  const identity: { anon?: string; user?: string } = {};
  let running = true;
  let stoppedReported = false;
  let lifecycle: Lifecycle | undefined;
  const pageHideListeners = new Set<() => void>();

  const endpoint = baseUrl(options.endpoint);
  const link: Link | undefined =
    typeof g.fetch === 'function' ? { g, fetch: g.fetch.bind(globalThis), endpoint, key: options.key, timeoutMs: option('requestTimeoutMs'), now } : undefined;
  const config = createConfigLoader(scene, link, reporter);
  if (typeof options.onConfig === 'function') config.subscribe(options.onConfig);
  const proxies = createProxyRegistrar({ link, scene, config: config.ready, reporter });

  const delivery = createDelivery({
    link,
    navigator: g.navigator,
    queue,
    collectUrl: endpoint + COLLECT_PATH,
    key: options.key,
    scene,
    now,
    identity: () => identity,
    limits: {
      maxEvents: Math.floor(option('maxBatchEvents', MAX_BATCH_EVENTS)),
      maxBytes: Math.floor(option('maxBatchBytes', BEACON_LIMIT_BYTES)),
    },
    flushAt: option('flushAt'),
    flushIntervalMs: option('flushIntervalMs'),
    reporter,
    stats,
    onIdle: () => {
      if (!running) lifecycle?.stopAll();
    },
  });

  const intake = createIntake({
    queue,
    stats,
    reporter,
    beforeSend: typeof options.beforeSend === 'function' ? options.beforeSend : undefined,
    capture: () => config.capture,
    queued: delivery.notify,
  });

  function identify(next: Identity): void {
    if (next === null || typeof next !== 'object') return reporter.report('invalid_options', 'identify() takes { anonymousId?, userId? }');
    for (const [field, name] of [['anon', 'anonymousId'], ['user', 'userId']] as const) {
      const value = next[name];
      if (value === null) delete identity[field];
      else if (isIdText(value, 128)) identity[field] = value;
      else if (value !== undefined) reporter.report('invalid_options', `identify(): ${name} must be 1–128 characters without NUL`);
    }
  }
  if (options.anonymousId !== undefined || options.userId !== undefined) identify(options);

  const sessions = createSessionTracker({
    g,
    now,
    inactivityMs: option('inactivityTimeoutMs'),
    intake,
    info: { sdk: options.sdk ?? `core/${SDK_VERSION}` },
    renewed: () => config.load(),
    idled: () => void delivery.flush(),
    guard,
  });
  config.load();

  function track(type: string, fields: unknown): void {
    if (!running) {
      if (!stoppedReported) reporter.report('stopped', 'track() after stop()');
      stoppedReported = true;
      return;
    }
    const spec = specOf(type);
    if (!spec || spec.type === 'session_start' || spec.type === 'session_end') {
      return intake.invalid(`track() cannot send ${JSON.stringify(type)}`);
    }
    if (!config.capture[spec.type]) {
      stats.droppedDisabled++;
      return;
    }
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return intake.invalid(`track('${type}') needs an object of fields`);
    let record = fields as Record<string, unknown>;
    if (spec.type === 'custom') {
      const props = normaliseProps(record.props);
      if (!props.ok) return intake.invalid(props.message);
      record = { name: record.name, props: props.props };
    }
    const t = now();
    const owner = sessions.at(t, ACTIVITY_TYPES.has(spec.type));
    if (owner) intake.enqueue(spec, record, t, owner);
    else stats.droppedDisabled++;
  }

  function setSessionInfo(next: SessionInfo): void {
    const valid: SessionInfo = {};
    for (const key of ['sdk', 'gpu'] as const) {
      const value = next?.[key];
      if (isIdText(value, 32)) valid[key] = value;
      else if (value !== undefined) reporter.report('invalid_options', `setSessionInfo(): ${key} must be 1–32 characters`);
    }
    sessions.setInfo(valid);
  }

  async function stop(): Promise<boolean> {
    if (!running) return delivery.flush();
    sessions.end('stop', now());
    running = false;
    sessions.dispose();
    config.dispose();
    proxies.dispose();
    lifecycle?.stopInput();
    intake.reportOverflow();
    const ok = await delivery.flush();
    if (delivery.idle) lifecycle?.stopAll();
    return ok;
  }

  /** A promise that never rejects: a rejection is reported and resolves false. */
  function settled(what: string, promise: Promise<boolean>): Promise<boolean> {
    return promise.catch((error: unknown) => {
      reporter.internal(what, error);
      return false;
    });
  }

  lifecycle = followPage(
    g,
    {
      pageHide: () => {
        for (const listener of pageHideListeners) guard('onPageHide', listener);
        if (running) sessions.end('pagehide', now());
        intake.reportOverflow();
        delivery.beaconAll();
      },
      pageShow: (persisted) => {
        if (!persisted || !running) return;
        sessions.resume(now());
        delivery.notify();
      },
      hidden: () => void delivery.flush(),
      visible: () => {
        if (running) sessions.checkIdle();
      },
      online: () => delivery.retryNow(),
      input: () => {
        if (running) sessions.input(now());
      },
    },
    guard,
  );

  return {
    get active() {
      return running;
    },
    optedOut: false,
    get sessionId() {
      return running ? sessions.current?.id : undefined;
    },
    get capture() {
      return config.capture;
    },
    get config() {
      return config.config;
    },
    get stats() {
      stats.queued = queue.length;
      return stats;
    },
    isEnabled: (type) => running && config.capture[type] === true,
    track: (type, fields) => guard('track()', () => track(type, fields)),
    custom: (name, props) => guard('custom()', () => track('custom', { name, props })),
    identify: (next) => guard('identify()', () => identify(next)),
    setSessionInfo: (next) => guard('setSessionInfo()', () => setSessionInfo(next)),
    onConfig: (listener) => (typeof listener === 'function' ? config.subscribe(listener) : () => undefined),
    onPageHide(listener) {
      if (typeof listener !== 'function') return () => undefined;
      pageHideListeners.add(listener);
      return () => void pageHideListeners.delete(listener);
    },
    flush: () => settled('flush()', delivery.flush()),
    stop: () => settled('stop()', stop()),
    registerProxy: proxies.register,
  };
}

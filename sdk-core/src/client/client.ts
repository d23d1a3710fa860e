/**
 * `createClient(...)`: consent, sessions, the queue, delivery and the scene's capture flags,
 * wired together behind a handle that never throws into the page. How sessions begin and end is
 * told in `session-tracker.ts`, delivery in `delivery.ts`, the way into the queue in `intake.ts`.
 */
import type { EventType } from '../schema/registry.js';
import { MAX_BATCH_EVENTS, SCENE_ID_PATTERN } from '../schema/scalars.js';
import { BEACON_LIMIT_BYTES } from './batch.js';
import { isOptOutSignalled } from './consent.js';
import { createClock } from './clock.js';
import { normaliseProps } from './custom-props.js';
import { createDelivery } from './delivery.js';
import { specOf } from './events.js';
import { createReporter, messageOf, VantageError, type Reporter } from './errors.js';
import { createIntake } from './intake.js';
import { followPage, type Lifecycle } from './lifecycle.js';
import { browserGlobals, type BrowserGlobals, type FetchLike } from './platform.js';
import { BoundedQueue } from './queue.js';
import { createConfigLoader, defaultConfig } from './remote-config.js';
import { createProxyRegistrar } from './scene-proxy.js';
import type { Session } from './session.js';
import { createSessionTracker } from './session-tracker.js';
import type { QueuedTuple } from './tuple.js';
import { baseUrl, type Link } from './transport.js';
import { COLLECT_PATH } from './delivery.js';
import type { ClientOptions, ClientStats, CustomProps, EventFields, Identity, SessionInfo, TrackableType, VantageClient } from './types.js';
import { SDK_VERSION } from './version.js';

/** Tracked event types that count as user activity (camera samples may be an animation). */
const ACTIVITY_TYPES: ReadonlySet<EventType> = new Set<EventType>(['click', 'pointer_move', 'mesh_pick', 'hover_dwell', 'custom']);

const sceneIdPattern = new RegExp(SCENE_ID_PATTERN);

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
function inertClient(optedOut: boolean, scene: string): VantageClient {
  const stats = emptyStats();
  const config = defaultConfig(scene);
  return {
    active: false,
    optedOut,
    sessionId: undefined,
    capture: config.capture,
    config: undefined,
    stats,
    isEnabled: () => false,
    track: () => undefined,
    custom: () => undefined,
    identify: () => undefined,
    setSessionInfo: () => undefined,
    onConfig: () => () => undefined,
    onPageHide: () => () => undefined,
    flush: () => Promise.resolve(true),
    stop: () => Promise.resolve(true),
    registerProxy: () => Promise.resolve(false),
  };
}

function positive(value: number | undefined, fallback: number, max = Infinity): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(value, max) : fallback;
}

function isIdText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max && value.indexOf('\u0000') === -1;
}

/** Why the options cannot work, or `null`. */
function optionsProblem(options: ClientOptions | undefined): string | null {
  if (!options || typeof options !== 'object') return 'createClient needs { endpoint, key, sceneId }';
  if (typeof options.endpoint !== 'string' || !/^https?:\/\/[^/]/i.test(options.endpoint)) {
    return `endpoint must be the collector's http(s) base URL, got ${JSON.stringify(options.endpoint)}`;
  }
  if (!isIdText(options.key, 200) || /\s/.test(options.key)) return 'key must be the project\'s publishable key (pk_…)';
  if (typeof options.sceneId !== 'string' || !sceneIdPattern.test(options.sceneId)) {
    return `sceneId must be 1–128 characters of letters, digits and _ . : / -, got ${JSON.stringify(options.sceneId)}`;
  }
  if (options.sdk !== undefined && !isIdText(options.sdk, 32)) return 'sdk must be 1–32 characters';
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
    reporter.report(new VantageError('invalid_options', problem));
    return inertClient(false, typeof options?.sceneId === 'string' ? options.sceneId : '');
  }
  if (options.ignoreOptOut !== true && isOptOutSignalled(g)) return inertClient(true, options.sceneId);
  try {
    return startClient(options, g, reporter);
  } catch (error) {
    reporter.report(new VantageError('internal', `the client could not start: ${messageOf(error)}`, { cause: error }));
    return inertClient(false, options.sceneId);
  }
}

function startClient(options: ClientOptions, g: BrowserGlobals, reporter: Reporter): VantageClient {
  const now = createClock(g);
  const scene = options.sceneId;
  const fetchFn: FetchLike | undefined = typeof g.fetch === 'function' ? g.fetch.bind(globalThis) : undefined;
  const requestTimeoutMs = positive(options.requestTimeoutMs, CLIENT_DEFAULTS.requestTimeoutMs);
  const stats = emptyStats();
  const queue = new BoundedQueue<Session, QueuedTuple>(positive(options.maxQueueEvents, CLIENT_DEFAULTS.maxQueueEvents));
  const identity: { anon?: string; user?: string } = {};
  let running = true;
  let stoppedReported = false;
  let lifecycle: Lifecycle | undefined;
  const pageHideListeners = new Set<() => void>();

  function guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      reporter.report(new VantageError('internal', `${what} failed: ${messageOf(error)}`, { cause: error }));
    }
  }

  const endpoint = baseUrl(options.endpoint);
  const link: Link | undefined = fetchFn ? { g, fetch: fetchFn, endpoint, key: options.key, timeoutMs: requestTimeoutMs, now } : undefined;
  const config = createConfigLoader(scene, link, reporter, guard);
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
      maxEvents: Math.floor(positive(options.maxBatchEvents, CLIENT_DEFAULTS.maxBatchEvents, MAX_BATCH_EVENTS)),
      maxBytes: Math.floor(positive(options.maxBatchBytes, CLIENT_DEFAULTS.maxBatchBytes, BEACON_LIMIT_BYTES)),
    },
    flushAt: positive(options.flushAt, CLIENT_DEFAULTS.flushAt),
    flushIntervalMs: positive(options.flushIntervalMs, CLIENT_DEFAULTS.flushIntervalMs),
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
    if (next === null || typeof next !== 'object') {
      reporter.report(new VantageError('invalid_options', 'identify() takes { anonymousId?, userId? }'));
      return;
    }
    const pairs: Array<['anon' | 'user', string | null | undefined]> = [
      ['anon', next.anonymousId],
      ['user', next.userId],
    ];
    for (const [field, value] of pairs) {
      if (value === undefined) continue;
      if (value === null) delete identity[field];
      else if (isIdText(value, 128)) identity[field] = value;
      else reporter.report(new VantageError('invalid_options', `identify(): ${field === 'anon' ? 'anonymousId' : 'userId'} must be 1–128 characters without NUL`));
    }
  }
  if (options.anonymousId !== undefined || options.userId !== undefined) {
    identify({ anonymousId: options.anonymousId, userId: options.userId });
  }

  const sessions = createSessionTracker({
    g,
    now,
    inactivityMs: positive(options.inactivityTimeoutMs, CLIENT_DEFAULTS.inactivityTimeoutMs),
    intake,
    info: { sdk: options.sdk ?? `core/${SDK_VERSION}` },
    renewed: () => config.load(),
    idled: () => void delivery.flush(),
    guard,
  });
  config.load();

  function track(type: string, fields: unknown): void {
    if (!running) {
      if (!stoppedReported) {
        stoppedReported = true;
        reporter.report(new VantageError('stopped', 'track() after stop(): the client no longer captures'));
      }
      return;
    }
    const spec = specOf(type);
    if (!spec) {
      intake.invalid(`track() got an unknown event type ${JSON.stringify(type)}`);
      return;
    }
    if (spec.type === 'session_start' || spec.type === 'session_end') {
      intake.invalid(`${type} is sent by the client itself, not through track()`);
      return;
    }
    if (!config.capture[spec.type]) {
      stats.droppedDisabled++;
      return;
    }
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
      intake.invalid(`track('${type}', fields) needs an object of fields`);
      return;
    }
    let record = fields as Record<string, unknown>;
    if (spec.type === 'custom') {
      const props = normaliseProps(record.props);
      if (!props.ok) {
        intake.invalid(props.message);
        return;
      }
      record = props.props === undefined ? { name: record.name } : { name: record.name, props: props.props };
    }
    const t = now();
    const owner = sessions.at(t, ACTIVITY_TYPES.has(spec.type));
    if (!owner) {
      stats.droppedDisabled++;
      return;
    }
    intake.enqueue(spec, record, t, owner);
  }

  function setSessionInfo(next: SessionInfo): void {
    const valid: SessionInfo = {};
    for (const key of ['sdk', 'gpu'] as const) {
      const value = next?.[key];
      if (value === undefined) continue;
      if (isIdText(value, 32)) valid[key] = value;
      else reporter.report(new VantageError('invalid_options', `setSessionInfo(): ${key} must be 1–32 characters`));
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

  const handle: VantageClient = {
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
    isEnabled(type: EventType): boolean {
      return running && config.capture[type] === true;
    },
    track<T extends TrackableType>(type: T, fields: EventFields<T>): void {
      try {
        track(type, fields);
      } catch (error) {
        reporter.report(new VantageError('internal', `track() failed: ${messageOf(error)}`, { cause: error }));
      }
    },
    custom(name: string, props?: CustomProps): void {
      handle.track('custom', props === undefined ? { name } : { name, props: props as Record<string, unknown> });
    },
    identify: (next) => guard('identify()', () => identify(next)),
    setSessionInfo: (next) => guard('setSessionInfo()', () => setSessionInfo(next)),
    onConfig(listener) {
      return typeof listener === 'function' ? config.subscribe(listener) : () => undefined;
    },
    onPageHide(listener) {
      if (typeof listener !== 'function') return () => undefined;
      pageHideListeners.add(listener);
      return () => {
        pageHideListeners.delete(listener);
      };
    },
    flush: () =>
      delivery.flush().catch((error: unknown) => {
        reporter.report(new VantageError('internal', `flush() failed: ${messageOf(error)}`, { cause: error }));
        return false;
      }),
    stop: () =>
      stop().catch((error: unknown) => {
        reporter.report(new VantageError('internal', `stop() failed: ${messageOf(error)}`, { cause: error }));
        return false;
      }),
    registerProxy(proxy) {
      try {
        if (running) return proxies.register(proxy);
      } catch (error) {
        reporter.report(new VantageError('internal', `registerProxy() failed: ${messageOf(error)}`, { cause: error }));
      }
      return Promise.resolve(false);
    },
  };
  return handle;
}

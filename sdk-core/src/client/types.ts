/**
 * The public shape of the client: its options, its handle, and the event types `track` takes.
 */
import type { CaptureFlags, EventOf, EventType, VantageEvent } from '../schema/registry.js';
import type { VantageError } from './errors.js';
import type { RemoteConfig } from './remote-config.js';
import type { SceneProxy } from './scene-proxy.js';

/** Event types the client emits itself and `track` refuses: the session's start and end. */
export type AutomaticEventType = 'session_start' | 'session_end';

/** Event types an app or a connector may `track`. */
export type TrackableType = Exclude<EventType, AutomaticEventType>;

/** The fields of an event of type `T`, as `track(type, fields)` takes them (no `type`, no `t`). */
export type EventFields<T extends EventType> = Omit<EventOf<T>, 'type' | 't'>;

/** JSON properties of a custom event. */
export type CustomProps = Readonly<Record<string, unknown>>;

/**
 * Decides per event what leaves the page: return the event (changed or not) to send it, `null`
 * to drop it. Runs synchronously inside `track`, and for the automatic `session_start` and
 * `session_end` too (to redact the page URL, say). A hook that throws drops the event.
 */
export type BeforeSend = (event: VantageEvent) => VantageEvent | null;

/** Options of {@link createClient}. Only `endpoint`, `key` and `sceneId` are required. */
export interface ClientOptions {
  /** Base URL of the collector, e.g. `https://collect.example.com` (no `/api/v1`). */
  endpoint: string;
  /** The project's publishable key (`pk_…`). */
  key: string;
  /** The scene id: 1–128 characters of letters, digits and `_ . : / -`. */
  sceneId: string;
  /** Capture even when the browser sends Do Not Track or Global Privacy Control. Default false. */
  ignoreOptOut?: boolean;
  /** Redact or drop events before they are queued. */
  beforeSend?: BeforeSend;
  /** Hears every error of the client (it never throws into the page). */
  onError?: (error: VantageError) => void;
  /** Called with the scene's capture settings each time the collector answers (at start, and when a new session starts after an idle spell). */
  onConfig?: (config: RemoteConfig) => void;
  /** `session_start`'s `sdk` field: name/version of what sends, ≤ 32 characters. Default `core/<version>`. */
  sdk?: string;
  /** Queue this many events, then send a batch. Default 50. */
  flushAt?: number;
  /** Send what is queued at least this often (ms). Default 5,000. */
  flushIntervalMs?: number;
  /** Most events waiting in memory; beyond it the oldest are dropped (and reported). Default 1,000. */
  maxQueueEvents?: number;
  /** Most events in one batch. Default 200 (the wire allows 1,000). */
  maxBatchEvents?: number;
  /** Most bytes of one batch; at most 64 KiB (the browsers' keepalive/beacon limit). Default 32 KiB. */
  maxBatchBytes?: number;
  /** Without user activity for this long (ms), the session ends; the next activity starts a new one. Default 30 min. */
  inactivityTimeoutMs?: number;
  /** Time limit of one request (ms). Default 30,000. */
  requestTimeoutMs?: number;
  /** An app-supplied anonymous id for the batches' envelope, 1–128 characters (see `identify`). */
  anonymousId?: string;
  /** An app-supplied user id for the batches' envelope, 1–128 characters (see `identify`). */
  userId?: string;
}

/** Who the app says the visitor is; `null` forgets a value. */
export interface Identity {
  /** An app-supplied anonymous id, 1–128 characters. */
  anonymousId?: string | null;
  /** An app-supplied user id, 1–128 characters. */
  userId?: string | null;
}

/** Extra `session_start` fields a connector knows better than the core. */
export interface SessionInfo {
  /** name/version of the sending SDK, ≤ 32 characters (e.g. `three/0.1.0`). */
  sdk?: string;
  /** A coarse GPU class (`integrated`, `discrete`, `software`…), ≤ 32 characters — never the renderer string. */
  gpu?: string;
}

/** Counters of what the client did with events, for diagnostics and tests. */
export interface ClientStats {
  /** Events accepted into the queue. */
  queuedTotal: number;
  /** Events waiting in memory now. */
  queued: number;
  /** Events the collector acknowledged (including any it dropped itself). */
  sentEvents: number;
  /** Batches the collector acknowledged. */
  sentBatches: number;
  /** Events handed to `sendBeacon` at page hide (no acknowledgement). */
  beaconEvents: number;
  /** Attempts that failed and were scheduled again. */
  retries: number;
  /** Oldest events dropped because the queue was full. */
  droppedOverflow: number;
  /** Events refused by the client's checks, or whose `beforeSend` threw. */
  droppedInvalid: number;
  /** Events `beforeSend` dropped on purpose. */
  droppedByHook: number;
  /** Events of a channel that is off (or opt-in before the config arrived). */
  droppedDisabled: number;
  /** Events in batches the collector refused or that were given up, or too large to send. */
  droppedUndelivered: number;
  /** Events the collector acknowledged but dropped (its `dropped` counts). */
  droppedByCollector: number;
}

/** The handle {@link createClient} returns. Every method is safe to call in any state. */
export interface VantageClient {
  /** Whether the client captures: false when opted out, misconfigured or stopped. */
  readonly active: boolean;
  /** Whether Do Not Track or Global Privacy Control silenced the client. */
  readonly optedOut: boolean;
  /** The current in-memory session id; `undefined` when inactive or between sessions. */
  readonly sessionId: string | undefined;
  /** The capture flags in force (the strict default until the collector answers). */
  readonly capture: CaptureFlags;
  /** The scene's settings once the collector answered, else `undefined`. */
  readonly config: RemoteConfig | undefined;
  /** Live counters. */
  readonly stats: Readonly<ClientStats>;
  /** Whether events of `type` are captured now (cheap: call it per frame to skip work). */
  isEnabled(type: EventType): boolean;
  /**
   * Queue an event of `type` with its fields (time is taken now). Mesh fields take the mesh id
   * string. Invalid input is dropped and reported, never thrown.
   */
  track<T extends TrackableType>(type: T, fields: EventFields<T>): void;
  /** Queue a custom event: a name (letters, digits, `_ . : / -`, ≤ 64) and JSON properties. */
  custom(name: string, props?: CustomProps): void;
  /** Set or clear the app-supplied ids sent with the following batches. */
  identify(identity: Identity): void;
  /** Fill in `session_start` fields a connector knows (also patches the current one if unsent). */
  setSessionInfo(info: SessionInfo): void;
  /**
   * Listen for the scene's capture config; called at once when it is already known. Returns
   * the function that stops listening.
   */
  onConfig(listener: (config: RemoteConfig) => void): () => void;
  /**
   * Run `listener` at page hide, before the session ends and the last events go out with
   * `sendBeacon`: connectors close their open windows (visibility, hover, frame stats) here so
   * nothing measured is left behind. Returns the function that stops listening.
   */
  onPageHide(listener: () => void): () => void;
  /**
   * Send what is queued now. Resolves true when all of it was acknowledged, false when some was
   * dropped or waits for a retry (retries go on by themselves). Never rejects.
   */
  flush(): Promise<boolean>;
  /**
   * End the session (`session_end` with reason `stop`), stop capturing and send what is queued;
   * resolves like {@link VantageClient.flush}. Unacknowledged batches are still retried.
   */
  stop(): Promise<boolean>;
  /**
   * Register the scene's proxy — per-mesh world-space boxes and ids — with the collector, so
   * replay and heatmaps can draw the scene without the app's assets. Validates it (a bad proxy
   * is reported as `invalid_options`), hashes it, waits for the scene's config and sends it only
   * when the collector holds another hash; network errors, 429 and 5xx are retried a few times
   * with backoff, other failures are reported (`proxy_failed`). Calls run one after another.
   * Resolves true when the collector holds this proxy, false otherwise (and at once when the
   * client is inactive); never rejects.
   */
  registerProxy(proxy: SceneProxy): Promise<boolean>;
}

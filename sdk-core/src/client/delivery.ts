/**
 * The delivery pipeline: one batch in flight at a time, in queue order. A batch is sent when
 * `flushAt` events are queued, when the oldest waited `flushIntervalMs`, or on `flush()`. A batch
 * that must be retried keeps its session id and `seq` (the collector stores it once however many
 * copies arrive) and holds the line until it is acknowledged, so memory stays bounded by the queue
 * plus one batch. At page hide everything left goes out with `sendBeacon` as JSON text with the
 * key in the body: `text/plain` is a CORS-safelisted type, so a beacon needs no preflight and no
 * header (where there is no `sendBeacon`, a `keepalive` fetch of the same).
 */
import { retryDelayMs } from './backoff.js';
import { BEACON_LIMIT_BYTES, payloadBytes, takeBatch, type BatchContext, type BatchLimits, type TakenBatch } from './batch.js';
import type { Reporter } from './errors.js';
import { encodeMsgpack } from './msgpack.js';
import type { NavigatorLike } from './platform.js';
import type { BoundedQueue } from './queue.js';
import type { Session } from './session.js';
import { isRetryable, send, type Answer, type Link } from './transport.js';
import type { QueuedTuple } from './tuple.js';
import type { ClientStats } from './types.js';
import { MSGPACK_CONTENT_TYPE } from './wire-bytes.js';

/** Where batches go, below the collector's base URL. */
export const COLLECT_PATH = '/api/v1/collect';

/** 5xx answers other than these are given up after {@link MAX_SERVER_ERROR_ATTEMPTS}. */
const OUTAGE_STATUSES = new Set([0, 408, 429, 502, 503, 504]);
/** Attempts of a batch answered with another 5xx (likely a batch that trips a server bug). */
export const MAX_SERVER_ERROR_ATTEMPTS = 5;

/** What the pipeline needs. */
export interface DeliveryOptions {
  /** The way to the collector; `undefined` where there is no `fetch` (nothing is sent but beacons). */
  link: Link | undefined;
  navigator: NavigatorLike | undefined;
  queue: BoundedQueue<Session, QueuedTuple>;
  /** `{endpoint}/api/v1/collect`, for beacons. */
  collectUrl: string;
  key: string;
  scene: string;
  now: () => number;
  identity: () => { anon?: string; user?: string };
  limits: BatchLimits;
  flushAt: number;
  flushIntervalMs: number;
  reporter: Reporter;
  stats: ClientStats;
  /** Called when nothing is queued, waiting or in flight any more. */
  onIdle?: () => void;
  random?: () => number;
}

/** The pipeline's handle. */
export interface Delivery {
  /** Tell the pipeline an event was queued (cheap; call after every push). */
  notify(): void;
  /** Send everything queued now; see `VantageClient.flush`. */
  flush(): Promise<boolean>;
  /** Page hide: hand the waiting batch and the queue to `sendBeacon`. */
  beaconAll(): void;
  /** The network is back: retry a batch that failed on a network error now. */
  retryNow(): void;
  /** Nothing queued, waiting for a retry or in flight. */
  readonly idle: boolean;
}

/** Create the pipeline over a queue. */
export function createDelivery(o: DeliveryOptions): Delivery {
  const { link, queue, stats, reporter, limits, navigator } = o;
  const random = o.random ?? Math.random;

  /** The batch being sent or waiting for a retry. */
  let current: TakenBatch<Uint8Array> | null = null;
  let attempts = 0;
  let inFlight = false;
  let running: Promise<boolean> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryAfterNetworkError = false;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let outageReported = false;

  function context(key?: string): BatchContext {
    const { anon, user } = o.identity();
    return { scene: o.scene, sentAt: o.now(), key, anon, user };
  }

  function dropHead(bytes: number, limit: number): void {
    queue.shift(1);
    stats.droppedUndelivered++;
    reporter.report('event_too_large', `dropped a ${bytes}-byte event (batch limit ${limit})`, { count: 1 });
  }

  /** The next batch to send: the waiting one (with a fresh `sentAt`), else one cut from the queue. */
  function nextBatch(): TakenBatch<Uint8Array> | null {
    if (current) {
      if (attempts > 0) {
        current.batch.sentAt = Math.round(o.now());
        current.payload = encodeMsgpack(current.batch);
      }
      return current;
    }
    for (;;) {
      const taken = takeBatch(queue, context(), limits, encodeMsgpack);
      if (taken?.kind !== 'too_large') {
        attempts = 0;
        return taken;
      }
      dropHead(taken.bytes, limits.maxBytes);
    }
  }

  function accepted(answer: Answer, events: number): void {
    stats.sentEvents += events;
    stats.sentBatches++;
    outageReported = false;
    let dropped = 0;
    const reasons: Record<string, number> = {};
    // Counts by reason; anything else (a string, a number) has no entries of numbers.
    for (const [reason, n] of Object.entries((answer.body?.dropped ?? {}) as object)) {
      if (typeof n !== 'number' || n <= 0) continue;
      stats.droppedByCollector += n;
      if (reason === 'channel_disabled') continue;
      dropped += n;
      reasons[reason] = n;
    }
    if (dropped > 0) {
      reporter.report('events_dropped', `collector dropped ${dropped}/${events} events (${Object.keys(reasons).join(', ')})`, { count: dropped, status: 202, detail: reasons });
    }
  }

  function giveUp(events: number, code: 'batch_rejected' | 'delivery_failed', answer: Answer, suffix = ''): void {
    stats.droppedUndelivered += events;
    reporter.report(code, `${events} events dropped: ${answer.message}${suffix}`, { count: events, status: answer.status });
  }

  async function run(): Promise<boolean> {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (!link) return queue.length === 0;
    let ok = true;
    for (let batch = nextBatch(); batch; batch = nextBatch()) {
      current = batch;
      attempts++;
      inFlight = true;
      const answer = await send(link, 'POST', COLLECT_PATH, batch.payload, MSGPACK_CONTENT_TYPE);
      inFlight = false;
      const events = batch.batch.events.length;
      const { status } = answer;
      if (status >= 200 && status < 300) {
        current = null;
        accepted(answer, events);
        continue;
      }
      ok = false;
      if (!isRetryable(status) || (!OUTAGE_STATUSES.has(status) && attempts >= MAX_SERVER_ERROR_ATTEMPTS)) {
        current = null;
        if (isRetryable(status)) giveUp(events, 'delivery_failed', answer, ` (${attempts} tries)`);
        else giveUp(events, 'batch_rejected', answer);
        continue;
      }
      stats.retries++;
      if (!outageReported) {
        outageReported = true;
        reporter.report('delivery_retrying', `${answer.message}; retrying`, { status });
      }
      retryAfterNetworkError = status === 0;
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        void drain();
      }, retryDelayMs(attempts, answer.retryAfterMs, random));
      break;
    }
    return ok;
  }

  function drain(): Promise<boolean> {
    if (running) return running;
    if (retryTimer !== undefined) return Promise.resolve(false);
    running = run()
      .catch((error: unknown) => {
        inFlight = false;
        reporter.internal('delivery', error);
        return false;
      })
      .finally(() => {
        running = null;
        if (retryTimer === undefined && queue.length > 0) schedule();
        if (idle()) o.onIdle?.();
      });
    return running;
  }

  /** Send soon: at once when `flushAt` events wait, else after `flushIntervalMs`. */
  function schedule(): void {
    const soon = queue.length >= o.flushAt;
    if (flushTimer !== undefined && !soon) return;
    clearTimeout(flushTimer);
    flushTimer = setTimeout(() => void drain(), soon ? 0 : o.flushIntervalMs);
  }

  function idle(): boolean {
    return queue.length === 0 && current === null && running === null;
  }

  /** Send one JSON batch by beacon (or by a keepalive fetch where there is no `sendBeacon`). */
  function beacon(json: string): boolean {
    if (typeof navigator?.sendBeacon === 'function') {
      try {
        return navigator.sendBeacon(o.collectUrl, json);
      } catch {
        return false;
      }
    }
    if (!link) return false;
    link.fetch(o.collectUrl, { method: 'POST', headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: json, keepalive: true, mode: 'cors', credentials: 'omit' }).catch(() => undefined);
    return true;
  }

  function beaconAll(): void {
    let budget = BEACON_LIMIT_BYTES - (inFlight && current ? current.bytes : 0);
    let lost = 0;
    if (current && !inFlight) {
      clearTimeout(retryTimer);
      retryTimer = undefined;
      const { events } = current.batch;
      const json = JSON.stringify({ ...current.batch, sentAt: Math.round(o.now()), key: o.key });
      const bytes = payloadBytes(json);
      if (bytes <= budget && beacon(json)) {
        budget -= bytes;
        stats.beaconEvents += events.length;
        current = null;
      } else {
        lost += events.length;
      }
    }
    while (queue.length > 0 && budget > 0) {
      const maxBytes = Math.min(limits.maxBytes, budget);
      const taken = takeBatch(queue, context(o.key), { maxEvents: limits.maxEvents, maxBytes }, JSON.stringify);
      if (taken === null) break;
      if (taken.kind === 'too_large') {
        if (maxBytes < limits.maxBytes) break;
        dropHead(taken.bytes, maxBytes);
        continue;
      }
      if (!beacon(taken.payload)) {
        lost += taken.batch.events.length;
        break;
      }
      budget -= taken.bytes;
      stats.beaconEvents += taken.batch.events.length;
    }
    lost += queue.length;
    if (lost > 0) {
      reporter.report('beacon_failed', `${lost} events unsent at page hide`, { count: lost });
    }
    outageReported = false;
  }

  return {
    notify() {
      if (retryTimer === undefined && running === null) schedule();
    },
    flush: drain,
    beaconAll: () => reporter.guard('page-hide delivery', beaconAll),
    retryNow() {
      if (retryTimer !== undefined && retryAfterNetworkError) {
        clearTimeout(retryTimer);
        retryTimer = undefined;
        void drain();
      }
    },
    get idle() {
      return idle();
    },
  };
}

/**
 * The delivery pipeline: one batch in flight at a time, in queue order. A batch is sent when
 * `flushAt` events are queued, when the oldest waited `flushIntervalMs`, or on `flush()`. A batch
 * that must be retried keeps its session id and `seq` (the collector stores it once however many
 * copies arrive) and holds the line until it is acknowledged, so memory stays bounded by the queue
 * plus one batch. At page hide everything left goes out with `sendBeacon`.
 */
import { retryDelayMs } from './backoff.js';
import { BEACON_LIMIT_BYTES, payloadBytes, takeBatch, type BatchLimits, type TakenBatch } from './batch.js';
import { VantageError, messageOf, type Reporter } from './errors.js';
import { encodeMsgpack } from './msgpack.js';
import type { NavigatorLike } from './platform.js';
import type { BoundedQueue } from './queue.js';
import type { Session } from './session.js';
import { beaconBatch, isRetryable, send, type Answer, type Link } from './transport.js';
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
  const random = o.random ?? Math.random;
  const link = o.link;

  /** The batch being sent or waiting for a retry. */
  let current: TakenBatch<Uint8Array> | null = null;
  let attempts = 0;
  let inFlight = false;
  let running: Promise<boolean> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryAfterNetworkError = false;
  let intervalTimer: ReturnType<typeof setTimeout> | undefined;
  let soonTimer: ReturnType<typeof setTimeout> | undefined;
  let outageReported = false;

  function context(key?: string) {
    const identity = o.identity();
    return { scene: o.scene, sentAt: o.now(), key, anon: identity.anon, user: identity.user };
  }

  function clearTimer(timer: ReturnType<typeof setTimeout> | undefined): undefined {
    if (timer !== undefined) clearTimeout(timer);
    return undefined;
  }

  function dropHead(bytes: number, limit: number): void {
    o.queue.shift(1);
    o.stats.droppedUndelivered++;
    o.reporter.report(new VantageError('event_too_large', `an event encodes to ${bytes} bytes, over the ${limit}-byte batch limit; it was dropped`, { count: 1 }));
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
      const taken = takeBatch(o.queue, context(), o.limits, encodeMsgpack);
      if (taken === null) return null;
      if (taken.kind === 'batch') {
        attempts = 0;
        return taken;
      }
      dropHead(taken.bytes, o.limits.maxBytes);
    }
  }

  function accepted(answer: Answer, batch: TakenBatch<Uint8Array>): void {
    const events = batch.batch.events.length;
    o.stats.sentEvents += events;
    o.stats.sentBatches++;
    outageReported = false;
    let dropped = 0;
    const reasons: Record<string, number> = {};
    // Counts by reason; anything else (a string, a number) has no entries of numbers.
    for (const [reason, n] of Object.entries((answer.body?.dropped ?? {}) as object)) {
      if (typeof n !== 'number' || n <= 0) continue;
      o.stats.droppedByCollector += n;
      if (reason === 'channel_disabled') continue;
      dropped += n;
      reasons[reason] = n;
    }
    if (dropped > 0) {
      o.reporter.report(new VantageError('events_dropped', `the collector dropped ${dropped} of ${events} events (${Object.keys(reasons).join(', ')})`, { count: dropped, status: 202, detail: reasons }));
    }
  }

  function giveUp(batch: TakenBatch<Uint8Array>, code: 'batch_rejected' | 'delivery_failed', status: number, message: string): void {
    const events = batch.batch.events.length;
    o.stats.droppedUndelivered += events;
    o.reporter.report(new VantageError(code, `a batch of ${events} events was dropped: ${message}`, { count: events, status }));
  }

  async function run(): Promise<boolean> {
    intervalTimer = clearTimer(intervalTimer);
    soonTimer = clearTimer(soonTimer);
    if (!link) return o.queue.length === 0;
    let ok = true;
    for (;;) {
      const batch = nextBatch();
      if (batch === null) break;
      current = batch;
      attempts++;
      inFlight = true;
      const answer = await send(link, 'POST', COLLECT_PATH, batch.payload, MSGPACK_CONTENT_TYPE);
      inFlight = false;
      if (answer.status >= 200 && answer.status < 300) {
        current = null;
        accepted(answer, batch);
        continue;
      }
      if (!isRetryable(answer.status)) {
        current = null;
        ok = false;
        giveUp(batch, 'batch_rejected', answer.status, answer.message);
        continue;
      }
      if (!OUTAGE_STATUSES.has(answer.status) && attempts >= MAX_SERVER_ERROR_ATTEMPTS) {
        current = null;
        ok = false;
        giveUp(batch, 'delivery_failed', answer.status, `${answer.message} (after ${attempts} attempts)`);
        continue;
      }
      ok = false;
      o.stats.retries++;
      if (!outageReported) {
        outageReported = true;
        o.reporter.report(new VantageError('delivery_retrying', `sending failed (${answer.message}); retrying with backoff`, { status: answer.status }));
      }
      retryAfterNetworkError = answer.status === 0;
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        void drain();
      }, retryDelayMs(attempts, answer.retryAfterMs, random));
      break;
    }
    return ok;
  }

  function afterRun(): void {
    running = null;
    if (retryTimer === undefined && o.queue.length > 0) schedule();
    if (idle()) o.onIdle?.();
  }

  function drain(): Promise<boolean> {
    if (running) return running;
    if (retryTimer !== undefined) return Promise.resolve(false);
    running = run()
      .catch((error: unknown) => {
        inFlight = false;
        o.reporter.report(new VantageError('internal', `delivery failed: ${messageOf(error)}`, { cause: error }));
        return false;
      })
      .finally(afterRun);
    return running;
  }

  function schedule(): void {
    if (o.queue.length >= o.flushAt) {
      if (soonTimer === undefined) {
        soonTimer = setTimeout(() => {
          soonTimer = undefined;
          void drain();
        }, 0);
      }
    } else if (intervalTimer === undefined) {
      intervalTimer = setTimeout(() => {
        intervalTimer = undefined;
        void drain();
      }, o.flushIntervalMs);
    }
  }

  function idle(): boolean {
    return o.queue.length === 0 && current === null && running === null;
  }

  /** Send one JSON batch by beacon (or by a keepalive fetch where there is no `sendBeacon`). */
  function beacon(json: string): boolean {
    if (beaconBatch(o.navigator, o.collectUrl, json)) return true;
    if (o.navigator && typeof o.navigator.sendBeacon === 'function') return false;
    if (!link) return false;
    link.fetch(o.collectUrl, { method: 'POST', headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: json, keepalive: true, mode: 'cors', credentials: 'omit' }).catch(() => undefined);
    return true;
  }

  function beaconAll(): void {
    let budget = BEACON_LIMIT_BYTES - (inFlight && current ? current.bytes : 0);
    let lost = 0;
    if (current && !inFlight) {
      retryTimer = clearTimer(retryTimer);
      const waiting = current;
      const json = JSON.stringify({ ...waiting.batch, sentAt: Math.round(o.now()), key: o.key });
      const bytes = payloadBytes(json);
      if (bytes <= budget && beacon(json)) {
        budget -= bytes;
        o.stats.beaconEvents += waiting.batch.events.length;
        current = null;
      } else {
        lost += waiting.batch.events.length;
      }
    }
    while (o.queue.length > 0 && budget > 0) {
      const maxBytes = Math.min(o.limits.maxBytes, budget);
      const taken = takeBatch(o.queue, context(o.key), { maxEvents: o.limits.maxEvents, maxBytes }, JSON.stringify);
      if (taken === null) break;
      if (taken.kind === 'too_large') {
        if (maxBytes === o.limits.maxBytes) {
          dropHead(taken.bytes, maxBytes);
          continue;
        }
        break;
      }
      if (!beacon(taken.payload)) {
        lost += taken.batch.events.length;
        break;
      }
      budget -= taken.bytes;
      o.stats.beaconEvents += taken.batch.events.length;
    }
    lost += o.queue.length;
    if (lost > 0) {
      o.reporter.report(new VantageError('beacon_failed', `${lost} events could not be handed to sendBeacon at page hide (over the browser's 64 KiB limit); they are sent if the page comes back`, { count: lost }));
    }
    outageReported = false;
  }

  return {
    notify() {
      if (retryTimer === undefined && running === null) schedule();
    },
    flush: drain,
    beaconAll() {
      try {
        beaconAll();
      } catch (error) {
        o.reporter.report(new VantageError('internal', `page-hide delivery failed: ${messageOf(error)}`, { cause: error }));
      }
    },
    retryNow() {
      if (retryTimer !== undefined && retryAfterNetworkError) {
        retryTimer = clearTimer(retryTimer);
        void drain();
      }
    },
    get idle() {
      return idle();
    },
  };
}

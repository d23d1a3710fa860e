/**
 * Session lifetimes. A session starts with the client (its `session_start` is queued at once).
 * Without user activity — input on the page, or a tracked click, pointer move, pick, hover or
 * custom event — for the inactivity timeout, it ends (`session_end`, reason `inactivity`); the
 * next activity starts a new session with a new id, whose batches count `seq` from 0 again.
 * Passive events (camera samples, frame stats…) between sessions belong to no session and are
 * dropped: an idle tab does not keep a session alive forever.
 *
 * At `pagehide` the session ends (reason `pagehide`). If the page comes back from the
 * back/forward cache within the inactivity timeout, the same session resumes — its id and `seq`
 * continue — so a session can carry more than one `session_end`; the last one is its length.
 * (Waiting for a real unload instead would lose the end of every session whose page stays in
 * the cache until it is evicted, which runs no code.)
 */
import { MAX_DURATION_MS } from '../schema/scalars.js';
import { specOf, type EventSpec } from './events.js';
import type { Intake } from './intake.js';
import { sessionStartFields } from './page-info.js';
import type { BrowserGlobals } from './platform.js';
import { startSession, type Session } from './session.js';
import { toQueuedTuple, type QueuedTuple } from './tuple.js';
import type { SessionInfo } from './types.js';

const START = specOf('session_start') as EventSpec;
const END = specOf('session_end') as EventSpec;

/** Why a session ended (the wire's `session_end.reason`). */
export type SessionEndReason = 'pagehide' | 'inactivity' | 'stop';

/** What the tracker needs. */
export interface SessionTrackerOptions {
  g: BrowserGlobals;
  now: () => number;
  inactivityMs: number;
  intake: Intake;
  /** `session_start`'s `sdk` (and `gpu`) until {@link SessionTracker.setInfo} changes them. */
  info: SessionInfo & { sdk: string };
  /** A session started after an earlier one (the client reads the scene's flags again). */
  renewed: () => void;
  /** A session ended for inactivity (the client sends what is queued). */
  idled: () => void;
  /** Run a timer callback without letting it throw. */
  guard: (what: string, fn: () => void) => void;
}

/** The tracker's handle. */
export interface SessionTracker {
  /** The live session, `undefined` between sessions. */
  readonly current: Session | undefined;
  /**
   * The session an event at `t` belongs to: the live one, or — for user activity — a new one
   * when there is none or the live one went idle. `undefined` for a passive event between sessions.
   */
  at(t: number, activity: boolean): Session | undefined;
  /** User input on the page at `t`. */
  input(t: number): void;
  /** End the live session. */
  end(reason: SessionEndReason, t: number): void;
  /** The page came back from the back/forward cache at `t`: resume the session if it is recent. */
  resume(t: number): void;
  /** The page is visible again: end the session now if it went idle while hidden. */
  checkIdle(): void;
  /** Set `session_start` fields for the next sessions, and for the live one while unsent. */
  setInfo(info: SessionInfo): void;
  /** Stop the inactivity timer. */
  dispose(): void;
}

/** Start tracking sessions; the first one starts now. */
export function createSessionTracker(o: SessionTrackerOptions): SessionTracker {
  const { intake, inactivityMs: limit } = o;
  const info = { ...o.info };
  let session: Session | undefined;
  /** The live session's start tuple and fields, while they may still be patched. */
  let start: { session: Session; tuple: QueuedTuple; fields: Record<string, unknown> } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const live = (): Session | undefined => (session && !session.ended ? session : undefined);

  /** Check for inactivity in `ms`; without `ms`, stop checking. */
  function arm(ms?: number): void {
    clearTimeout(timer);
    timer = disposed || ms === undefined ? undefined : setTimeout(() => o.guard('inactivity check', checkIdle), ms);
  }

  function begin(t: number): Session {
    const next = startSession(o.g, t);
    session = next;
    const fields = sessionStartFields(o.g, info.sdk, info.gpu) as unknown as Record<string, unknown>;
    const tuple = intake.enqueue(START, fields, t, next);
    start = tuple && { session: next, tuple, fields };
    arm(limit);
    return next;
  }

  function end(reason: SessionEndReason, t: number): void {
    const ending = live();
    if (!ending) return;
    ending.ended = true;
    intake.enqueue(END, { reason, durationMs: Math.min(MAX_DURATION_MS, Math.max(0, Math.round(t - ending.startedAt))) }, t, ending);
    arm();
  }

  /** End the live session if it has been idle for the limit, else check again when it would be. */
  function checkIdle(): void {
    const current = live();
    if (disposed || !current) return;
    const t = o.now();
    const idle = t - current.lastActivityAt;
    if (idle < limit) return arm(limit - idle);
    end('inactivity', t);
    o.idled();
  }

  function at(t: number, activity: boolean): Session | undefined {
    const current = live();
    if (current) {
      if (!activity) return current;
      if (t - current.lastActivityAt < limit) {
        current.lastActivityAt = t;
        return current;
      }
      end('inactivity', t);
    }
    if (!activity || disposed) return undefined;
    const renewed = session !== undefined;
    const next = begin(t);
    if (renewed) o.renewed();
    return next;
  }

  begin(o.now());

  return {
    get current() {
      return live();
    },
    at,
    input: (t) => void at(t, true),
    end,
    resume(t) {
      const last = session;
      if (disposed || !last?.ended || t - last.lastActivityAt >= limit) return;
      last.ended = false;
      arm(limit - (t - last.lastActivityAt));
    },
    checkIdle,
    setInfo(next) {
      if (next.sdk !== undefined) info.sdk = next.sdk;
      if (next.gpu !== undefined) info.gpu = next.gpu;
      // Patch the live session_start while no batch of its session has been cut.
      if (!start || start.session !== session || start.session.nextSeq !== 0) return;
      const fields: Record<string, unknown> = { ...start.fields, sdk: info.sdk };
      if (info.gpu !== undefined) fields.gpu = info.gpu;
      if (intake.check(START, fields) !== null) return;
      start.tuple.splice(0, Infinity, ...toQueuedTuple(START, fields, start.tuple[1] as number));
      start.fields = fields;
    },
    dispose() {
      disposed = true;
      arm();
    },
  };
}

/**
 * The way into the queue: the app's `beforeSend` hook, the schema check, the bounded queue.
 * An event that fails any step is dropped, counted in the stats and reported; nothing throws.
 */
import { EVENT_BY_TYPE, isEventType, type AnyEventDef, type CaptureFlags, type VantageEvent } from '../schema/registry.js';
import { VantageError, messageOf, type Reporter } from './errors.js';
import type { BoundedQueue } from './queue.js';
import type { Session } from './session.js';
import { toQueuedTuple, type QueuedTuple } from './tuple.js';
import type { BeforeSend, ClientStats } from './types.js';
import { compileFieldsCheck, type FieldsCheck } from './validate.js';

/** What the intake needs. */
export interface IntakeOptions {
  queue: BoundedQueue<Session, QueuedTuple>;
  stats: ClientStats;
  reporter: Reporter;
  beforeSend: BeforeSend | undefined;
  /** The capture flags in force. */
  capture: () => CaptureFlags;
  /** Called after each queued event. */
  queued: () => void;
}

/** The intake's handle. */
export interface Intake {
  /** Hook, check and queue one event of `owner` at `t`; returns its queued tuple, or `undefined` when dropped. */
  enqueue(def: AnyEventDef, fields: Readonly<Record<string, unknown>>, t: number, owner: Session): QueuedTuple | undefined;
  /** The schema check of `fields` as an event of `def`: `null` when valid, else why not. */
  check(def: AnyEventDef, fields: Readonly<Record<string, unknown>>): string | null;
  /** Drop an event the app passed wrongly, and say why. */
  invalid(message: string): void;
  /** Report the events an overflow episode cost, if one is under way (also at page hide and stop). */
  reportOverflow(): void;
}

/** Create the intake over a queue. */
export function createIntake(o: IntakeOptions): Intake {
  const checks = new Map<AnyEventDef, FieldsCheck>();
  let overflowing = false;

  function check(def: AnyEventDef, fields: Readonly<Record<string, unknown>>): string | null {
    let compiled = checks.get(def);
    if (!compiled) {
      compiled = compileFieldsCheck(def);
      checks.set(def, compiled);
    }
    return compiled(fields);
  }

  function invalid(message: string): void {
    o.stats.droppedInvalid++;
    o.reporter.report(new VantageError('invalid_event', `${message}; the event was dropped`, { count: 1 }));
  }

  function reportOverflow(): void {
    if (!overflowing) return;
    overflowing = false;
    const dropped = o.queue.takeOverflow();
    if (dropped > 0) {
      o.reporter.report(new VantageError('queue_overflow', `the queue was full (${o.queue.capacity} events): the ${dropped} oldest events were dropped`, { count: dropped }));
    }
  }

  /** The event after the hook: its definition, fields and time, or `undefined` when dropped. */
  function hooked(hook: BeforeSend, def: AnyEventDef, fields: Readonly<Record<string, unknown>>, t: number) {
    let result: VantageEvent | null;
    try {
      result = hook({ ...fields, type: def.type, t } as VantageEvent);
    } catch (error) {
      o.stats.droppedInvalid++;
      o.reporter.report(new VantageError('before_send', `beforeSend threw on a ${def.type} event (${messageOf(error)}); the event was dropped`, { count: 1, cause: error }));
      return undefined;
    }
    if (result === null || result === undefined) {
      o.stats.droppedByHook++;
      return undefined;
    }
    const type: unknown = typeof result === 'object' ? (result as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !isEventType(type)) {
      o.stats.droppedInvalid++;
      o.reporter.report(new VantageError('before_send', `beforeSend returned something that is not an event for a ${def.type} event; the event was dropped`, { count: 1 }));
      return undefined;
    }
    const chosen: AnyEventDef = EVENT_BY_TYPE[type];
    if (chosen !== def && !o.capture()[chosen.type]) {
      o.stats.droppedDisabled++;
      return undefined;
    }
    const time = typeof result.t === 'number' && Number.isFinite(result.t) ? result.t : t;
    return { def: chosen, fields: result as unknown as Readonly<Record<string, unknown>>, t: time };
  }

  /** Check and queue an event (after the hook, if any). */
  function accept(def: AnyEventDef, fields: Readonly<Record<string, unknown>>, t: number, owner: Session): QueuedTuple | undefined {
    const problem = check(def, fields);
    if (problem !== null) {
      invalid(problem);
      return undefined;
    }
    const tuple = toQueuedTuple(def, fields, t);
    if (o.queue.push(owner, tuple)) {
      if (overflowing) reportOverflow();
    } else {
      overflowing = true;
      o.stats.droppedOverflow++;
    }
    o.stats.queuedTotal++;
    o.queued();
    return tuple;
  }

  return {
    check,
    invalid,
    reportOverflow,
    enqueue(def, fields, t, owner) {
      if (!o.beforeSend) return accept(def, fields, t, owner);
      const result = hooked(o.beforeSend, def, fields, t);
      return result ? accept(result.def, result.fields, result.t, owner) : undefined;
    },
  };
}

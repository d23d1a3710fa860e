/**
 * The way into the queue: the app's `beforeSend` hook, the schema check, the bounded queue.
 * An event that fails any step is dropped, counted in the stats and reported; nothing throws.
 */
import type { CaptureFlags, VantageEvent } from '../schema/registry.js';
import { VantageError, messageOf, type Reporter } from './errors.js';
import { specOf, type EventSpec } from './events.js';
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
  enqueue(spec: EventSpec, fields: Readonly<Record<string, unknown>>, t: number, owner: Session): QueuedTuple | undefined;
  /** The schema check of `fields` as an event of `spec`: `null` when valid, else why not. */
  check(spec: EventSpec, fields: Readonly<Record<string, unknown>>): string | null;
  /** Drop an event the app passed wrongly, and say why. */
  invalid(message: string): void;
  /** Report the events an overflow episode cost, if one is under way (also at page hide and stop). */
  reportOverflow(): void;
}

/** Create the intake over a queue. */
export function createIntake(o: IntakeOptions): Intake {
  const checks = new Map<EventSpec, FieldsCheck>();
  let overflowing = false;

  function check(spec: EventSpec, fields: Readonly<Record<string, unknown>>): string | null {
    let compiled = checks.get(spec);
    if (!compiled) {
      compiled = compileFieldsCheck(spec);
      checks.set(spec, compiled);
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
  function hooked(hook: BeforeSend, spec: EventSpec, fields: Readonly<Record<string, unknown>>, t: number) {
    let result: VantageEvent | null;
    try {
      result = hook({ ...fields, type: spec.type, t } as VantageEvent);
    } catch (error) {
      o.stats.droppedInvalid++;
      o.reporter.report(new VantageError('before_send', `beforeSend threw on a ${spec.type} event (${messageOf(error)}); the event was dropped`, { count: 1, cause: error }));
      return undefined;
    }
    if (result === null || result === undefined) {
      o.stats.droppedByHook++;
      return undefined;
    }
    const chosen = typeof result === 'object' ? specOf((result as { type?: unknown }).type) : undefined;
    if (!chosen) {
      o.stats.droppedInvalid++;
      o.reporter.report(new VantageError('before_send', `beforeSend returned something that is not an event for a ${spec.type} event; the event was dropped`, { count: 1 }));
      return undefined;
    }
    if (chosen !== spec && !o.capture()[chosen.type]) {
      o.stats.droppedDisabled++;
      return undefined;
    }
    const time = typeof result.t === 'number' && Number.isFinite(result.t) ? result.t : t;
    return { spec: chosen, fields: result as unknown as Readonly<Record<string, unknown>>, t: time };
  }

  /** Check and queue an event (after the hook, if any). */
  function accept(spec: EventSpec, fields: Readonly<Record<string, unknown>>, t: number, owner: Session): QueuedTuple | undefined {
    const problem = check(spec, fields);
    if (problem !== null) {
      invalid(problem);
      return undefined;
    }
    const tuple = toQueuedTuple(spec, fields, t);
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
    enqueue(spec, fields, t, owner) {
      if (!o.beforeSend) return accept(spec, fields, t, owner);
      const result = hooked(o.beforeSend, spec, fields, t);
      return result ? accept(result.spec, result.fields, result.t, owner) : undefined;
    },
  };
}

/**
 * The way into the queue: the app's `beforeSend` hook, the schema check, the bounded queue.
 * An event that fails any step is dropped, counted in the stats and reported; nothing throws.
 */
import type { CaptureFlags, VantageEvent } from '../schema/registry.js';
import { normaliseProps } from './custom-props.js';
import { messageOf, type Reporter } from './errors.js';
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
  const { queue, stats, reporter } = o;
  const checks = new Map<EventSpec, FieldsCheck>();
  let overflowing = false;

  function check(spec: EventSpec, fields: Readonly<Record<string, unknown>>): string | null {
    let compiled = checks.get(spec);
    if (!compiled) checks.set(spec, (compiled = compileFieldsCheck(spec)));
    return compiled(fields);
  }

  /** Count and report an event dropped for `message`. */
  function drop(code: 'invalid_event' | 'before_send', message: string, cause?: unknown): undefined {
    stats.droppedInvalid++;
    reporter.report(code, `${message}; event dropped`, { count: 1, cause });
    return undefined;
  }

  function reportOverflow(): void {
    if (!overflowing) return;
    overflowing = false;
    const dropped = queue.takeOverflow();
    if (dropped > 0) reporter.report('queue_overflow', `queue full: ${dropped} oldest dropped`, { count: dropped });
  }

  return {
    check,
    invalid: (message) => void drop('invalid_event', message),
    reportOverflow,
    enqueue(spec, fields, t, owner) {
      if (o.beforeSend) {
        let result: unknown;
        try {
          result = o.beforeSend({ ...fields, type: spec.type, t } as VantageEvent);
        } catch (error) {
          return drop('before_send', `beforeSend threw: ${messageOf(error)}`, error);
        }
        if (result === null || result === undefined) {
          stats.droppedByHook++;
          return undefined;
        }
        const event = result as Readonly<Record<string, unknown>>;
        const chosen = specOf(event.type);
        if (!chosen) return drop('before_send', 'beforeSend returned no event');
        if (chosen !== spec && !o.capture()[chosen.type]) {
          stats.droppedDisabled++;
          return undefined;
        }
        if (typeof event.t === 'number' && Number.isFinite(event.t)) t = event.t;
        spec = chosen;
        fields = event;
        // The hook may have put something into props that JSON (and so the wire) cannot carry.
        if (spec.type === 'custom' && event.props !== undefined) {
          const props = normaliseProps(event.props);
          if (!props.ok) return drop('before_send', `beforeSend: ${props.message}`);
          fields = { ...event, props: props.props };
        }
      }
      const problem = check(spec, fields);
      if (problem !== null) return drop('invalid_event', problem);
      const tuple = toQueuedTuple(spec, fields, t);
      if (queue.push(owner, tuple)) {
        if (overflowing) reportOverflow();
      } else {
        overflowing = true;
        stats.droppedOverflow++;
      }
      stats.queuedTotal++;
      o.queued();
      return tuple;
    },
  };
}

/**
 * Errors of the client. Nothing the client does throws into the host: every failure becomes a
 * {@link VantageError} handed to the `onError` option and a `[vantage] …` console warning.
 */

/** What went wrong, as a stable string. */
export type VantageErrorCode =
  /** `createClient` options are unusable (the client does nothing), or an argument of `identify`, `setSessionInfo` or `registerProxy` is (it is ignored). */
  | 'invalid_options'
  /** `track()` got an unknown type or fields that break the wire schema; the event was dropped. */
  | 'invalid_event'
  /** The `beforeSend` hook threw or returned something that is not an event; the event was dropped. */
  | 'before_send'
  /** The queue was full: the oldest events were dropped (see `count`). */
  | 'queue_overflow'
  /** One event is too large for any batch under the beacon limit; it was dropped. */
  | 'event_too_large'
  /** The collector refused a batch (4xx other than 408/429); it was dropped, not retried. */
  | 'batch_rejected'
  /** The collector accepted a batch but dropped some of its events (see `detail`). */
  | 'events_dropped'
  /** A batch failed too often (5xx) and was given up. */
  | 'delivery_failed'
  /** A network error, 429 or 5xx; the batch will be retried (reported once per outage). */
  | 'delivery_retrying'
  /** `sendBeacon` refused a batch at page hide; its events are lost. */
  | 'beacon_failed'
  /** The scene's capture config could not be read; opt-in channels stay off. */
  | 'config_failed'
  /** The collector refused the scene proxy (a 4xx), or it could not be reached after a few attempts. */
  | 'proxy_failed'
  /** `track()` after `stop()`. */
  | 'stopped'
  /** A bug in the SDK, caught at its boundary. */
  | 'internal';

/** What an error cost and where it came from, besides its code and message. */
export interface ErrorExtra {
  /** Events this error cost. */
  count?: number;
  /** HTTP status (0 for a network error). */
  status?: number;
  /** Extra facts, for logs. */
  detail?: Record<string, unknown>;
  /** What was thrown, when something was. */
  cause?: unknown;
}

/** An error reported by the client. */
export class VantageError extends Error {
  /** Events this error cost, when it cost any. */
  readonly count: number;
  /** HTTP status, when the error came from a response (0 for a network error). */
  readonly status: number | undefined;
  /** Extra facts (for example the collector's drop reasons), for logs. */
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(
    readonly code: VantageErrorCode,
    message: string,
    extra: ErrorExtra = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'VantageError';
    this.count = extra.count ?? 0;
    this.status = extra.status;
    this.detail = extra.detail;
  }
}

/** Console warnings per client before they go quiet (onError still hears every error). */
export const MAX_CONSOLE_WARNINGS = 20;

/** Reports errors to the host; never throws. */
export interface Reporter {
  /** Report an error (as a {@link VantageError}). */
  report(code: VantageErrorCode, message: string, extra?: ErrorExtra): void;
  /** Run `fn`; what it throws is reported as `internal` ("`what` failed: …"), never rethrown. */
  guard(what: string, fn: () => void): void;
  /** Report what `what` threw as `internal`. */
  internal(what: string, thrown: unknown): void;
}

/** A reporter over the `onError` option and a rate-limited console. */
export function createReporter(
  onError: ((error: VantageError) => void) | undefined,
  console: { warn(...args: unknown[]): void } | undefined,
): Reporter {
  let warnings = 0;
  const reporter: Reporter = {
    report(code, message, extra) {
      const error = new VantageError(code, message, extra);
      if (console && warnings < MAX_CONSOLE_WARNINGS) {
        warnings++;
        const suffix = warnings === MAX_CONSOLE_WARNINGS ? ' (more: onError only)' : '';
        try {
          console.warn(`[vantage] ${message}${suffix}`);
        } catch {
          // a broken console must not break the host
        }
      }
      if (onError) {
        try {
          onError(error);
        } catch {
          // the host's own handler failed; there is nobody left to tell
        }
      }
    },
    guard(what, fn) {
      try {
        fn();
      } catch (thrown) {
        reporter.internal(what, thrown);
      }
    },
    internal(what, thrown) {
      reporter.report('internal', `${what} failed: ${messageOf(thrown)}`, { cause: thrown });
    },
  };
  return reporter;
}

/** The message of anything thrown. */
export function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

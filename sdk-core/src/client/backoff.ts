/**
 * When to try again: jittered exponential backoff, and the server's `Retry-After` when it sends
 * one. Pure functions of their inputs (the random source is a parameter).
 */

/** First backoff step (ms). */
export const BACKOFF_BASE_MS = 1000;
/** Longest backoff step (ms). */
export const BACKOFF_MAX_MS = 60_000;
/** Longest wait the client accepts from a `Retry-After` (ms); longer answers are capped. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * The wait before retry number `attempt` (1 = the first retry), in ms: "equal jitter" — half of
 * the exponential step plus a random part of the other half, so it is never zero and many
 * clients that failed together do not retry together. Always in
 * `[step / 2, step]` with `step = min(BACKOFF_MAX_MS, BACKOFF_BASE_MS × 2^(attempt-1))`.
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return (step / 2) * (1 + random());
}

/**
 * A `Retry-After` header value in ms from now: delta-seconds (`"120"`, also `"1.5"`) or an
 * HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`; a date in the past is 0). `undefined` when the
 * header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // An HTTP-date always names the weekday and the year; a bare number was handled above.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

/**
 * The wait before retry number `attempt`: the server's `Retry-After` (plus up to 10 % and at
 * most 1 s of jitter, never less than asked) when it sent one, else {@link backoffDelayMs}.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs === undefined) return backoffDelayMs(attempt, random);
  return retryAfterMs + random() * Math.min(1000, retryAfterMs * 0.1);
}

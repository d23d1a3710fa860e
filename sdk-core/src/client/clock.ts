/**
 * The event clock: epoch milliseconds from `performance.now()`, so times never go backwards
 * within a page (unlike `Date.now()` when the system clock is set). The collector corrects the
 * device's clock skew with each batch's `sentAt`, which is read from this same clock.
 */
import type { BrowserGlobals } from './platform.js';

/** Epoch milliseconds (fractional), monotonic within the page. */
export type Clock = () => number;

/** A clock over `performance` when there is one, else over `Date.now()`. */
export function createClock(g: Pick<BrowserGlobals, 'performance'>): Clock {
  const perf = g.performance;
  if (!perf || typeof perf.now !== 'function') return () => Date.now();
  const origin = typeof perf.timeOrigin === 'number' && perf.timeOrigin > 0 ? perf.timeOrigin : Date.now() - perf.now();
  return () => origin + perf.now();
}

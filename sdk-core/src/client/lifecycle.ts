/**
 * The page events the client follows: `pagehide` / `pageshow` (including the back/forward
 * cache), visibility, the network coming back, and user input (which keeps a session alive).
 * Input listeners are passive and only note the time.
 */
import type { BrowserGlobals, EventTargetLike, PageTransitionEventLike } from './platform.js';

/** User input that counts as activity for the inactivity timeout. */
export const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll'] as const;

/** What the client does on each page event. */
export interface LifecycleHandlers {
  pageHide(persisted: boolean): void;
  pageShow(persisted: boolean): void;
  hidden(): void;
  visible(): void;
  online(): void;
  input(): void;
}

/** Registered listeners; remove them with the two functions. */
export interface Lifecycle {
  /** Stop following user input (after `stop()`). */
  stopInput(): void;
  /** Remove every listener. */
  stopAll(): void;
}

/** Follow the page; every handler is guarded so no listener ever throws into the page. */
export function followPage(g: BrowserGlobals, handlers: LifecycleHandlers, guard: (what: string, fn: () => void) => void): Lifecycle {
  const win = g as Partial<EventTargetLike>;
  const doc = g.document;
  const removers: Array<() => void> = [];
  const inputRemovers: Array<() => void> = [];

  /** Listen (in the capture phase) where there is something to listen to: not in workers or Node. */
  function on(target: Partial<EventTargetLike> | undefined, type: string, fn: (event: PageTransitionEventLike) => void, list: Array<() => void>, passive = false): void {
    if (typeof target?.addEventListener !== 'function' || typeof target.removeEventListener !== 'function') return;
    const listening = target as EventTargetLike;
    listening.addEventListener(type, fn, { capture: true, passive });
    list.push(() => listening.removeEventListener(type, fn, { capture: true }));
  }

  on(win, 'pagehide', (e) => guard('pagehide', () => handlers.pageHide(e.persisted === true)), removers);
  on(win, 'pageshow', (e) => guard('pageshow', () => handlers.pageShow(e.persisted === true)), removers);
  on(win, 'online', () => guard('online', handlers.online), removers);
  on(doc, 'visibilitychange', () => guard('visibilitychange', () => (doc?.visibilityState === 'hidden' ? handlers.hidden() : handlers.visible())), removers);
  const input = () => guard('input', handlers.input);
  for (const type of ACTIVITY_EVENTS) on(win, type, input, inputRemovers, true);

  const removeAll = (list: Array<() => void>) => {
    for (const remove of list.splice(0)) remove();
  };
  return {
    stopInput: () => removeAll(inputRemovers),
    stopAll: () => {
      removeAll(inputRemovers);
      removeAll(removers);
    },
  };
}

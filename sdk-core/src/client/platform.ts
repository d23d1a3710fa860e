/**
 * The few browser APIs the client uses, typed structurally and read from `globalThis`, so the
 * package compiles without the DOM library and never touches a Node global. Every member is
 * optional: the client runs (with less) in a worker, a test runner or a very old browser.
 */

/** The response fields the client reads (a subset of the Fetch `Response`). */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** An abort signal, as `AbortController` hands it out. */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

/** The request options the client passes to `fetch`. */
export interface FetchInit {
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: Uint8Array | string;
  keepalive?: boolean;
  mode?: 'cors';
  credentials?: 'omit';
  cache?: 'default' | 'no-store';
  signal?: AbortSignalLike;
}

/** `fetch`, as far as the client uses it. */
export type FetchLike = (url: string, init: FetchInit) => Promise<ResponseLike>;

/** An event target with the listener options the client needs. */
export interface EventTargetLike {
  addEventListener(type: string, listener: (event: PageTransitionEventLike) => void, options?: { capture?: boolean; passive?: boolean }): void;
  removeEventListener(type: string, listener: (event: PageTransitionEventLike) => void, options?: { capture?: boolean }): void;
}

/** `pagehide` / `pageshow` events carry `persisted` (back/forward cache); others do not. */
export interface PageTransitionEventLike {
  readonly persisted?: boolean;
}

/** The navigator fields the client reads. */
export interface NavigatorLike {
  readonly doNotTrack?: string | null;
  readonly msDoNotTrack?: string | null;
  readonly globalPrivacyControl?: boolean;
  readonly language?: string;
  readonly onLine?: boolean;
  sendBeacon?(url: string, data: string): boolean;
}

/** The globals the client may use; see {@link browserGlobals}. */
export interface BrowserGlobals {
  readonly navigator?: NavigatorLike;
  /** Legacy `window.doNotTrack` (old Edge/Safari). */
  readonly doNotTrack?: string | null;
  readonly location?: { readonly href: string };
  readonly document?: EventTargetLike & { readonly referrer?: string; readonly visibilityState?: string };
  readonly innerWidth?: number;
  readonly innerHeight?: number;
  readonly devicePixelRatio?: number;
  readonly performance?: { now(): number; readonly timeOrigin?: number };
  readonly crypto?: { getRandomValues(array: Uint8Array): Uint8Array };
  readonly fetch?: FetchLike;
  readonly AbortController?: new () => { readonly signal: AbortSignalLike; abort(): void };
  readonly addEventListener?: EventTargetLike['addEventListener'];
  readonly removeEventListener?: EventTargetLike['removeEventListener'];
  readonly console?: { warn(...args: unknown[]): void };
  readonly URL?: new (url: string) => UrlLike;
  readonly TextEncoder?: new () => TextEncoderLike;
}

/** `TextEncoder`, as far as the client uses it. */
export interface TextEncoderLike {
  encode(input: string): Uint8Array;
}

/** The parts of a parsed `URL` the client reads. */
export interface UrlLike {
  readonly origin: string;
  readonly pathname: string;
  readonly searchParams: { forEach(callback: (value: string, name: string) => void): void };
}

/** The current global object seen through {@link BrowserGlobals}. */
export function browserGlobals(): BrowserGlobals {
  return globalThis as unknown as BrowserGlobals;
}

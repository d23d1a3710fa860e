/**
 * Talking to the collector. Batches go out as MessagePack with `fetch` (`keepalive`, so a batch
 * in flight survives the page; no credentials, so no cookie ever rides along) and the answer is
 * read: `202 {accepted, dropped}` is an acknowledgement; a network error, `408`, `429` and `5xx`
 * are worth retrying (with the server's `Retry-After` when it sends one); any other status is
 * final. At page hide, batches go out with `sendBeacon` as JSON text with the key in the body:
 * `text/plain` is a CORS-safelisted type, so a beacon needs no preflight and no header.
 */
import { parseRetryAfter } from './backoff.js';
import type { AbortSignalLike, BrowserGlobals, FetchLike, NavigatorLike, ResponseLike } from './platform.js';
import { MSGPACK_CONTENT_TYPE } from './wire-bytes.js';

/** What became of one attempt to send a batch. */
export type SendOutcome =
  /** The collector stored the batch (or had it already: `duplicate`). */
  | { kind: 'accepted'; accepted: number; dropped: Readonly<Record<string, number>>; duplicate: boolean }
  /** Not stored; try again later. `status` 0 is a network error or a timeout. */
  | { kind: 'retry'; status: number; retryAfterMs: number | undefined; message: string }
  /** Refused for good; do not send it again. */
  | { kind: 'rejected'; status: number; code: string | undefined; message: string };

/** Whether a failed HTTP status is worth retrying. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The collect URL of a collector base URL (`https://c.example` or `https://c.example/`). */
export function endpointUrl(endpoint: string, path: string): string {
  return endpoint.replace(/\/+$/, '') + path;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Read a collector answer into a {@link SendOutcome}. */
export async function readOutcome(response: ResponseLike, nowMs: number): Promise<SendOutcome> {
  const body = parseJson(await response.text().catch(() => ''));
  const status = response.status;
  if (status >= 200 && status < 300) {
    const dropped = body?.dropped;
    return {
      kind: 'accepted',
      accepted: typeof body?.accepted === 'number' ? body.accepted : 0,
      dropped: dropped !== null && typeof dropped === 'object' ? (dropped as Record<string, number>) : {},
      duplicate: body?.duplicate === true,
    };
  }
  const code = typeof body?.error === 'string' ? body.error : undefined;
  const message = `${status}${code ? ` ${code}` : ''}${typeof body?.message === 'string' ? `: ${body.message}` : ''}`;
  if (isRetryableStatus(status)) {
    return { kind: 'retry', status, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), nowMs), message };
  }
  return { kind: 'rejected', status, code, message };
}

/** A fetch with a time limit; the limit's expiry rejects like a network error. */
export async function fetchWithTimeout(
  g: Pick<BrowserGlobals, 'AbortController'>,
  fetchFn: FetchLike,
  url: string,
  init: Parameters<FetchLike>[1],
  timeoutMs: number,
): Promise<ResponseLike> {
  const controller = typeof g.AbortController === 'function' ? new g.AbortController() : undefined;
  const signal: AbortSignalLike | undefined = controller?.signal;
  const timer = controller ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
  try {
    return await fetchFn(url, signal ? { ...init, signal } : init);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Everything {@link postBatch} needs besides the batch. */
export interface Transport {
  g: Pick<BrowserGlobals, 'AbortController'>;
  fetch: FetchLike;
  collectUrl: string;
  key: string;
  timeoutMs: number;
  now: () => number;
}

/** Send one msgpack batch and read the answer. Never throws. */
export async function postBatch(transport: Transport, body: Uint8Array): Promise<SendOutcome> {
  try {
    const response = await fetchWithTimeout(
      transport.g,
      transport.fetch,
      transport.collectUrl,
      {
        method: 'POST',
        headers: { 'Content-Type': MSGPACK_CONTENT_TYPE, Authorization: `Bearer ${transport.key}` },
        body,
        keepalive: true,
        mode: 'cors',
        credentials: 'omit',
      },
      transport.timeoutMs,
    );
    return await readOutcome(response, transport.now());
  } catch (error) {
    return { kind: 'retry', status: 0, retryAfterMs: undefined, message: `network error: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Hand a JSON batch (with its `key`) to `navigator.sendBeacon`. False when there is no
 * `sendBeacon` or the browser refused it (over its in-flight quota).
 */
export function beaconBatch(navigator: NavigatorLike | undefined, url: string, json: string): boolean {
  if (!navigator || typeof navigator.sendBeacon !== 'function') return false;
  try {
    return navigator.sendBeacon(url, json);
  } catch {
    return false;
  }
}

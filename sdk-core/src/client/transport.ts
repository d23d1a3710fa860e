/**
 * Talking to the collector: one request with the publishable key, a time limit and no
 * credentials (so no cookie ever rides along), and its answer read once for every caller —
 * batches, the scene config, the scene proxy. A network error, a timeout, `408`, `429` and `5xx`
 * are worth retrying (with the server's `Retry-After` when it sends one); any other failed status
 * is final. (Beacons at page hide are `delivery.ts`'s.)
 */
import { parseRetryAfter } from './backoff.js';
import { messageOf } from './errors.js';
import type { BrowserGlobals, FetchLike } from './platform.js';

/** Everything a request needs besides its own method, path and body. */
export interface Link {
  g: Pick<BrowserGlobals, 'AbortController'>;
  fetch: FetchLike;
  /** The collector's base URL, without a trailing slash. */
  endpoint: string;
  key: string;
  timeoutMs: number;
  now: () => number;
}

/** The collector's answer to one request. */
export interface Answer {
  /** The HTTP status; 0 for a network error or a timeout. */
  status: number;
  /** The body, when it is a JSON object. */
  body: Readonly<Record<string, unknown>> | undefined;
  /** The `Retry-After` header in ms, when there is one. */
  retryAfterMs: number | undefined;
  /** `<status> <error code>: <message>` or `network error: …`, for reports. */
  message: string;
}

/** Whether a failed answer is worth retrying: network errors, timeouts, 408, 429 and 5xx. */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** A collector base URL without its trailing slashes (`https://c.example/` → `https://c.example`). */
export function baseUrl(endpoint: string): string {
  return endpoint.replace(/\/+$/, '');
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Send one request to `{endpoint}{path}` with the key and read the answer. Never throws. POSTs
 * are `keepalive` (a batch in flight survives the page; browsers allow 64 KiB of them).
 */
export async function send(link: Link, method: 'GET' | 'POST' | 'PUT', path: string, body?: Uint8Array | string, contentType?: string): Promise<Answer> {
  const controller = typeof link.g.AbortController === 'function' ? new link.g.AbortController() : undefined;
  const timer = controller && setTimeout(() => controller.abort(), link.timeoutMs);
  const authorization = `Bearer ${link.key}`;
  try {
    const response = await link.fetch(link.endpoint + path, {
      method,
      headers: contentType ? { Authorization: authorization, 'Content-Type': contentType } : { Authorization: authorization },
      body,
      keepalive: method === 'POST',
      mode: 'cors',
      credentials: 'omit',
      signal: controller?.signal,
    });
    const status = response.status;
    const answer = jsonObject(await response.text().catch(() => ''));
    const code = typeof answer?.error === 'string' ? ` ${answer.error}` : '';
    const detail = typeof answer?.message === 'string' ? `: ${answer.message}` : '';
    return { status, body: answer, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), link.now()), message: `${status}${code}${detail}` };
  } catch (error) {
    return { status: 0, body: undefined, retryAfterMs: undefined, message: `network error: ${messageOf(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

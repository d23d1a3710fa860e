/**
 * The scene's capture flags, read from `GET {endpoint}/api/v1/config?scene=` with the
 * publishable key. Until an answer arrives the client uses the strict default — every opt-in
 * channel off — and it falls back to it when the answer is unusable. Always-on channels stay on
 * whatever the answer says.
 */
import type { CaptureFlags } from '../schema/registry.js';
import { parseRetryAfter, retryDelayMs } from './backoff.js';
import { VantageError, type Reporter } from './errors.js';
import { captureFlags, DEFAULT_CAPTURE } from './events.js';
import type { BrowserGlobals, FetchLike } from './platform.js';
import { endpointUrl, fetchWithTimeout, isRetryableStatus } from './transport.js';

/** A scene's capture settings as the collector serves them. */
export interface RemoteConfig {
  /** The scene id. */
  readonly scene: string;
  /** Which channels are on (always-on channels are always true). */
  readonly capture: CaptureFlags;
  /** Sampling rates by name, 0..1, as the operator set them (interpreted by connectors). */
  readonly sampling: Readonly<Record<string, number>>;
}

/** The outcome of one config request. */
export type ConfigOutcome =
  | { ok: true; config: RemoteConfig }
  | { ok: false; retry: boolean; retryAfterMs: number | undefined; message: string; status: number };

/** The config of a scene nobody configured: the strict default. */
export function defaultConfig(scene: string): RemoteConfig {
  return { scene, capture: DEFAULT_CAPTURE, sampling: {} };
}

/** Read a config answer; unknown channels and non-boolean flags are ignored. */
export function parseConfig(body: unknown, scene: string): RemoteConfig {
  const input = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const capture = input.capture !== null && typeof input.capture === 'object' ? (input.capture as Record<string, unknown>) : {};
  const sampling: Record<string, number> = {};
  const rawSampling = input.sampling !== null && typeof input.sampling === 'object' ? (input.sampling as Record<string, unknown>) : {};
  for (const [name, rate] of Object.entries(rawSampling)) {
    if (typeof rate === 'number' && rate >= 0 && rate <= 1) sampling[name] = rate;
  }
  return { scene, capture: captureFlags(capture), sampling };
}

/** Everything a config request needs. */
export interface ConfigRequest {
  g: Pick<BrowserGlobals, 'AbortController'>;
  fetch: FetchLike;
  endpoint: string;
  key: string;
  scene: string;
  timeoutMs: number;
  now: () => number;
}

/** Ask the collector for the scene's config once. Never throws. */
export async function fetchRemoteConfig(request: ConfigRequest): Promise<ConfigOutcome> {
  const url = `${endpointUrl(request.endpoint, '/api/v1/config')}?scene=${encodeURIComponent(request.scene)}`;
  try {
    const response = await fetchWithTimeout(
      request.g,
      request.fetch,
      url,
      { method: 'GET', headers: { Authorization: `Bearer ${request.key}` }, mode: 'cors', credentials: 'omit' },
      request.timeoutMs,
    );
    const text = await response.text();
    if (response.status === 200) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { ok: false, retry: true, retryAfterMs: undefined, message: 'the config answer is not JSON', status: 200 };
      }
      return { ok: true, config: parseConfig(body, request.scene) };
    }
    return {
      ok: false,
      retry: isRetryableStatus(response.status),
      retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), request.now()),
      message: `${response.status} ${text.slice(0, 200)}`,
      status: response.status,
    };
  } catch (error) {
    return { ok: false, retry: true, retryAfterMs: undefined, message: `network error: ${error instanceof Error ? error.message : String(error)}`, status: 0 };
  }
}

/** The client's view of the scene's config: the flags in force, and who listens for changes. */
export interface ConfigLoader {
  /** The last answer, `undefined` until the first one. */
  readonly config: RemoteConfig | undefined;
  /** The flags in force (the strict default until the first answer). */
  readonly capture: CaptureFlags;
  /** Ask the collector (again); failures are retried with backoff, 4xx are reported and final. */
  load(): void;
  /** Listen for answers; called at once when one is known. Returns the function that stops listening. */
  subscribe(listener: (config: RemoteConfig) => void): () => void;
  /** Stop retrying. */
  dispose(): void;
}

/** A loader for one scene; `request` is `undefined` where there is no `fetch` (the default stays). */
export function createConfigLoader(
  scene: string,
  request: ConfigRequest | undefined,
  reporter: Reporter,
  guard: (what: string, fn: () => void) => void,
): ConfigLoader {
  const listeners = new Set<(config: RemoteConfig) => void>();
  let config: RemoteConfig | undefined;
  let capture = defaultConfig(scene).capture;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  async function load(attempt: number): Promise<void> {
    if (!request || disposed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const outcome = await fetchRemoteConfig(request);
    if (disposed) return;
    if (outcome.ok) {
      config = outcome.config;
      capture = outcome.config.capture;
      const answer = outcome.config;
      for (const listener of listeners) guard('onConfig', () => listener(answer));
      return;
    }
    if (attempt === 1 || !outcome.retry) {
      const next = outcome.retry ? 'retrying' : 'giving up';
      reporter.report(new VantageError('config_failed', `the scene config could not be read (${outcome.message}); opt-in channels stay off, ${next}`, { status: outcome.status }));
    }
    if (outcome.retry) timer = setTimeout(() => void load(attempt + 1), retryDelayMs(attempt, outcome.retryAfterMs));
  }

  return {
    get config() {
      return config;
    },
    get capture() {
      return capture;
    },
    load: () => void load(1),
    subscribe(listener) {
      listeners.add(listener);
      const known = config;
      if (known) guard('onConfig', () => listener(known));
      return () => {
        listeners.delete(listener);
      };
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

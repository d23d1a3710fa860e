/**
 * The scene's capture flags, read from `GET {endpoint}/api/v1/config?scene=` with the
 * publishable key. Until an answer arrives the client uses the strict default — every opt-in
 * channel off — and it falls back to it when the answer is unusable. Always-on channels stay on
 * whatever the answer says.
 */
import type { CaptureFlags } from '../schema/registry.js';
import { retryDelayMs } from './backoff.js';
import type { Reporter } from './errors.js';
import { captureFlags, DEFAULT_CAPTURE } from './events.js';
import { isRetryable, send, type Link } from './transport.js';

/** A scene's capture settings as the collector serves them. */
export interface RemoteConfig {
  /** The scene id. */
  readonly scene: string;
  /** Which channels are on (always-on channels are always true). */
  readonly capture: CaptureFlags;
  /** Sampling rates by name, 0..1, as the operator set them (interpreted by connectors). */
  readonly sampling: Readonly<Record<string, number>>;
  /** The hash of the scene proxy the collector holds (see `registerProxy`), `null` when it holds none. */
  readonly proxyHash: string | null;
}

/** The config of a scene nobody configured: the strict default. */
export function defaultConfig(scene: string): RemoteConfig {
  return { scene, capture: DEFAULT_CAPTURE, sampling: {}, proxyHash: null };
}

function objectOr(value: unknown): Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** Read a config answer; unknown channels, non-boolean flags and rates outside 0..1 are ignored. */
export function parseConfig(body: unknown, scene: string): RemoteConfig {
  const input = objectOr(body);
  const sampling: Record<string, number> = {};
  for (const [name, rate] of Object.entries(objectOr(input.sampling))) {
    if (typeof rate === 'number' && rate >= 0 && rate <= 1) sampling[name] = rate;
  }
  const proxyHash = typeof input.proxyHash === 'string' ? input.proxyHash : null;
  return { scene, capture: captureFlags(objectOr(input.capture)), sampling, proxyHash };
}

/** The client's view of the scene's config: the flags in force, and who listens for changes. */
export interface ConfigLoader {
  /** The last answer, `undefined` until the first one. */
  readonly config: RemoteConfig | undefined;
  /** The flags in force (the strict default until the first answer). */
  readonly capture: CaptureFlags;
  /** Ask the collector (again); failures are retried with backoff, 4xx are reported and final. */
  load(): void;
  /**
   * The config once the collector answered (at once when it already has): `undefined` when the
   * request failed for good (a 4xx), when there is no `fetch`, or after {@link dispose}.
   */
  ready(): Promise<RemoteConfig | undefined>;
  /** Listen for answers; called at once when one is known. Returns the function that stops listening. */
  subscribe(listener: (config: RemoteConfig) => void): () => void;
  /** Stop retrying; pending {@link ready} calls resolve `undefined`. */
  dispose(): void;
}

/** A loader for one scene; `link` is `undefined` where there is no `fetch` (the default stays). */
export function createConfigLoader(scene: string, link: Link | undefined, reporter: Reporter): ConfigLoader {
  const listeners = new Set<(config: RemoteConfig) => void>();
  const waiting: Array<(config: RemoteConfig | undefined) => void> = [];
  let config: RemoteConfig | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  let failed = false;

  function settle(answer: RemoteConfig | undefined): void {
    for (const resolve of waiting.splice(0)) resolve(answer);
  }

  async function load(attempt: number): Promise<void> {
    if (!link || disposed) return;
    clearTimeout(timer);
    failed = false;
    const answer = await send(link, 'GET', `/api/v1/config?scene=${encodeURIComponent(scene)}`);
    if (disposed) return;
    if (answer.status === 200 && answer.body) {
      const known = (config = parseConfig(answer.body, scene));
      settle(known);
      for (const listener of listeners) reporter.guard('onConfig', () => listener(known));
      return;
    }
    // A 200 that is not a JSON object is retried like an outage.
    const retry = answer.status === 200 || isRetryable(answer.status);
    if (attempt === 1 || !retry) {
      const why = answer.status === 200 ? 'not JSON' : answer.message;
      reporter.report('config_failed', `config: ${why}${retry ? '; retrying' : ''}`, { status: answer.status });
    }
    if (retry) {
      timer = setTimeout(() => void load(attempt + 1), retryDelayMs(attempt, answer.retryAfterMs));
    } else {
      failed = true;
      settle(undefined);
    }
  }

  return {
    get config() {
      return config;
    },
    get capture() {
      return config?.capture ?? DEFAULT_CAPTURE;
    },
    load: () => void load(1),
    ready() {
      if (config) return Promise.resolve(config);
      if (failed || disposed || !link) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    subscribe(listener) {
      listeners.add(listener);
      const known = config;
      if (known) reporter.guard('onConfig', () => listener(known));
      return () => {
        listeners.delete(listener);
      };
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
      settle(undefined);
    },
  };
}

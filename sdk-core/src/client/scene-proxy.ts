/**
 * The scene proxy: per-mesh world-space boxes and mesh ids, registered with the collector so that
 * replay and heatmaps can draw the scene without the app's assets
 * (`PUT {endpoint}/api/v1/scenes/:sceneId/proxy`).
 *
 * A proxy is identified by its hash — FNV-1a 32-bit, as 8 lowercase hex characters, over the
 * UTF-8 bytes of its canonical text: the meshes sorted by id (UTF-16 code unit order), each
 * written `id + "\u0000" + box.join(",") + "\n"`. The collector stores the hash as an opaque
 * version tag and serves it in the scene's config (`proxyHash`), so a page sends its proxy only
 * when the collector holds another one — once per scene change, not once per page view.
 */
import { MAX_COORD_MM, MAX_MESH_ID_LENGTH } from '../schema/scalars.js';
import { retryDelayMs } from './backoff.js';
import { messageOf, VantageError, type Reporter } from './errors.js';
import { utf8 } from './msgpack.js';
import type { RemoteConfig } from './remote-config.js';
import { isRetryable, send, type Link } from './transport.js';

/** One mesh of a scene proxy. */
export interface SceneProxyMesh {
  /** A mesh id: 1–128 UTF-16 code units, no control characters (C0, C1, DEL). */
  id: string;
  /** World-space axis-aligned box in integer millimetres: [minX, minY, minZ, maxX, maxY, maxZ], min <= max, |v| <= 10_000_000. */
  box: [number, number, number, number, number, number];
}

/** A scene's proxy: 0..5000 meshes with unique ids. */
export interface SceneProxy {
  meshes: readonly SceneProxyMesh[];
}

/** Most meshes in one proxy. */
export const MAX_PROXY_MESHES = 5000;
/** Largest proxy request body the collector takes (1 MiB). */
export const MAX_PROXY_BYTES = 1_048_576;
/** Attempts of one registration before it gives up on network errors, 429 and 5xx. */
export const MAX_PROXY_ATTEMPTS = 5;

const MESH_ID = new RegExp(`^[^\\u0000-\\u001f\\u007f-\\u009f]{1,${MAX_MESH_ID_LENGTH}}$`);

function isCoordinate(v: unknown): v is number {
  return Number.isInteger(v) && Math.abs(v as number) <= MAX_COORD_MM;
}

/** Why `proxy` is not a valid scene proxy, naming the first bad field; `null` when it is. */
export function proxyProblem(proxy: unknown): string | null {
  const meshes = (proxy as { meshes?: unknown } | null | undefined)?.meshes;
  if (!Array.isArray(meshes) || meshes.length > MAX_PROXY_MESHES) return `proxy.meshes must be an array of at most ${MAX_PROXY_MESHES} meshes`;
  const seen = new Set<string>();
  for (let i = 0; i < meshes.length; i++) {
    const mesh = meshes[i] as Partial<SceneProxyMesh> | null | undefined;
    const id = mesh?.id;
    const box = mesh?.box as unknown[] | undefined;
    if (typeof id !== 'string' || !MESH_ID.test(id)) return `meshes[${i}].id must be 1–${MAX_MESH_ID_LENGTH} characters without control characters`;
    if (seen.has(id)) return `meshes[${i}].id ${JSON.stringify(id)} is not unique`;
    seen.add(id);
    if (!Array.isArray(box) || box.length !== 6 || !box.every((v, j) => isCoordinate(v) && (j > 2 || v <= (box[j + 3] as number)))) {
      return `meshes[${i}].box must be 6 integers with min <= max (millimetres, |v| <= ${MAX_COORD_MM})`;
    }
  }
  return null;
}

/** The meshes of a valid proxy in canonical order: sorted by id, as copies (the app may change its own). */
export function canonicalMeshes(proxy: SceneProxy): SceneProxyMesh[] {
  return proxy.meshes.map((m) => ({ id: m.id, box: [...m.box] as SceneProxyMesh['box'] })).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The hash of canonical meshes (see the module's doc). */
function hashOf(meshes: readonly SceneProxyMesh[]): string {
  let hash = 0x811c9dc5;
  for (const b of utf8(meshes.map((m) => `${m.id}\u0000${m.box.join(',')}\n`).join(''))) hash = Math.imul(hash ^ b, 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The hash of a valid scene proxy: what `registerProxy` sends and compares with the config's `proxyHash`. */
export function hashSceneProxy(proxy: SceneProxy): string {
  return hashOf(canonicalMeshes(proxy));
}

/** What registrations need. */
export interface ProxyRegistrarOptions {
  /** The way to the collector; `undefined` where there is no `fetch`. */
  link: Link | undefined;
  scene: string;
  /** The scene's config, once the collector answered (`undefined` when it will not). */
  config: () => Promise<RemoteConfig | undefined>;
  reporter: Reporter;
  random?: () => number;
}

/** Registers a scene's proxies, one at a time, in call order. */
export interface ProxyRegistrar {
  /** See `VantageClient.registerProxy`. Never rejects. */
  register(proxy: SceneProxy): Promise<boolean>;
  /** Stop: pending registrations resolve false. */
  dispose(): void;
}

/** Create the registrar of one client. */
export function createProxyRegistrar(o: ProxyRegistrarOptions): ProxyRegistrar {
  const path = `/api/v1/scenes/${encodeURIComponent(o.scene)}/proxy`;
  const wakers = new Set<() => void>();
  /** The hash the collector holds, as far as this page knows. */
  let held: string | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;

  /** Wait `ms`; false when disposed meanwhile. */
  function sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve(!disposed);
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });
  }

  function fail(message: string, status?: number): false {
    o.reporter.report(new VantageError('proxy_failed', `the scene proxy could not be registered: ${message}`, { status }));
    return false;
  }

  async function upload(link: Link, hash: string, body: string): Promise<boolean> {
    if (held === hash) return true;
    const config = await o.config();
    if (disposed || !config) return false;
    if (config.proxyHash === hash) {
      held = hash;
      return true;
    }
    for (let attempt = 1; ; attempt++) {
      const answer = await send(link, 'PUT', path, body, 'application/json');
      if (answer.status === 200) {
        held = hash;
        return true;
      }
      if (disposed) return false;
      if (!isRetryable(answer.status)) return fail(answer.message, answer.status);
      if (attempt === MAX_PROXY_ATTEMPTS) return fail(`${answer.message} (after ${attempt} attempts)`, answer.status);
      if (!(await sleep(retryDelayMs(attempt, answer.retryAfterMs, o.random)))) return false;
    }
  }

  return {
    register(proxy) {
      const link = o.link;
      if (disposed || !link) return Promise.resolve(false);
      const problem = proxyProblem(proxy);
      if (problem) {
        o.reporter.report(new VantageError('invalid_options', `registerProxy(): ${problem}`));
        return Promise.resolve(false);
      }
      const meshes = canonicalMeshes(proxy);
      const hash = hashOf(meshes);
      const body = JSON.stringify({ hash, meshes });
      if (utf8(body).length > MAX_PROXY_BYTES) return Promise.resolve(fail(`its ${meshes.length} meshes take over ${MAX_PROXY_BYTES} bytes`));
      const run = queue.then(() => upload(link, hash, body)).catch((error: unknown) => {
        o.reporter.report(new VantageError('internal', `registerProxy() failed: ${messageOf(error)}`, { cause: error }));
        return false;
      });
      queue = run;
      return run;
    },
    dispose() {
      disposed = true;
      for (const wake of wakers) wake();
    },
  };
}

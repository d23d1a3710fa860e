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
import { MAX_COORD_MM } from '../schema/scalars.js';
import { retryDelayMs } from './backoff.js';
import type { Reporter } from './errors.js';
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

/** A proxy mesh id: 1–128 (the wire's `MAX_MESH_ID_LENGTH`) UTF-16 code units, none of them C0, DEL or C1. */
const MESH_ID = /^[^\u0000-\u001f\u007f-\u009f]{1,128}$/;

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
    if (typeof id !== 'string' || !MESH_ID.test(id) || seen.has(id)) return `meshes[${i}].id must be unique, 1–128 characters, no control characters`;
    seen.add(id);
    if (!Array.isArray(box) || box.length !== 6 || !box.every((v, j) => isCoordinate(v) && (j > 2 || v <= (box[j + 3] as number)))) {
      return `meshes[${i}].box must be 6 integers with min <= max`;
    }
  }
  return null;
}

/** The meshes of a valid proxy in canonical order (sorted by id), without any other property. */
export function canonicalMeshes(proxy: SceneProxy): SceneProxyMesh[] {
  return proxy.meshes.map(({ id, box }) => ({ id, box })).sort((a, b) => (a.id < b.id ? -1 : 1));
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
  /** See `VantageClient.registerProxy`: false at once after {@link dispose}. Never throws nor rejects. */
  register(proxy: SceneProxy): Promise<boolean>;
  /** Stop (the client stopped): a pending registration resolves false. */
  dispose(): void;
}

/** Create the registrar of one client. */
export function createProxyRegistrar(o: ProxyRegistrarOptions): ProxyRegistrar {
  const path = `/api/v1/scenes/${encodeURIComponent(o.scene)}/proxy`;
  /** The hash the collector holds, as far as this page knows. */
  let held: string | undefined;
  let last: Promise<boolean> = Promise.resolve(false);
  let disposed = false;
  /** Ends the backoff wait of the registration under way (only one runs at a time). */
  let wake: (() => void) | undefined;

  function fail(code: 'invalid_options' | 'proxy_failed', message: string, status?: number): false {
    o.reporter.report(code, `registerProxy(): ${message}`, { status });
    return false;
  }

  async function upload(link: Link, hash: string, body: string): Promise<boolean> {
    if (held === hash) return true;
    const config = await o.config();
    if (disposed || !config) return false;
    for (let attempt = 1; config.proxyHash !== hash; attempt++) {
      const answer = await send(link, 'PUT', path, body, 'application/json');
      if (answer.status >= 200 && answer.status < 300) break;
      if (disposed) return false;
      if (!isRetryable(answer.status)) return fail('proxy_failed', answer.message, answer.status);
      if (attempt === MAX_PROXY_ATTEMPTS) return fail('proxy_failed', `${answer.message} (${attempt} tries)`, answer.status);
      // Wait before the next attempt; dispose() cuts the wait short.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryDelayMs(attempt, answer.retryAfterMs, o.random));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (disposed) return false;
    }
    held = hash;
    return true;
  }

  /** Check and hash now (the app may change its proxy later), upload after the registrations before it. */
  async function register(proxy: SceneProxy, before: Promise<unknown>): Promise<boolean> {
    const link = o.link;
    if (disposed || !link) return false;
    const problem = proxyProblem(proxy);
    if (problem) return fail('invalid_options', problem);
    const meshes = canonicalMeshes(proxy);
    const hash = hashOf(meshes);
    const body = JSON.stringify({ hash, meshes });
    if (utf8(body).length > MAX_PROXY_BYTES) return fail('proxy_failed', 'over 1 MiB');
    await before;
    return upload(link, hash, body);
  }

  return {
    register(proxy) {
      last = register(proxy, last).catch((error: unknown) => {
        o.reporter.internal('registerProxy()', error);
        return false;
      });
      return last;
    },
    dispose() {
      disposed = true;
      wake?.();
    },
  };
}

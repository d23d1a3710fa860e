/**
 * The `asset_load` channel through three's LoadingManager: every loader that uses the manager
 * calls `itemStart(url)` and then `itemEnd(url)` or `itemError(url)`. The tracker wraps those three
 * methods on the manager instance (and restores them on stop), times each URL, and reads the
 * transferred size from the browser's resource timing when the server allows it. `blob:` and
 * `data:` URLs (textures embedded in a .glb) are parts of an asset already counted, not assets.
 * A load already in flight when the watch began (React Three Fiber's `useLoader` starts loading
 * while rendering, before any effect can start capture) is reported when it ends, timed by its
 * resource timing entry when there is one, else from the start of the watch.
 */
import type { LoadingManager } from 'three';
import { ms } from './wire.js';

/** What the `asset_load` event says of one load. */
export interface AssetLoad {
  url: string;
  kind: 'model' | 'texture' | 'environment' | 'audio' | 'other';
  durationMs: number;
  ok: boolean;
  bytes?: number;
}

const KINDS: ReadonlyArray<[RegExp, AssetLoad['kind']]> = [
  [/\.(glb|gltf|fbx|obj|stl|ply|3ds|dae|usdz|drc|vrm)$/i, 'model'],
  [/\.(hdr|exr)$/i, 'environment'],
  [/\.(png|jpe?g|webp|avif|gif|ktx2?|basis|dds|tga|bmp)$/i, 'texture'],
  [/\.(mp3|ogg|wav|m4a|aac|flac|opus)$/i, 'audio'],
];

/** The asset kind of a URL, from its path's extension. */
export function assetKind(url: string): AssetLoad['kind'] {
  const path = url.replace(/[?#].*$/, '');
  for (const [pattern, kind] of KINDS) if (pattern.test(path)) return kind;
  return 'other';
}

/** An absolute URL for `url` against the page, at most 1,024 characters; `null` for blob:/data: or unusable URLs. */
export function assetUrl(url: string, base: string | undefined): string | null {
  if (typeof url !== 'string' || url === '' || /^(blob|data):/i.test(url)) return null;
  let absolute = url;
  try {
    absolute = new URL(url, base).href;
  } catch {
    // keep what the loader said
  }
  if (absolute.length > 1024) {
    // The query string goes first (the collector drops it anyway), then the path is cut.
    absolute = absolute.replace(/[?#].*$/, '').slice(0, 1024);
  }
  return absolute;
}

type Item = (url: string) => void;

/** A watch on a LoadingManager. */
export interface LoadWatch {
  /** Loads started since the watch began and not ended yet. */
  pending(): number;
  /** Undo the wrapping. */
  stop(): void;
}

/** Wrap `manager` so that every finished load is handed to `onLoad`. */
export function watchLoads(
  manager: LoadingManager,
  now: () => number,
  onLoad: (load: AssetLoad) => void,
  report: (error: unknown) => void,
  g: { location?: { href: string }; performance?: Performance } = globalThis as never,
): LoadWatch {
  const started = new Map<string, number>();
  const watchedAt = now();
  const original = { itemStart: manager.itemStart, itemEnd: manager.itemEnd, itemError: manager.itemError };

  function finish(url: string, ok: boolean): void {
    const at = started.get(url);
    started.delete(url);
    const absolute = assetUrl(url, g.location?.href);
    if (absolute === null) return;
    const entries = ok || at === undefined ? g.performance?.getEntriesByName?.(absolute, 'resource') : undefined;
    const entry = entries?.[entries.length - 1] as PerformanceResourceTiming | undefined;
    // In flight before the watch: the browser's timing of the request, else a lower bound.
    const durationMs = at !== undefined ? now() - at : entry ? entry.responseEnd - entry.startTime : now() - watchedAt;
    const load: AssetLoad = { url: absolute, kind: assetKind(absolute), durationMs: ms(durationMs), ok };
    const bytes = entry ? entry.transferSize || entry.encodedBodySize : 0;
    if (bytes > 0 && bytes <= 2_147_483_647) load.bytes = bytes;
    onLoad(load);
  }

  const itemStart: Item = function (this: LoadingManager, url) {
    if (!started.has(url)) started.set(url, now());
    original.itemStart.call(this, url);
  };
  /** The manager's own `itemEnd` or `itemError`, after the load is reported (never throwing into the loader). */
  function ending(ok: boolean, own: Item): Item {
    return function (this: LoadingManager, url) {
      try {
        finish(url, ok);
      } catch (error) {
        report(error);
      } finally {
        own.call(this, url);
      }
    };
  }
  const itemEnd = ending(true, original.itemEnd);
  const itemError = ending(false, original.itemError);
  manager.itemStart = itemStart;
  manager.itemEnd = itemEnd;
  manager.itemError = itemError;
  return {
    pending: () => started.size,
    stop() {
      // Only undo what is still ours (someone may have wrapped the manager after us).
      if (manager.itemStart === itemStart) manager.itemStart = original.itemStart;
      if (manager.itemEnd === itemEnd) manager.itemEnd = original.itemEnd;
      if (manager.itemError === itemError) manager.itemError = original.itemError;
      started.clear();
    },
  };
}

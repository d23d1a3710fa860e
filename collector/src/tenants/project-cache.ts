/**
 * Cached project settings and scene capture flags for the ingest path. Entries live a few
 * seconds, so a change made by an operator reaches every collector process within that time
 * without a database read per request.
 */
import { DEFAULT_CAPTURE_FLAGS, EVENT_DEFS, type CaptureFlags } from '@vantage/sdk-core/schema';
import type { Store } from '../storage/types.js';
import type { SceneBounds } from './scenes.js';
import { getProject, type Project } from './projects.js';

/** A scene's capture settings as the collector enforces them. */
export interface SceneSettings {
  /** Channel → on/off; always-on channels are always true. */
  capture: CaptureFlags;
  /** Sampling rates by name (0..1), as set by the operator. */
  sampling: Record<string, number>;
  modelUrl: string | null;
  voxelSizeMm: number | null;
  /** The operator's scene bounds (metres), from which a voxel size is derived when none is set. */
  bounds: SceneBounds | null;
  /** Hash of the scene's registered proxy (`tenants/scene-proxy.ts`), null when none. */
  proxyHash: string | null;
}

/** Reads through to the store at most once per TTL per key. */
export interface TenantCache {
  project(projectId: string): Promise<Project | null>;
  scene(projectId: string, sceneId: string): Promise<SceneSettings>;
  /** Every origin allowed by any project (for CORS preflights, which carry no key). */
  allProjectOrigins(): Promise<ReadonlySet<string>>;
  /** Drop cached entries of a project (after a change in this process). */
  invalidate(projectId?: string): void;
}

/** Merge stored capture overrides onto the strict defaults; always-on channels cannot be turned off. */
export function resolveCaptureFlags(stored: unknown): CaptureFlags {
  const flags: Record<string, boolean> = { ...DEFAULT_CAPTURE_FLAGS };
  const overrides = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  for (const def of EVENT_DEFS) {
    if (def.optIn && typeof overrides[def.type] === 'boolean') flags[def.type] = overrides[def.type] as boolean;
  }
  return flags as CaptureFlags;
}

/** Create the cache; `ttlMs` defaults to 5 s. */
export function createTenantCache(store: Store, ttlMs = 5_000): TenantCache {
  const projects = new Map<string, { value: Promise<Project | null>; expires: number }>();
  const scenes = new Map<string, { value: Promise<SceneSettings>; expires: number }>();
  let origins: { value: Promise<ReadonlySet<string>>; expires: number } | undefined;

  function cached<T>(map: Map<string, { value: Promise<T>; expires: number }>, key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = map.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (map.size > 10_000) map.clear();
    const value = load();
    map.set(key, { value, expires: now + ttlMs });
    value.catch(() => map.delete(key));
    return value;
  }

  return {
    project: (projectId) => cached(projects, projectId, () => getProject(store, projectId)),
    scene: (projectId, sceneId) =>
      cached(scenes, `${projectId}\u0000${sceneId}`, async () => {
        // One round trip for the settings and the proxy's hash, either of which may be missing.
        const rows = await store.query<{ capture: unknown; sampling: unknown; model_url: string | null; voxel_size_mm: number | null; bounds: SceneBounds | null; proxy_hash: string | null }>(
          `SELECT s.capture, s.sampling, s.model_url, s.voxel_size_mm, s.bounds, p.hash AS proxy_hash
             FROM (SELECT $1::uuid AS project_id, $2::text AS id) AS k
             LEFT JOIN scenes s ON s.project_id = k.project_id AND s.id = k.id
             LEFT JOIN scene_proxies p ON p.project_id = k.project_id AND p.scene_id = k.id`,
          [projectId, sceneId],
        );
        const row = rows[0];
        return {
          capture: resolveCaptureFlags(row?.capture),
          sampling: (row?.sampling ?? {}) as Record<string, number>,
          modelUrl: row?.model_url ?? null,
          voxelSizeMm: row?.voxel_size_mm ?? null,
          bounds: row?.bounds ?? null,
          proxyHash: row?.proxy_hash ?? null,
        };
      }),
    allProjectOrigins() {
      const now = Date.now();
      if (origins && origins.expires > now) return origins.value;
      const value = store
        .query<{ origin: string }>('SELECT DISTINCT unnest(allowed_origins) AS origin FROM projects')
        .then((rows) => new Set(rows.map((r) => r.origin)) as ReadonlySet<string>);
      origins = { value, expires: now + ttlMs };
      value.catch(() => { origins = undefined; });
      return value;
    },
    invalidate(projectId) {
      origins = undefined;
      if (projectId === undefined) {
        projects.clear();
        scenes.clear();
        return;
      }
      projects.delete(projectId);
      for (const key of scenes.keys()) if (key.startsWith(`${projectId}\u0000`)) scenes.delete(key);
    },
  };
}

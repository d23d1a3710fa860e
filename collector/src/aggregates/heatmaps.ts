/**
 * 3D heatmaps: voxel counts in scene space of click hit points, gaze hit points and camera
 * positions, per scene and UTC day (days, not hours: a heatmap is read over days, and a voxel
 * grid per hour would hold many more rows for the same picture).
 *
 * The voxel edge is the scene's: the operator's `voxelSizeMm`, else derived from the scene's
 * registered bounds, else {@link DEFAULT_VOXEL_MM}; it is part of the key, so a changed size
 * starts a new grid and reads answer the grid of the scene's current size.
 *
 * Read: `GET /api/v1/heatmaps/:kind` (kind `click`, `gaze` or `camera`).
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { QueryParams } from '../http/cursor.js';
import type { Store } from '../storage/types.js';
import type { SceneBounds } from '../tenants/scenes.js';
import { defineRollup, sum } from './define.js';
import { intParam, windowWhere, type AggregateQuery } from './params.js';
import type { Aggregate } from './types.js';

/** Voxel edge when a scene has neither a voxel size nor bounds, mm. */
export const DEFAULT_VOXEL_MM = 100;
/** Voxels along the largest extent of a scene's bounds when the size is derived from them. */
export const VOXELS_PER_EXTENT = 64;
/** Smallest derived voxel edge, mm. */
export const MIN_DERIVED_VOXEL_MM = 10;

/** Heatmap kinds. */
export const HEATMAP_KINDS = ['click', 'gaze', 'camera'] as const;
/** A heatmap kind. */
export type HeatmapKind = (typeof HEATMAP_KINDS)[number];

/** The rollup: one row per (project, scene, kind, voxel size, day, voxel). */
export const voxelRollup = defineRollup({
  table: 'agg_voxels',
  bucket: 'day',
  keys: { kind: 'text', voxelMm: 'int', vx: 'int', vy: 'int', vz: 'int' },
  values: { hits: sum() },
  // A read is one kind on one grid: they lead the key, so it scans only its own voxels.
  leadingKeys: 2,
});

/**
 * Camera positions use a grid this many times coarser than hit points (80 cm for the default
 * 10 cm): cameras roam a volume far larger than the surfaces they look at, and at finer grids a
 * week of orbiting fills hundreds of thousands of voxels, too many to read back within 100 ms
 * (measured with `npm run bench`: 4× was 240 ms at p95 after 10 million events).
 */
export const CAMERA_GRID_FACTOR = 8;

/** The voxel edge of a heatmap kind for a scene whose voxel edge is `voxelMm`. */
export function gridOf(kind: HeatmapKind, voxelMm: number): number {
  return kind === 'camera' ? voxelMm * CAMERA_GRID_FACTOR : voxelMm;
}

/** The voxel edge of a scene, mm: its own setting, else derived from its bounds (metres), else the default. */
export function voxelSizeOf(voxelSizeMm: number | null, bounds: SceneBounds | null): number {
  if (voxelSizeMm !== null && voxelSizeMm > 0) return voxelSizeMm;
  if (bounds) {
    const extentMm = Math.max(...bounds.max.map((v, i) => (v - (bounds.min[i] as number)) * 1000));
    if (extentMm > 0) return Math.max(MIN_DERIVED_VOXEL_MM, Math.ceil(extentMm / VOXELS_PER_EXTENT));
  }
  return DEFAULT_VOXEL_MM;
}

const ONE = [1];
const key: [string, number, number, number, number] = ['', 0, 0, 0, 0];

/** The heatmaps aggregate. */
export const heatmaps: Aggregate = {
  name: 'heatmaps',
  rollups: [voxelRollup],
  foldEvent(e: VantageEvent, ctx, acc) {
    let x: number | undefined;
    let y: number | undefined;
    let z: number | undefined;
    if (e.type === 'click' || e.type === 'gaze') {
      x = e.hx;
      y = e.hy;
      z = e.hz;
    } else if (e.type === 'camera') {
      x = e.px;
      y = e.py;
      z = e.pz;
    } else return;
    if (x === undefined || y === undefined || z === undefined) return;
    const size = gridOf(e.type, ctx.voxelMm);
    key[0] = e.type;
    key[1] = size;
    key[2] = Math.floor(x / size);
    key[3] = Math.floor(y / size);
    key[4] = Math.floor(z / size);
    acc.add(voxelRollup, ctx.projectId, ctx.sceneId, e.t, key, ONE);
  },
};

/** One voxel of an answer: its centre (mm) and count. */
export interface Voxel {
  x: number;
  y: number;
  z: number;
  count: number;
}

/** `GET /api/v1/heatmaps/:kind`; `voxelMm` is the scene's current size. */
export async function readHeatmap(store: Store, q: AggregateQuery, kind: HeatmapKind, sceneVoxelMm: number, query: QueryParams): Promise<{ scene: string | null; kind: HeatmapKind; voxelMm: number; voxels: Voxel[]; total: number; truncated: boolean }> {
  const voxelMm = gridOf(kind, sceneVoxelMm);
  const limit = intParam(query, 'limit', 1, 50_000, 10_000);
  const { where, params } = windowWhere(q, 'day');
  const rows = await store.query<{ vx: number; vy: number; vz: number; n: number; total: number }>(
    `SELECT vx, vy, vz, n, sum(n) OVER ()::float8 AS total FROM (
       SELECT vx, vy, vz, sum(hits)::float8 AS n FROM agg_voxels
        WHERE ${where} AND kind = $${params.length + 1} AND voxel_mm = $${params.length + 2}
        GROUP BY vx, vy, vz) v
      ORDER BY n DESC, vx, vy, vz LIMIT ${limit + 1}`,
    [...params, kind, voxelMm],
  );
  const total = rows.length > 0 ? Number(rows[0]?.total) : 0;
  const voxels = rows.slice(0, limit).map((r) => ({
    x: (Number(r.vx) + 0.5) * voxelMm,
    y: (Number(r.vy) + 0.5) * voxelMm,
    z: (Number(r.vz) + 0.5) * voxelMm,
    count: Number(r.n),
  }));
  return { scene: q.scene, kind, voxelMm, voxels, total, truncated: rows.length > limit };
}

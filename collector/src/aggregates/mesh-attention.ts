/**
 * Mesh attention: per scene, hour and mesh, how often it was clicked, picked, pointed at and
 * hovered, how long it was hovered, on screen and near the centre, and its largest screen share.
 *
 * Folds: `click` and `pointer_move` with a mesh, `mesh_pick`, `hover_dwell`, `mesh_visibility`.
 * Read: `GET /api/v1/mesh-attention`, sorted by one measure, offset-paged.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { QueryParams } from '../http/cursor.js';
import type { Store } from '../storage/types.js';
import type { Accumulator } from './accumulate.js';
import { defineRollup, max, sum } from './define.js';
import { choiceParam, encodeOffset, intParam, offsetParam, windowWhere, type AggregateQuery } from './params.js';
import type { Aggregate, FoldContext } from './types.js';

/** The rollup: one row per (project, scene, hour, mesh). */
export const meshAttentionRollup = defineRollup({
  table: 'agg_mesh_attention',
  bucket: 'hour',
  keys: { mesh: 'text' },
  values: {
    clicks: sum(),
    picks: sum(),
    pointerMoves: sum(),
    hovers: sum(),
    dwellMs: sum(),
    visibleMs: sum(),
    centreMs: sum(),
    maxScreenPermille: max('int'),
  },
});

// Value positions, in the rollup's column order.
const ZERO = [0, 0, 0, 0, 0, 0, 0, 0];
const scratch = [...ZERO];

function add(acc: Accumulator, ctx: FoldContext, t: number, mesh: string, index: number, value: number): void {
  scratch.fill(0);
  scratch[index] = value;
  acc.add(meshAttentionRollup, ctx.projectId, ctx.sceneId, t, [mesh], scratch);
}

/** The mesh-attention aggregate. */
export const meshAttention: Aggregate = {
  name: 'mesh-attention',
  rollups: [meshAttentionRollup],
  foldEvent(e: VantageEvent, ctx, acc) {
    switch (e.type) {
      case 'click':
        if (e.mesh !== undefined) add(acc, ctx, e.t, e.mesh, 0, 1);
        return;
      case 'mesh_pick':
        add(acc, ctx, e.t, e.mesh, 1, 1);
        return;
      case 'pointer_move':
        if (e.mesh !== undefined) add(acc, ctx, e.t, e.mesh, 2, 1);
        return;
      case 'hover_dwell':
        scratch.fill(0);
        scratch[3] = 1;
        scratch[4] = e.dwellMs;
        acc.add(meshAttentionRollup, ctx.projectId, ctx.sceneId, e.t, [e.mesh], scratch);
        return;
      case 'mesh_visibility':
        scratch.fill(0);
        scratch[5] = e.visibleMs;
        scratch[6] = e.centreMs;
        scratch[7] = e.maxScreenPermille;
        acc.add(meshAttentionRollup, ctx.projectId, ctx.sceneId, e.t, [e.mesh], scratch);
        return;
      default:
        return;
    }
  },
};

/** The measures a listing can be sorted by. */
export const MESH_SORTS = ['clicks', 'picks', 'pointerMoves', 'hovers', 'dwellMs', 'visibleMs', 'centreMs', 'maxScreenPermille'] as const;

/** One mesh of the answer. */
export interface MeshAttentionRow {
  scene: string;
  mesh: string;
  clicks: number;
  picks: number;
  pointerMoves: number;
  hovers: number;
  dwellMs: number;
  visibleMs: number;
  centreMs: number;
  maxScreenPermille: number;
}

/** `GET /api/v1/mesh-attention`. */
export async function readMeshAttention(store: Store, q: AggregateQuery, query: QueryParams): Promise<{ meshes: MeshAttentionRow[]; nextCursor: string | null }> {
  const sort = choiceParam(query, 'sort', MESH_SORTS, 'clicks');
  const limit = intParam(query, 'limit', 1, 1000, 100);
  const offset = offsetParam(query);
  const { where, params } = windowWhere(q, 'hour');
  const sortColumn = sort.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const rows = await store.query<Record<string, unknown>>(
    `SELECT scene_id, mesh, sum(clicks)::float8 AS clicks, sum(picks)::float8 AS picks, sum(pointer_moves)::float8 AS pointer_moves,
            sum(hovers)::float8 AS hovers, sum(dwell_ms)::float8 AS dwell_ms, sum(visible_ms)::float8 AS visible_ms,
            sum(centre_ms)::float8 AS centre_ms, max(max_screen_permille)::float8 AS max_screen_permille
       FROM agg_mesh_attention WHERE ${where}
      GROUP BY scene_id, mesh
      ORDER BY ${sortColumn === 'max_screen_permille' ? 'max(max_screen_permille)' : `sum(${sortColumn})`} DESC, scene_id, mesh
      LIMIT ${limit + 1} OFFSET ${offset}`,
    params,
  );
  const meshes = rows.slice(0, limit).map((r) => ({
    scene: String(r.scene_id),
    mesh: String(r.mesh),
    clicks: Number(r.clicks),
    picks: Number(r.picks),
    pointerMoves: Number(r.pointer_moves),
    hovers: Number(r.hovers),
    dwellMs: Number(r.dwell_ms),
    visibleMs: Number(r.visible_ms),
    centreMs: Number(r.centre_ms),
    maxScreenPermille: Number(r.max_screen_permille),
  }));
  return { meshes, nextCursor: rows.length > limit ? encodeOffset(offset + limit) : null };
}

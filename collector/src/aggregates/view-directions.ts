/**
 * View directions: where cameras looked, as the camera's forward vector binned on the sphere.
 * Elevation bands are equal in `y` (so equal in area); azimuth sectors equal in angle.
 *
 * Folds: `camera` samples. Read: `GET /api/v1/view-directions`.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { Store } from '../storage/types.js';
import { defineRollup, sum } from './define.js';
import { windowWhere, type AggregateQuery } from './params.js';
import type { Aggregate } from './types.js';

/** Azimuth sectors around the vertical axis. */
export const AZIMUTH_BINS = 24;
/** Elevation bands, equal in height `y` of the unit forward vector. */
export const ELEVATION_BINS = 12;

/** The rollup: samples per (project, scene, UTC day, azimuth bin, elevation bin). */
export const viewDirectionRollup = defineRollup({
  table: 'agg_view_directions',
  // Per day: directions are read over days and weeks; hourly rows would be 24 times as many.
  bucket: 'day',
  keys: { azimuthBin: 'int', elevationBin: 'int' },
  values: { samples: sum() },
});

/**
 * The bins of a camera orientation (a quaternion, normalised here): its forward vector
 * `q · (0, 0, −1)`. `out` receives `[azimuthBin, elevationBin]`; false for a zero quaternion.
 */
export function viewBins(qx: number, qy: number, qz: number, qw: number, out: [number, number]): boolean {
  const n = Math.hypot(qx, qy, qz, qw);
  if (!(n > 0)) return false;
  const x = qx / n;
  const y = qy / n;
  const z = qz / n;
  const w = qw / n;
  // Third column of the rotation matrix, negated: the image of (0, 0, −1).
  const fx = -2 * (x * z + w * y);
  const fy = -2 * (y * z - w * x);
  const fz = -(1 - 2 * (x * x + y * y));
  out[1] = Math.min(ELEVATION_BINS - 1, Math.max(0, Math.floor(((fy + 1) / 2) * ELEVATION_BINS)));
  out[0] = ((Math.floor(((Math.atan2(fx, -fz) + Math.PI) / (2 * Math.PI)) * AZIMUTH_BINS) % AZIMUTH_BINS) + AZIMUTH_BINS) % AZIMUTH_BINS;
  return true;
}

/** The unit vector at the centre of a bin. */
export function binDirection(azimuthBin: number, elevationBin: number): [number, number, number] {
  const y = ((elevationBin + 0.5) / ELEVATION_BINS) * 2 - 1;
  const azimuth = ((azimuthBin + 0.5) / AZIMUTH_BINS) * 2 * Math.PI - Math.PI;
  const r = Math.sqrt(Math.max(0, 1 - y * y));
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  // atan2(x, −z) = azimuth  ⇒  x = r·sin(azimuth), z = −r·cos(azimuth).
  return [round(r * Math.sin(azimuth)), round(y), round(-r * Math.cos(azimuth))];
}

const bins: [number, number] = [0, 0];
const ONE = [1];

/** The view-direction aggregate. */
export const viewDirections: Aggregate = {
  name: 'view-directions',
  rollups: [viewDirectionRollup],
  foldEvent(e: VantageEvent, ctx, acc) {
    if (e.type !== 'camera') return;
    if (viewBins(e.qx, e.qy, e.qz, e.qw, bins)) acc.add(viewDirectionRollup, ctx.projectId, ctx.sceneId, e.t, bins, ONE);
  },
};

/** `GET /api/v1/view-directions`. */
export async function readViewDirections(store: Store, q: AggregateQuery): Promise<{
  azimuthBins: number;
  elevationBins: number;
  bins: Array<{ azimuthBin: number; elevationBin: number; direction: [number, number, number]; samples: number }>;
  total: number;
}> {
  const { where, params } = windowWhere(q, 'day');
  const rows = await store.query<{ azimuth_bin: number; elevation_bin: number; n: number }>(
    `SELECT azimuth_bin, elevation_bin, sum(samples)::float8 AS n FROM agg_view_directions WHERE ${where}
      GROUP BY azimuth_bin, elevation_bin ORDER BY n DESC, azimuth_bin, elevation_bin`,
    params,
  );
  const out = rows.map((r) => ({
    azimuthBin: Number(r.azimuth_bin),
    elevationBin: Number(r.elevation_bin),
    direction: binDirection(Number(r.azimuth_bin), Number(r.elevation_bin)),
    samples: Number(r.n),
  }));
  return { azimuthBins: AZIMUTH_BINS, elevationBins: ELEVATION_BINS, bins: out, total: out.reduce((s, b) => s + b.samples, 0) };
}

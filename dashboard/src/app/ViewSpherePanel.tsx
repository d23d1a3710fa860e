/**
 * The view-direction sphere of one scene over the time window, with its legend: where cameras
 * looked (`GET /api/v1/view-directions`), drawn by `view-sphere.ts` on the heatmap's ramp.
 */
import { useEffect, useRef, type ReactElement } from 'react';
import { query } from './api.js';
import { RAMP_CSS } from './colour-scale.js';
import { formatCount } from './format.js';
import { useApi } from './hooks.js';
import { createViewSphere, UNSAMPLED_COLOUR, type ViewSphere } from './view-sphere.js';

/** `GET /api/v1/view-directions`. */
interface ViewDirections {
  azimuthBins: number;
  elevationBins: number;
  bins: Array<{ azimuthBin: number; elevationBin: number; direction: [number, number, number]; samples: number }>;
  total: number;
}

/** A direction in words: its elevation, and the horizontal axis it is closest to. */
function describe([x, y, z]: [number, number, number]): string {
  const elevation = Math.round((Math.asin(Math.max(-1, Math.min(1, y))) * 180) / Math.PI);
  const vertical = elevation === 0 ? 'level' : `${Math.abs(elevation)}° ${elevation < 0 ? 'down' : 'up'}`;
  if (Math.hypot(x, z) < 0.2) return vertical;
  const towards = Math.abs(x) > Math.abs(z) ? (x > 0 ? '+x' : '−x') : z > 0 ? '+z' : '−z';
  return `${vertical}, towards ${towards}`;
}

/** The sphere and its legend for `scene` between `from` and `to` (epoch ms). */
export function ViewSpherePanel({ scene, from, to }: { scene: string; from: number; to: number }): ReactElement {
  const data = useApi<ViewDirections>(`/api/v1/view-directions${query({ scene, from, to })}`);
  const stage = useRef<HTMLDivElement | null>(null);
  const view = useRef<ViewSphere | null>(null);
  useEffect(() => {
    if (!stage.current) return;
    view.current = createViewSphere(stage.current);
    return () => {
      view.current?.dispose();
      view.current = null;
    };
  }, []);
  useEffect(() => {
    if (view.current && data.data) view.current.show(data.data);
  }, [data.data]);

  const busiest = data.data?.bins[0];
  const max = busiest?.samples ?? 0;
  const sampled = data.data?.bins.length ?? 0;
  return (
    <section className="view-sphere" aria-labelledby="view-sphere-heading">
      <h2 id="view-sphere-heading">View directions · {scene}</h2>
      {data.error && <p role="alert">Could not load the view directions: {data.error.message}</p>}
      <div className="heatmap">
        <div className="stage sphere-stage" ref={stage} data-testid="view-sphere-stage" data-bins={data.data ? sampled : ''} />
        <aside className="sphere-legend" aria-label="View-direction legend">
          <h3>Legend</h3>
          <p>Camera samples looking along each direction (a point on the sphere, in the scene's axes), per bin, log scale</p>
          <div className="ramp" style={{ background: RAMP_CSS }} />
          <div className="ramp-labels">
            <span>1</span>
            <span>{formatCount(max)}</span>
          </div>
          <p>
            <span className="swatch" style={{ background: UNSAMPLED_COLOUR }} /> no samples
          </p>
          {data.data && (
            <p>
              {formatCount(data.data.total)} samples in {formatCount(sampled)} of {formatCount(data.data.azimuthBins * data.data.elevationBins)} bins (
              {data.data.azimuthBins} × {data.data.elevationBins}, equal areas).
            </p>
          )}
          {busiest && data.data && data.data.total > 0 && (
            <p data-testid="view-sphere-busiest">
              Busiest: {describe(busiest.direction)} ({Math.round((busiest.samples / data.data.total) * 100)}% of samples). The view opens facing it.
            </p>
          )}
          {data.data && data.data.total === 0 && <p>No camera samples in this window.</p>}
          <p className="hint">Drag to turn, scroll to zoom; with the sphere focused, arrow keys turn it.</p>
        </aside>
      </div>
    </section>
  );
}

/**
 * The 3D heatmap of one scene: click, gaze or camera-position voxels over the scene's proxy
 * (or model), meshes tinted by an attention measure, orbit controls, and a legend with the scale;
 * below it, unless switched off, the view-direction sphere (`ViewSpherePanel`).
 */
import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { Scope } from '../App.js';
import { ApiError, getJson, query } from '../api.js';
import { RAMP_CSS } from '../colour-scale.js';
import { formatCount } from '../format.js';
import { createHeatmapView, type HeatmapView, type ModelState } from '../heatmap-view.js';
import { useApi } from '../hooks.js';
import { blockedOnThisPage } from '../model-origins.js';
import { ViewSpherePanel } from '../ViewSpherePanel.js';
import { windowRange } from '../time-window.js';
import type { Heatmap, MeshAttention, Proxy } from '../types.js';

const KINDS = [
  { id: 'click', label: 'Clicks' },
  { id: 'gaze', label: 'Gaze' },
  { id: 'camera', label: 'Camera positions' },
] as const;
const MEASURES = [
  { id: 'visibleMs', label: 'Visible time' },
  { id: 'clicks', label: 'Clicks' },
  { id: 'hovers', label: 'Hovers' },
  { id: 'dwellMs', label: 'Dwell time' },
] as const;

/** The heatmap page. */
export function HeatmapPage({ scope }: { scope: Scope }): ReactElement {
  const scene = scope.scene || scope.scenes.find((s) => (s.proxyMeshes ?? 0) > 0)?.scene || scope.scenes[0]?.scene || '';
  const info = scope.scenes.find((s) => s.scene === scene);
  const [kind, setKind] = useState<(typeof KINDS)[number]['id']>('click');
  const [measure, setMeasure] = useState<(typeof MEASURES)[number]['id']>('visibleMs');
  const [sphere, setSphere] = useState(true);
  const { from, to } = windowRange(scope.window);
  const heatmap = useApi<Heatmap>(scene ? `/api/v1/heatmaps/${kind}${query({ scene, from, to, limit: 20000 })}` : null);
  const meshes = useApi<{ meshes: MeshAttention[] }>(scene ? `/api/v1/mesh-attention${query({ scene, from, to, limit: 1000 })}` : null);
  const [proxy, setProxy] = useState<Proxy | null | undefined>(undefined);
  useEffect(() => {
    if (!scene) return;
    let live = true;
    setProxy(undefined);
    getJson<Proxy>(`/api/v1/scenes/${encodeURIComponent(scene)}/proxy`).then(
      (p) => live && setProxy(p),
      (e: unknown) => live && setProxy(e instanceof ApiError && e.status === 404 ? null : null),
    );
    return () => {
      live = false;
    };
  }, [scene]);

  const stage = useRef<HTMLDivElement | null>(null);
  const view = useRef<HeatmapView | null>(null);
  const [model, setModel] = useState<ModelState>({ status: 'none' });
  useEffect(() => {
    if (!stage.current) return;
    view.current = createHeatmapView(stage.current, { onModelState: setModel });
    return () => {
      view.current?.dispose();
      view.current = null;
    };
  }, []);

  const attention = useMemo(() => new Map((meshes.data?.meshes ?? []).map((m) => [m.mesh, m[measure]])), [meshes.data, measure]);
  const maxCount = heatmap.data?.voxels.reduce((m, v) => Math.max(m, v.count), 0) ?? 0;
  const maxAttention = Math.max(0, ...attention.values());
  useEffect(() => {
    if (!view.current || !heatmap.data || proxy === undefined) return;
    view.current.show({ proxy, modelUrl: info?.modelUrl ?? null, voxels: heatmap.data.voxels, voxelMm: heatmap.data.voxelMm, attention });
  }, [heatmap.data, proxy, attention, info?.modelUrl]);

  if (!scene) return <p>No scene has sent events yet.</p>;
  const problem = heatmap.error ?? meshes.error;
  return (
    <div className="page">
      <h1>3D heatmap · {scene}</h1>
      <div className="toolbar">
        <fieldset>
          <legend>Voxels</legend>
          {KINDS.map((k) => (
            <label key={k.id}>
              <input type="radio" name="kind" value={k.id} checked={kind === k.id} onChange={() => setKind(k.id)} /> {k.label}
            </label>
          ))}
        </fieldset>
        <label>
          Meshes coloured by{' '}
          <select value={measure} onChange={(e) => setMeasure(e.target.value as typeof measure)}>
            {MEASURES.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={sphere} onChange={(e) => setSphere(e.target.checked)} /> View-direction sphere
        </label>
      </div>
      {problem && <p role="alert">Could not load the heatmap: {problem.message}</p>}
      <div className="heatmap">
        <div className="stage" ref={stage} data-testid="heatmap-stage" data-voxels={heatmap.data?.voxels.length ?? ''} />
        <aside className="legend" aria-label="Legend">
          <h2>Legend</h2>
          <p>
            {KINDS.find((k) => k.id === kind)?.label} per voxel ({heatmap.data ? `${formatCount(heatmap.data.voxelMm)} mm` : '…'} cubes), log scale
          </p>
          <div className="ramp" style={{ background: RAMP_CSS }} />
          <div className="ramp-labels">
            <span>1</span>
            <span>{formatCount(maxCount)}</span>
          </div>
          <p>
            {formatCount(heatmap.data?.voxels.length ?? 0)} voxels, {formatCount(heatmap.data?.total ?? 0)} samples
            {heatmap.data?.truncated ? ' (the busiest shown)' : ''}
          </p>
          <h3>Meshes</h3>
          <div className="ramp" style={{ background: 'linear-gradient(to right, #64748b, #f97316)' }} />
          <div className="ramp-labels">
            <span>0</span>
            <span>
              {measure.endsWith('Ms') ? `${formatCount(maxAttention / 1000)} s` : formatCount(maxAttention)} {MEASURES.find((m) => m.id === measure)?.label.toLowerCase()}
            </span>
          </div>
          <p>{proxy ? `${proxy.meshes.length} meshes from the scene proxy` : proxy === null ? 'This scene registered no proxy: voxels only.' : 'Loading the scene…'}</p>
          <ModelNote state={model} />
          <p className="hint">Drag to orbit, scroll to zoom; with the stage focused, arrow keys pan.</p>
        </aside>
      </div>
      {sphere && <ViewSpherePanel scene={scene} from={from} to={to} />}
    </div>
  );
}

/** What the legend says about the scene's glTF model (set under Scenes). */
function ModelNote({ state }: { state: ModelState }): ReactElement | null {
  switch (state.status) {
    case 'none':
      return null;
    case 'loading':
      return <p>Loading the model…</p>;
    case 'loaded':
      return <p>The model from {fileName(state.url)}, under the proxy boxes.</p>;
    case 'failed': {
      const blocked = blockedOnThisPage(state.url);
      return (
        <p role="alert">
          The model at {state.url} could not be loaded
          {blocked ? `: this page was opened before ${blocked} was registered; reload it` : ` (${state.message}); its server must allow this dashboard's origin (CORS)`}. The
          proxy boxes stand in for it.
        </p>
      );
    }
  }
}

function fileName(url: string): string {
  const path = url.split(/[?#]/)[0] ?? url;
  const name = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name) || url;
  } catch {
    return name || url;
  }
}

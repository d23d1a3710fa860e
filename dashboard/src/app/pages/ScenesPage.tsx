/**
 * Scenes: per scene, switch each opt-in capture channel, set sampling rates, the model URL and
 * the voxel size (`PUT /api/v1/scenes/:id`, audited). Connectors pick a change up at their next
 * config read. A viewer sees the flags read-only (disabled controls, no save button).
 */
import { useState, type FormEvent, type ReactElement } from 'react';
import { OPT_IN_CHANNELS } from '@vantage/sdk-core/schema';
import type { Scope } from '../App.js';
import { send } from '../api.js';
import { EmptyState } from '../EmptyState.js';
import { blockedOnThisPage } from '../model-origins.js';
import type { SceneInfo } from '../types.js';

/** The scenes page. */
export function ScenesPage({ scope }: { scope: Scope }): ReactElement {
  if (scope.scenes.length === 0) return <EmptyState title="Scenes" canCreateKey={scope.role === 'admin'} />;
  const shown = scope.scene ? scope.scenes.filter((s) => s.scene === scope.scene) : scope.scenes;
  return (
    <div className="page">
      <h1>Scenes</h1>
      <p>Opt-in channels are off until switched on here. Running scenes apply a change at their next config read (a new session or page load).</p>
      {shown.map((s) => (
        <SceneForm key={`${scope.projectId}/${s.scene}`} info={s} canWrite={scope.role === 'admin'} onSaved={scope.reloadScenes} />
      ))}
    </div>
  );
}

function SceneForm({ info, canWrite, onSaved }: { info: SceneInfo; canWrite: boolean; onSaved(): void }): ReactElement {
  const [capture, setCapture] = useState<Record<string, boolean>>(() => Object.fromEntries(OPT_IN_CHANNELS.map((c) => [c, info.capture[c] === true])));
  const [sampling, setSampling] = useState<Record<string, string>>(() => Object.fromEntries(OPT_IN_CHANNELS.map((c) => [c, String(info.sampling[c] ?? 1)])));
  const [modelUrl, setModelUrl] = useState(info.modelUrl ?? '');
  const [voxel, setVoxel] = useState(info.voxelSizeMm === null ? '' : String(info.voxelSizeMm));
  const [status, setStatus] = useState('');
  const id = (name: string) => `scene-${info.scene}-${name}`;

  async function save(event: FormEvent) {
    event.preventDefault();
    setStatus('Saving…');
    try {
      const model = modelUrl.trim() === '' ? null : modelUrl.trim();
      await send('PUT', `/api/v1/scenes/${encodeURIComponent(info.scene)}`, {
        capture,
        sampling: Object.fromEntries(Object.entries(sampling).map(([k, v]) => [k, Number(v)])),
        modelUrl: model,
        voxelSizeMm: voxel.trim() === '' ? null : Number(voxel),
      });
      // This page's Content-Security-Policy allows the model origins known when it loaded.
      const blocked = model === null ? null : blockedOnThisPage(model);
      setStatus(blocked ? `Saved. Reload the dashboard to load the model from ${blocked}.` : 'Saved.');
      onSaved();
    } catch (error) {
      setStatus(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  return (
    <form className="card scene" onSubmit={save} aria-label={`Scene ${info.scene}`}>
      <h2>{info.scene}</h2>
      <p className="hint">
        {info.proxyMeshes === null ? 'No proxy registered' : `${info.proxyMeshes} meshes in its proxy`} · heatmap voxels {info.heatmapVoxelMm} mm
      </p>
      <fieldset className="plain" disabled={!canWrite}>
      <legend className="visually-hidden">Capture of {info.scene}</legend>
      <table>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Capture</th>
            <th scope="col">Sampling (0–1)</th>
          </tr>
        </thead>
        <tbody>
          {OPT_IN_CHANNELS.map((c) => (
            <tr key={c}>
              <th scope="row">
                <code>{c}</code>
              </th>
              <td>
                <input
                  type="checkbox"
                  id={id(`capture-${c}`)}
                  aria-label={`Capture ${c} in ${info.scene}`}
                  checked={capture[c] === true}
                  onChange={(e) => setCapture({ ...capture, [c]: e.target.checked })}
                />
              </td>
              <td>
                <input
                  type="number"
                  min={0}
                  max={1}
                  step={0.05}
                  aria-label={`Sampling rate of ${c} in ${info.scene}`}
                  value={sampling[c] ?? '1'}
                  onChange={(e) => setSampling({ ...sampling, [c]: e.target.value })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="fields">
        <label htmlFor={id('model')}>Model URL (glTF; https://… with CORS for this dashboard, or a /path on this collector)</label>
        <input
          id={id('model')}
          type="text"
          inputMode="url"
          spellCheck={false}
          placeholder="https://…/model.glb"
          value={modelUrl}
          onChange={(e) => setModelUrl(e.target.value)}
        />
        <label htmlFor={id('voxel')}>Voxel size (mm; empty = from the bounds)</label>
        <input id={id('voxel')} type="number" min={1} max={100000} value={voxel} onChange={(e) => setVoxel(e.target.value)} />
      </div>
      </fieldset>
      {canWrite ? (
        <>
          <button type="submit">Save {info.scene}</button> <span role="status">{status}</span>
        </>
      ) : (
        <p className="hint">You are a viewer in this project: an admin changes the capture flags.</p>
      )}
    </form>
  );
}

/**
 * Funnels: the project's saved funnels, one funnel's conversion over the scope (sessions that
 * started in the window, in the scene if one is chosen) drawn as bars, and — for admins — a form
 * that defines and saves a new one (a name and 1–10 ordered steps) and a delete button. The
 * collector checks a definition (`parseFunnel`); its refusal is shown as it says it, on the
 * step it names. Viewers see no write controls (the collector refuses their writes anyway).
 */
import { useState, type ReactElement } from 'react';
import type { Scope } from '../App.js';
import { query, send } from '../api.js';
import { formatCount, formatTime } from '../format.js';
import { useApi } from '../hooks.js';
import { windowRange } from '../time-window.js';
import type { Funnel, FunnelReport, FunnelStep } from '../types.js';
import { FunnelForm } from './FunnelForm.js';

const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });

/** A step in words: `Click on sofa/seat`, `Custom event add_to_cart`, `Session in scene demo`. */
export function describeStep(step: FunnelStep): string {
  if (step.kind === 'mesh_click') return `Click on ${step.mesh}`;
  if (step.kind === 'custom') return `Custom event ${step.name}`;
  return `Session in scene ${step.scene}`;
}

/** The funnels page. */
export function FunnelsPage({ scope }: { scope: Scope }): ReactElement {
  const list = useApi<{ funnels: Funnel[] }>('/api/v1/funnels');
  const [selected, setSelected] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const canWrite = scope.role === 'admin';
  const funnels = list.data?.funnels ?? [];
  const shown = funnels.find((f) => f.id === selected) ?? funnels[0];

  async function remove(funnel: Funnel) {
    if (!confirm(`Delete the funnel "${funnel.name}"? Its definition is gone for everyone; no event is touched.`)) return;
    try {
      await send('DELETE', `/api/v1/funnels/${funnel.id}`);
      setStatus(`Deleted "${funnel.name}".`);
      if (selected === funnel.id) setSelected(null);
      list.reload();
    } catch (e) {
      setStatus(`Not deleted: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  return (
    <div className="page">
      <h1>Funnels</h1>
      {list.error && <p role="alert">Could not load the funnels: {list.error.message}</p>}
      <section className="card">
        <h2>Saved funnels</h2>
        <p role="status">{status}</p>
        {list.data && funnels.length === 0 ? (
          <p>
            No funnels yet.{' '}
            {canWrite
              ? 'Define one below: for example a click on a part of the product, then the custom event your app sends when it goes to the cart.'
              : 'An admin of this project can define one.'}
          </p>
        ) : (
          <table aria-label="Saved funnels">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Steps</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {funnels.map((f) => (
                <tr key={f.id} aria-current={f.id === shown?.id ? 'true' : undefined}>
                  <td>{f.name}</td>
                  <td>{f.steps.map(describeStep).join(' → ')}</td>
                  <td>{formatTime(f.createdAt)}</td>
                  <td className="actions">
                    <button type="button" onClick={() => setSelected(f.id)} aria-label={`Show conversion of ${f.name}`} aria-pressed={f.id === shown?.id}>
                      Conversion
                    </button>
                    {canWrite && (
                      <button type="button" className="danger" onClick={() => remove(f)} aria-label={`Delete funnel ${f.name}`}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {shown && <Conversion key={shown.id} funnel={shown} scope={scope} />}
      {canWrite ? (
        <FunnelForm
          scope={scope}
          onSaved={(funnel) => {
            setStatus(`Saved "${funnel.name}".`);
            setSelected(funnel.id);
            list.reload();
          }}
        />
      ) : (
        <p className="hint">You are a viewer of this project: an admin defines and deletes funnels.</p>
      )}
    </div>
  );
}

/** One funnel's report over the scope, as a table of bars. */
function Conversion({ funnel, scope }: { funnel: Funnel; scope: Scope }): ReactElement {
  const { from, to } = windowRange(scope.window);
  const report = useApi<FunnelReport>(`/api/v1/funnels/${funnel.id}${query({ scene: scope.scene || undefined, from, to })}`);
  const title = `Conversion of ${funnel.name}`;
  if (report.error) return <p role="alert">Could not load the conversion of {funnel.name}: {report.error.message}</p>;
  const data = report.data;
  const first = data?.steps[0]?.sessions ?? 0;
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {!data ? (
        <p>Loading…</p>
      ) : (
        <>
          <p className="hint">
            Of the {formatCount(data.sessions)} sessions that started in this window{scope.scene ? ` in ${scope.scene}` : ''}, how many did steps 1 to k in that order
            (other events may come between). Bars: share of the first step.
          </p>
          <table className="funnel" aria-label={`Steps of ${funnel.name}`}>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col" className="num">
                  Sessions
                </th>
                <th scope="col" className="num">
                  From previous
                </th>
                <th scope="col" className="num">
                  From first step
                </th>
                <th scope="col" className="num">
                  Of all sessions
                </th>
                <th scope="col" className="bar-col">
                  <span className="visually-hidden">Bar</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.steps.map((step, i) => {
                const previous = i === 0 ? data.sessions : (data.steps[i - 1]?.sessions ?? 0);
                return (
                  <tr key={i}>
                    <th scope="row">
                      {i + 1}. {describeStep(step)}
                    </th>
                    <td className="num">{formatCount(step.sessions)}</td>
                    <td className="num">{i === 0 ? '—' : previous > 0 ? percent.format(step.sessions / previous) : '—'}</td>
                    <td className="num">{first > 0 ? percent.format(step.sessions / first) : '—'}</td>
                    <td className="num">{percent.format(step.conversion)}</td>
                    <td className="bar-cell" aria-hidden="true">
                      <span className="bar" style={{ width: `${first > 0 ? (100 * step.sessions) / first : 0}%` }} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {first === 0 && <p>No session in this window did the first step. Pick a longer window or another scene.</p>}
        </>
      )}
    </section>
  );
}

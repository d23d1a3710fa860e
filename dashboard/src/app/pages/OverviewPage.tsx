/**
 * Overview of a project (or one scene) over the time window: sessions, visitors, events, FPS
 * p50/p95 and errors as tiles; sessions and events over time as a chart; top meshes and
 * errors as tables. A project without events shows the snippet instead.
 */
import { useMemo, type ReactElement } from 'react';
import type { Scope } from '../App.js';
import { query } from '../api.js';
import { EmptyState } from '../EmptyState.js';
import { formatCount, formatDecimal, formatMs } from '../format.js';
import { useApi } from '../hooks.js';
import { LineChart, type Line } from '../LineChart.js';
import { filledSeries } from '../series.js';
import { windowRange } from '../time-window.js';
import type { Activity, ErrorRow, MeshAttention, PerformanceAnswer } from '../types.js';
import { Tile } from '../Tile.js';

/** The overview page. */
export function OverviewPage({ scope }: { scope: Scope }): ReactElement {
  const { from, to, interval } = windowRange(scope.window);
  const q = { scene: scope.scene || undefined, from, to };
  const activity = useApi<Activity>(`/api/v1/activity${query({ ...q, interval })}`);
  const meshes = useApi<{ meshes: MeshAttention[] }>(`/api/v1/mesh-attention${query({ ...q, limit: 8 })}`);
  const perf = useApi<PerformanceAnswer>(`/api/v1/performance${query(q)}`);
  const errors = useApi<{ errors: ErrorRow[] }>(`/api/v1/errors${query({ ...q, limit: 5 })}`);

  const chart = useMemo(() => {
    // Every interval of the window, zero where nothing happened (the API answers only busy ones).
    const series = activity.data?.series ?? [];
    const window = { from, to, interval };
    const sessions = filledSeries(series, window, (s) => s.sessions);
    const lines: Line[] = [
      { label: 'Sessions', values: sessions.values, colour: '#2563eb' },
      { label: 'Visitors', values: filledSeries(series, window, (s) => s.visitors).values, colour: '#16a34a' },
    ];
    const events: Line[] = [{ label: 'Events', values: filledSeries(series, window, (s) => s.events).values, colour: '#9333ea' }];
    return { times: sessions.times, lines, events };
  }, [activity.data, from, to, interval]);

  const problem = activity.error ?? meshes.error ?? perf.error ?? errors.error;
  if (problem) return <p role="alert">Could not load the overview: {problem.message}</p>;
  if (!activity.data) return <p>Loading…</p>;
  const totals = activity.data.totals;
  if (totals.events === 0 && scope.scenes.length === 0) return <EmptyState title="Overview" canCreateKey={scope.role === 'admin'} />;
  const group = perf.data?.groups[0];
  // One row per mesh, even when the answer repeats one (rows of several scenes or pages).
  const topMeshes = [...new Map((meshes.data?.meshes ?? []).map((m) => [m.mesh, m] as const)).values()];
  const errorCount = (errors.data?.errors ?? []).reduce((sum, e) => sum + e.count, 0);
  // A column of zeros from an opt-in channel that is off says "—", not "0".
  const noHovers = topMeshes.every((m) => m.hovers === 0);
  const noVisibility = topMeshes.every((m) => m.visibleMs === 0);

  return (
    <div className="page">
      <h1>Overview{scope.scene ? ` · ${scope.scene}` : ''}</h1>
      <section className="tiles" aria-label="Totals">
        <Tile label="Sessions" value={formatCount(totals.sessions)} />
        <Tile label="Visitors" value={formatCount(totals.visitors)} />
        <Tile label="Events" value={formatCount(totals.events)} />
        <Tile label="Session length p50" value={activity.data.sessionDurationMs ? formatMs(activity.data.sessionDurationMs.p50) : '—'} />
        <Tile label="FPS p50" value={group?.fps ? formatDecimal(group.fps.p50) : '—'} />
        {/* The slow end people watch: 95 % of the measured seconds ran at least this fast. */}
        <Tile label="FPS, slowest 5 %" value={group?.fps ? formatDecimal(group.fps.p5) : '—'} />
        <Tile label="Errors" value={formatCount(errorCount)} />
      </section>
      {totals.events === 0 ? (
        <p className="card">No events in this window. Pick a longer window, or another scene.</p>
      ) : (
        <div className="grid2">
          <LineChart title="Sessions and visitors over time" times={chart.times} lines={chart.lines} range={[from, to]} />
          <LineChart title="Events over time" times={chart.times} lines={chart.events} range={[from, to]} />
        </div>
      )}
      <div className="grid2">
        <section className="card">
          <h2>Top meshes</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Mesh</th>
                <th scope="col" className="num">Clicks</th>
                <th scope="col" className="num">Hovers</th>
                <th scope="col" className="num">Visible</th>
              </tr>
            </thead>
            <tbody>
              {topMeshes.map((m) => (
                <tr key={m.mesh}>
                  <td>{m.mesh}</td>
                  <td className="num">{formatCount(m.clicks)}</td>
                  <td className="num">{noHovers ? '—' : formatCount(m.hovers)}</td>
                  <td className="num">{noVisibility ? '—' : formatMs(m.visibleMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {topMeshes.length > 0 && (noHovers || noVisibility) && (
            <p className="hint">
              — none in this window: hovers and visible time come from the opt-in <code>hover_dwell</code> and <code>mesh_visibility</code> channels;
              switch them on under <a href="#/scenes">Scenes</a>.
            </p>
          )}
        </section>
        <section className="card">
          <h2>Errors</h2>
          {(errors.data?.errors ?? []).length === 0 ? (
            <p>No runtime errors in this window (the <code>runtime_error</code> channel is opt-in: switch it on under Scenes).</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Message</th>
                  <th scope="col" className="num">Count</th>
                </tr>
              </thead>
              <tbody>
                {(errors.data?.errors ?? []).map((e) => (
                  <tr key={e.fingerprint}>
                    <td title={e.source ?? undefined}>{e.message}</td>
                    <td className="num">{formatCount(e.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </div>
  );
}

/**
 * Mesh attention over the scope (project or scene, time window): a bar chart of the top meshes
 * by a measure the operator picks, and a table of every measure `GET /api/v1/mesh-attention`
 * answers, sorted by any column (click or Enter on its header; again to reverse).
 *
 * The table holds up to {@link TABLE_LIMIT} meshes (the most clicked, when a scope has more) and
 * sorts them here ({@link SortableTable}). The chart's top {@link CHART_TOP} come from the table
 * when it holds every mesh, else from their own request, sorted by the collector.
 */
import { useMemo, useState, type ReactElement } from 'react';
import type { Scope } from '../App.js';
import { query } from '../api.js';
import { BarChart, WHOLE_STEPS, type BarSeries } from '../BarChart.js';
import { EmptyState } from '../EmptyState.js';
import { formatCount, formatDecimal, formatMs } from '../format.js';
import { useApi } from '../hooks.js';
import { SortableTable, type Column } from '../SortableTable.js';
import { windowRange } from '../time-window.js';
import type { MeshAttention } from '../types.js';

/** A mesh of the answer: the row type with the scene it belongs to. */
type MeshRow = MeshAttention & { scene: string };

/** The numeric measures, in the table's order: column label, chart title noun, how a value is written, what it counts. */
export const MESH_MEASURES = [
  { key: 'clicks', label: 'Clicks', noun: 'clicks', format: formatCount, about: 'clicks that hit the mesh' },
  { key: 'picks', label: 'Picks', noun: 'picks', format: formatCount, about: 'mesh picks (pointer or app)' },
  { key: 'pointerMoves', label: 'Pointer moves', noun: 'pointer moves', format: formatCount, about: 'pointer samples over the mesh' },
  { key: 'hovers', label: 'Hovers', noun: 'hovers', format: formatCount, about: 'hovers (hover_dwell channel)' },
  { key: 'dwellMs', label: 'Dwell', noun: 'dwell time', format: formatMs, about: 'time hovered (hover_dwell channel)' },
  { key: 'visibleMs', label: 'Visible', noun: 'time on screen', format: formatMs, about: 'time on screen (mesh_visibility channel)' },
  { key: 'centreMs', label: 'Near centre', noun: 'time near the centre', format: formatMs, about: 'time near the screen centre (mesh_visibility channel)' },
  { key: 'maxScreenPermille', label: 'Max screen share', noun: 'largest screen share', format: (p: number) => `${formatDecimal(p / 10)} %`, about: 'largest share of the screen (mesh_visibility channel)' },
] as const satisfies ReadonlyArray<{ key: keyof MeshAttention; label: string; noun: string; format(v: number): string; about: string }>;

/** A measure's key. */
export type MeshMeasure = (typeof MESH_MEASURES)[number]['key'];

/** Tick increments (ms) of a duration axis: whole seconds, minutes and hours. */
const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18_000, 36_000, 86_400, 172_800, 432_000, 864_000].map((s) => s * 1000);

/** A duration tick, at a whole step: `5 min`, not `5 min 0 s`. */
const formatTickMs = (ms: number): string => formatMs(ms).replace(/ 0 (s|min)$/, '');

/** Meshes the table asks for: the collector's maximum. */
const TABLE_LIMIT = 1000;
/** Bars in the chart. */
const CHART_TOP = 10;

const COLOUR = '#2563eb';

/** `b` before `a` by `key`, then by scene and mesh (the collector's order for equal values). */
function byMeasure(key: MeshMeasure): (a: MeshRow, b: MeshRow) => number {
  return (a, b) => b[key] - a[key] || a.scene.localeCompare(b.scene) || a.mesh.localeCompare(b.mesh);
}

/** The mesh attention page. */
export function MeshAttentionPage({ scope }: { scope: Scope }): ReactElement {
  const [metric, setMetric] = useState<MeshMeasure>('clicks');
  const { from, to } = windowRange(scope.window);
  const q = { scene: scope.scene || undefined, from, to };
  const table = useApi<{ meshes: MeshRow[]; nextCursor: string | null }>(`/api/v1/mesh-attention${query({ ...q, sort: 'clicks', limit: TABLE_LIMIT })}`);
  // When the table holds every mesh, the chart's top ones are picked from it; otherwise asked for.
  const complete = table.data !== undefined && table.data.nextCursor === null;
  const top = useApi<{ meshes: MeshRow[] }>(complete ? null : `/api/v1/mesh-attention${query({ ...q, sort: metric, limit: CHART_TOP })}`);

  const measure = MESH_MEASURES.find((m) => m.key === metric) ?? MESH_MEASURES[0];
  const chart = useMemo(() => {
    const source = complete ? [...(table.data?.meshes ?? [])].sort(byMeasure(metric)).slice(0, CHART_TOP) : (top.data?.meshes ?? []);
    const meshes = source.filter((m) => m[metric] > 0);
    // A mesh id may be in several scenes: name the scene only when it is needed.
    const names = meshes.map((m) => m.mesh);
    const categories = meshes.map((m) => (names.indexOf(m.mesh) !== names.lastIndexOf(m.mesh) ? `${m.mesh} (${m.scene})` : m.mesh));
    const series: BarSeries[] = [{ label: measure.label, values: meshes.map((m) => m[metric]), colour: COLOUR }];
    return { categories, series };
  }, [complete, table.data, top.data, metric, measure]);

  const columns = useMemo(() => {
    const list: Array<Column<MeshRow>> = [{ id: 'mesh', label: 'Mesh', value: (m) => m.mesh }];
    if (!scope.scene) list.push({ id: 'scene', label: 'Scene', value: (m) => m.scene, nowrap: true });
    for (const m of MESH_MEASURES) list.push({ id: m.key, label: m.label, value: (row) => row[m.key], render: (row) => m.format(row[m.key]), numeric: true, nowrap: true });
    return list;
  }, [scope.scene]);

  const problem = table.error ?? top.error;
  if (problem) return <p role="alert">Could not load mesh attention: {problem.message}</p>;
  if (!table.data) return <p>Loading…</p>;
  if (table.data.meshes.length === 0 && scope.scenes.length === 0) return <EmptyState title="Mesh attention" canCreateKey={scope.role === 'admin'} />;

  const all = table.data.meshes;
  const quiet = (keys: MeshMeasure[]) => all.length > 0 && all.every((m) => keys.every((k) => m[k] === 0));
  return (
    <div className="page">
      <h1>Mesh attention{scope.scene ? ` · ${scope.scene}` : ''}</h1>
      {all.length === 0 ? (
        <section className="card">
          <h2>No mesh attention in this window</h2>
          <p>
            Clicks and pointer moves over meshes are always captured: pick a longer window or another scene, or open the scene in a browser and point at it.
            Hovers, dwell and visible time come from the opt-in <code>hover_dwell</code> and <code>mesh_visibility</code> channels: switch them on under{' '}
            <a href="#/scenes">Scenes</a>.
          </p>
        </section>
      ) : (
        <>
          <form className="toolbar" aria-label="Chart" onSubmit={(e) => e.preventDefault()}>
            <label htmlFor="mesh-metric">Chart metric</label>
            <select id="mesh-metric" value={metric} onChange={(e) => setMetric(e.target.value as MeshMeasure)}>
              {MESH_MEASURES.map((m) => (
                <option key={m.key} value={m.key}>
                  {m.label}
                </option>
              ))}
            </select>
            <span className="hint">{measure.about}</span>
          </form>
          {chart.categories.length === 0 && (complete || (top.data && !top.loading)) ? (
            <p className="card">No mesh has any {measure.noun} in this window{measure.about.includes('channel') ? ` (${measure.about})` : ''}.</p>
          ) : (
            <BarChart
              title={`Top meshes by ${measure.noun}`}
              categories={chart.categories}
              series={chart.series}
              format={measure.format}
              steps={measure.format === formatMs ? DURATION_STEPS : WHOLE_STEPS}
              tickFormat={measure.format === formatMs ? formatTickMs : measure.format}
              horizontal
            />
          )}
          <section className="card">
            <h2>Meshes</h2>
            <div className="scroll mesh-table">
              <SortableTable label="Mesh attention" rows={all} columns={columns} rowKey={(m) => `${m.scene}\u0000${m.mesh}`} initial="clicks" />
            </div>
            {table.data.nextCursor && (
              <p className="hint">
                Showing the {formatCount(TABLE_LIMIT)} meshes with the most clicks; the chart asks the collector for its own top {CHART_TOP}.
              </p>
            )}
            {quiet(['hovers', 'dwellMs']) && (
              <p className="hint">
                No hovers in this window: the <code>hover_dwell</code> channel is opt-in; switch it on under <a href="#/scenes">Scenes</a>.
              </p>
            )}
            {quiet(['visibleMs', 'centreMs', 'maxScreenPermille']) && (
              <p className="hint">
                No visible time in this window: the <code>mesh_visibility</code> channel is opt-in; switch it on under <a href="#/scenes">Scenes</a>.
              </p>
            )}
          </section>
        </>
      )}
    </div>
  );
}

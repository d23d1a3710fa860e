/**
 * Performance and resources over the scope (project or scene, time window):
 * - frames: totals (windows, frames, long frames) and frame-time, FPS, draw-call and triangle
 *   percentiles (p50/p95/p99) from `GET /api/v1/performance`: the metric the operator picks as a
 *   line over the window (per hour or day, `interval`), then split by device type and by browser
 *   (`groupBy`) as grouped bar charts and as tables;
 * - resources: live geometries, textures, programs and JS heap percentiles from
 *   `GET /api/v1/resources` (the opt-in `resource_sample` channel), the picked one as a line over
 *   the window, then split the same ways.
 *
 * The lines take the window's interval from {@link windowRange} (as the Overview's activity
 * chart does) and leave a gap at intervals without data rather than joining distant points.
 */
import { useMemo, useState, type ReactElement } from 'react';
import type { Scope } from '../App.js';
import { query } from '../api.js';
import { BarChart, WHOLE_STEPS, type BarSeries } from '../BarChart.js';
import { EmptyState } from '../EmptyState.js';
import { formatCount, formatDecimal } from '../format.js';
import { useApi } from '../hooks.js';
import { LineChart } from '../LineChart.js';
import { percentileLines, percentileOf, type Ends } from '../percentile-lines.js';
import { windowRange } from '../time-window.js';
import type { Percentiles, PerformanceAnswer, PerformanceGroup, PerformanceOverTime, ResourceGroup, ResourcesAnswer, ResourcesOverTime } from '../types.js';
import { Tile } from '../Tile.js';

/** How a segmented answer is split. */
type Split = 'deviceType' | 'browser';
const SPLITS: ReadonlyArray<{ id: Split; label: string }> = [
  { id: 'deviceType', label: 'device type' },
  { id: 'browser', label: 'browser' },
];

const formatMsValue = (ms: number): string => `${formatDecimal(ms)} ms`;
const formatKb = (kb: number): string => `${formatDecimal(kb / 1024)} MiB`;
/** Heap ticks (KiB) at whole MiB: 1, 2, 5, 10, 20, 50… MiB. */
const HEAP_STEPS = WHOLE_STEPS.map((s) => s * 1024);

/** The percentiles shown of a metric where high is bad (the median and the slow tail)… */
const HIGH_END: Ends = [
  { key: 'p50', colour: '#2563eb' },
  { key: 'p95', colour: '#f59e0b' },
  { key: 'p99', colour: '#dc2626' },
];
/** …and of one where low is bad (frames per second). */
const LOW_END: Ends = [
  { key: 'p50', colour: '#2563eb' },
  { key: 'p5', colour: '#f59e0b' },
  { key: 'p1', colour: '#dc2626' },
];

/**
 * The frame metrics a chart can show; `unit`: what the line chart's plain numbers are in (its
 * axis and legend do not format them).
 */
export const FRAME_METRICS = [
  { key: 'frameMs', label: 'Frame time', format: formatMsValue, ends: HIGH_END, unit: 'ms' },
  { key: 'fps', label: 'FPS', format: formatDecimal, ends: LOW_END, unit: null },
  { key: 'drawCalls', label: 'Draw calls', format: formatCount, steps: WHOLE_STEPS, ends: HIGH_END, unit: null },
  { key: 'triangles', label: 'Triangles', format: formatCount, steps: WHOLE_STEPS, ends: HIGH_END, unit: null },
] as const satisfies ReadonlyArray<{ key: keyof PerformanceGroup; label: string; format(v: number): string; steps?: number[]; ends: Ends; unit: string | null }>;
type FrameMetric = (typeof FRAME_METRICS)[number]['key'];

/** The resource metrics; the line chart draws a value times `scale`, in `unit` (heap: KiB as MiB). */
export const RESOURCE_METRICS = [
  { key: 'geometries', label: 'Geometries', format: formatCount, steps: WHOLE_STEPS, unit: null, scale: 1 },
  { key: 'textures', label: 'Textures', format: formatCount, steps: WHOLE_STEPS, unit: null, scale: 1 },
  { key: 'programs', label: 'Programs', format: formatCount, steps: WHOLE_STEPS, unit: null, scale: 1 },
  { key: 'heapKb', label: 'JS heap', format: formatKb, steps: HEAP_STEPS, unit: 'MiB', scale: 1 / 1024 },
] as const satisfies ReadonlyArray<{ key: keyof ResourceGroup; label: string; format(v: number): string; steps?: number[]; unit: string | null; scale: number }>;
type ResourceMetric = (typeof RESOURCE_METRICS)[number]['key'];

/** A segment's name: the device type or browser, "Unknown" when the collector could not tell (or privacy mode kept none). */
function segmentName(g: { deviceType: string | null; browser: string | null }, split: Split): string {
  return (split === 'deviceType' ? g.deviceType : g.browser) ?? 'Unknown';
}

/** A line chart's title: e.g. "Frame time in ms over time (p50, p95, p99 per hour)". */
function overTimeTitle(metric: { label: string; unit: string | null }, ends: Ends, interval: string): string {
  return `${metric.label}${metric.unit ? ` in ${metric.unit}` : ''} over time (${ends.map((e) => e.key).join(', ')} per ${interval})`;
}

/** The series of `pick` over `groups`: p50/p95/p99, or the metric's own `ends`. */
function percentileSeries<G>(groups: readonly G[], pick: (g: G) => Percentiles | null, ends: Ends = HIGH_END): BarSeries[] {
  return ends.map((p) => ({ label: p.key, colour: p.colour, values: groups.map((g) => percentileOf(pick(g), p.key)) }));
}

/** Three cells: p50, p95, p99 of `value`, or its `ends` (dashes when there is none). */
function PercentileCells({ value, format, ends = HIGH_END }: { value: Percentiles | null; format(v: number): string; ends?: Ends }): ReactElement {
  return (
    <>
      {ends.map((p) => {
        const v = percentileOf(value, p.key);
        return (
          <td key={p.key} className="num">
            {v === null ? '—' : format(v)}
          </td>
        );
      })}
    </>
  );
}

/** Two header rows: the plain columns spanning both, then each metric's percentiles under it. */
function GroupedHead({ first, plain, metrics }: { first: string; plain: string[]; metrics: ReadonlyArray<{ name: string; ends?: Ends }> }): ReactElement {
  return (
    <thead>
      <tr>
        <th scope="col" rowSpan={2}>
          {first}
        </th>
        {plain.map((p) => (
          <th key={p} scope="col" rowSpan={2} className="num">
            {p}
          </th>
        ))}
        {metrics.map((m) => (
          <th key={m.name} scope="colgroup" colSpan={(m.ends ?? HIGH_END).length} className="group-head">
            {m.name}
          </th>
        ))}
      </tr>
      <tr>
        {metrics.flatMap((m) =>
          (m.ends ?? HIGH_END).map((p) => (
            <th key={`${m.name}-${p.key}`} scope="col" className="num" aria-label={`${m.name} ${p.key}`}>
              {p.key}
            </th>
          )),
        )}
      </tr>
    </thead>
  );
}

/** The performance and resources page. */
export function PerformancePage({ scope }: { scope: Scope }): ReactElement {
  const [frameMetric, setFrameMetric] = useState<FrameMetric>('frameMs');
  const [resourceMetric, setResourceMetric] = useState<ResourceMetric>('geometries');
  const [resourceSplit, setResourceSplit] = useState<Split>('deviceType');
  const { from, to, interval } = windowRange(scope.window);
  const q = { scene: scope.scene || undefined, from, to };
  // The whole scope, with its series for the line charts.
  const overall = useApi<PerformanceOverTime>(`/api/v1/performance${query({ ...q, interval })}`);
  const byDevice = useApi<PerformanceAnswer>(`/api/v1/performance${query({ ...q, groupBy: 'deviceType' })}`);
  const byBrowser = useApi<PerformanceAnswer>(`/api/v1/performance${query({ ...q, groupBy: 'browser' })}`);
  const resourcesOverTime = useApi<ResourcesOverTime>(`/api/v1/resources${query({ ...q, interval })}`);
  // Both splits are loaded, so the rows shown always belong to the split picked.
  const resourcesByDevice = useApi<ResourcesAnswer>(`/api/v1/resources${query({ ...q, groupBy: 'deviceType' })}`);
  const resourcesByBrowser = useApi<ResourcesAnswer>(`/api/v1/resources${query({ ...q, groupBy: 'browser' })}`);
  const resources = resourceSplit === 'deviceType' ? resourcesByDevice : resourcesByBrowser;

  const frame = FRAME_METRICS.find((m) => m.key === frameMetric) ?? FRAME_METRICS[0];
  const resource = RESOURCE_METRICS.find((m) => m.key === resourceMetric) ?? RESOURCE_METRICS[0];
  const frameEnds = frame.ends;
  const resourceScale = resource.scale;
  const charts = useMemo(() => {
    const bySplit = (groups: readonly PerformanceGroup[], split: Split) => ({
      categories: groups.map((g) => segmentName(g, split)),
      series: percentileSeries(groups, (g) => g[frameMetric], frameEnds),
    });
    const res = resources.data?.groups ?? [];
    const span = { from, to, interval };
    return {
      frameLines: percentileLines(overall.data?.series ?? [], span, (p) => p.groups[0]?.[frameMetric] ?? null, frameEnds),
      device: bySplit(byDevice.data?.groups ?? [], 'deviceType'),
      browser: bySplit(byBrowser.data?.groups ?? [], 'browser'),
      resourceLines: percentileLines(resourcesOverTime.data?.series ?? [], span, (p) => p.groups[0]?.[resourceMetric] ?? null, HIGH_END, resourceScale),
      resources: { categories: res.map((g) => segmentName(g, resourceSplit)), series: percentileSeries(res, (g) => g[resourceMetric]) },
    };
  }, [overall.data, byDevice.data, byBrowser.data, resourcesOverTime.data, resources.data, from, to, interval, frameMetric, frameEnds, resourceMetric, resourceScale, resourceSplit]);

  const problem = overall.error ?? byDevice.error ?? byBrowser.error ?? resourcesOverTime.error ?? resourcesByDevice.error ?? resourcesByBrowser.error;
  if (problem) return <p role="alert">Could not load performance: {problem.message}</p>;
  if (!overall.data) return <p>Loading…</p>;
  const all = overall.data.groups[0];
  if (!all && scope.scenes.length === 0) return <EmptyState title="Performance" canCreateKey={scope.role === 'admin'} />;
  const splitLabel = SPLITS.find((s) => s.id === resourceSplit)?.label ?? '';

  return (
    <div className="page">
      <h1>Performance{scope.scene ? ` · ${scope.scene}` : ''}</h1>
      {!all ? (
        <section className="card">
          <h2>No frame measurements in this window</h2>
          <p>
            Connectors send frame performance every second while a scene renders (always on). Pick a longer window or another scene, or open a tracked scene in a
            browser and let it render for a few seconds.
          </p>
        </section>
      ) : (
        <>
          <section className="tiles" aria-label="Frame totals">
            <Tile label="Frame time p50" value={all.frameMs ? formatMsValue(all.frameMs.p50) : '—'} />
            <Tile label="Frame time p95" value={all.frameMs ? formatMsValue(all.frameMs.p95) : '—'} />
            <Tile label="FPS p50" value={all.fps ? formatDecimal(all.fps.p50) : '—'} />
            <Tile label="FPS, slowest 5 %" value={all.fps ? formatDecimal(all.fps.p5) : '—'} />
            <Tile label="Frames" value={formatCount(all.frames)} />
            <Tile label="Long frames" value={formatCount(all.longFrames)} />
            <Tile label="Long-frame share" value={longShare(all)} />
          </section>
          <form className="toolbar" aria-label="Frame charts" onSubmit={(e) => e.preventDefault()}>
            <label htmlFor="perf-metric">Frame metric</label>
            <select id="perf-metric" value={frameMetric} onChange={(e) => setFrameMetric(e.target.value as FrameMetric)}>
              {FRAME_METRICS.map((m) => (
                <option key={m.key} value={m.key}>
                  {m.label}
                </option>
              ))}
            </select>
            <span className="hint">
              p50, p95 and p99 per {interval} and per segment; frame time is each second&apos;s median frame, weighted by its frames. FPS shows its slow end:
              p50, p5 and p1 of the seconds. Gaps in the line: no frames measured then.
            </span>
          </form>
          <LineChart title={overTimeTitle(frame, frameEnds, interval)} times={charts.frameLines.times} lines={charts.frameLines.lines} range={[from, to]} fill={false} />
          <div className="grid2">
            <BarChart title={`${frame.label} by device type`} categories={charts.device.categories} series={charts.device.series} format={frame.format} steps={'steps' in frame ? frame.steps : undefined} />
            <BarChart title={`${frame.label} by browser`} categories={charts.browser.categories} series={charts.browser.series} format={frame.format} steps={'steps' in frame ? frame.steps : undefined} />
          </div>
          <FrameTable title="Frames by device type" split="deviceType" groups={byDevice.data?.groups ?? []} />
          <FrameTable title="Frames by browser" split="browser" groups={byBrowser.data?.groups ?? []} />
        </>
      )}
      <h2 className="section-title">Resources</h2>
      {resources.data && resources.data.groups.length === 0 ? (
        <section className="card">
          <h2>No resource samples in this window</h2>
          <p>
            Geometries, textures, programs and JS heap come from the opt-in <code>resource_sample</code> channel: switch it on for the scene under{' '}
            <a href="#/scenes">Scenes</a>, and the three.js connector sends a sample every 10 s from its next session.
          </p>
        </section>
      ) : (
        <>
          <form className="toolbar" aria-label="Resource chart" onSubmit={(e) => e.preventDefault()}>
            <label htmlFor="resource-metric">Resource</label>
            <select id="resource-metric" value={resourceMetric} onChange={(e) => setResourceMetric(e.target.value as ResourceMetric)}>
              {RESOURCE_METRICS.map((m) => (
                <option key={m.key} value={m.key}>
                  {m.label}
                </option>
              ))}
            </select>
            <label htmlFor="resource-split">Split by</label>
            <select id="resource-split" value={resourceSplit} onChange={(e) => setResourceSplit(e.target.value as Split)}>
              {SPLITS.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label[0]!.toUpperCase() + s.label.slice(1)}
                </option>
              ))}
            </select>
          </form>
          <LineChart title={overTimeTitle(resource, HIGH_END, interval)} times={charts.resourceLines.times} lines={charts.resourceLines.lines} range={[from, to]} fill={false} />
          <BarChart title={`${resource.label} by ${splitLabel}`} categories={charts.resources.categories} series={charts.resources.series} format={resource.format} steps={resource.steps} />
          <section className="card">
            <h2>Resources by {splitLabel}</h2>
            <div className="scroll">
              <table aria-label={`Resources by ${splitLabel}`}>
                <GroupedHead first={splitLabel[0]!.toUpperCase() + splitLabel.slice(1)} plain={['Samples']} metrics={RESOURCE_METRICS.map((m) => ({ name: m.label }))} />
                <tbody>
                  {(resources.data?.groups ?? []).map((g) => (
                    <tr key={segmentName(g, resourceSplit)}>
                      <th scope="row">{segmentName(g, resourceSplit)}</th>
                      <td className="num">{formatCount(g.samples)}</td>
                      {RESOURCE_METRICS.map((m) => (
                        <PercentileCells key={m.key} value={g[m.key]} format={m.format} />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="hint">JS heap: where the browser reports it (<code>performance.memory</code>, Chromium-based browsers); a dash where none did.</p>
          </section>
        </>
      )}
    </div>
  );
}

function longShare(g: PerformanceGroup): string {
  return g.frames > 0 ? `${formatDecimal((g.longFrames / g.frames) * 100)} %` : '—';
}

/** A table of one split's frame figures. */
function FrameTable({ title, split, groups }: { title: string; split: Split; groups: readonly PerformanceGroup[] }): ReactElement {
  const metrics = [FRAME_METRICS[0], FRAME_METRICS[1]];
  return (
    <section className="card">
      <h2>{title}</h2>
      <div className="scroll">
        <table aria-label={title}>
          <GroupedHead
            first={split === 'deviceType' ? 'Device type' : 'Browser'}
            plain={['Windows (~1 s)', 'Frames', 'Long frames', 'Long-frame share', 'Draw calls p50']}
            metrics={metrics.map((m) => ({ name: `${m.label}${m.key === 'frameMs' ? ' (ms)' : ''}`, ends: m.ends }))}
          />
          <tbody>
            {groups.map((g) => (
              <tr key={segmentName(g, split)}>
                <th scope="row">{segmentName(g, split)}</th>
                <td className="num">{formatCount(g.windows)}</td>
                <td className="num">{formatCount(g.frames)}</td>
                <td className="num">{formatCount(g.longFrames)}</td>
                <td className="num">{longShare(g)}</td>
                <td className="num">{g.drawCalls ? formatCount(g.drawCalls.p50) : '—'}</td>
                {metrics.map((m) => (
                  <PercentileCells key={m.key} value={g[m.key]} format={formatDecimal} ends={m.ends} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

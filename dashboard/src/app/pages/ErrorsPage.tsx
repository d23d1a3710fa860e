/**
 * Errors of the project (or one scene) over the time window: totals as tiles, errors over time
 * as a chart (the activity series' `runtime_error` counts), and the error groups of
 * `GET /api/v1/errors` (one per message and script URL) in a sortable table with their counts,
 * share and first/last seen. The collector keeps no per-group session count; the sessions
 * affected overall come from the session summaries (`hasErrors=true`).
 */
import { useMemo, type ReactElement } from 'react';
import type { Scope } from '../App.js';
import { query } from '../api.js';
import { EmptyState } from '../EmptyState.js';
import { formatCount, formatTime } from '../format.js';
import { useApi } from '../hooks.js';
import { LineChart } from '../LineChart.js';
import { filledSeries } from '../series.js';
import { SortableTable, type Column } from '../SortableTable.js';
import { windowRange } from '../time-window.js';
import type { ActivityByType, ErrorRow, SessionSummary } from '../types.js';
import { Tile } from '../Tile.js';

/** Error groups read at once: the API's largest page. */
const GROUPS = 1000;
/** Session summaries read to count the sessions with errors. */
const SESSIONS = 1000;

const share = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });

/** The errors page. */
export function ErrorsPage({ scope }: { scope: Scope }): ReactElement {
  const range = windowRange(scope.window);
  const q = { scene: scope.scene || undefined, from: range.from, to: range.to };
  const activity = useApi<ActivityByType>(`/api/v1/activity${query({ ...q, interval: range.interval })}`);
  const errors = useApi<{ errors: ErrorRow[]; nextCursor: string | null }>(`/api/v1/errors${query({ ...q, limit: GROUPS })}`);
  const affected = useApi<{ sessions: SessionSummary[]; nextCursor: string | null }>(`/api/v1/sessions${query({ ...q, hasErrors: 'true', limit: SESSIONS })}`);

  const chart = useMemo(() => {
    const { times, values } = filledSeries(activity.data?.series ?? [], range, (p) => p.eventsByType.runtime_error ?? 0);
    return { times, lines: [{ label: 'Errors', values, colour: '#b91c1c' }] };
  }, [activity.data, range.from, range.to, range.interval]);

  const rows = errors.data?.errors ?? [];
  const total = rows.reduce((sum, e) => sum + e.count, 0);
  const columns = useMemo<Array<Column<ErrorRow>>>(
    () => [
      { id: 'message', label: 'Message', value: (e) => e.message, render: (e) => <span className="message">{e.message || '(no message)'}</span> },
      { id: 'source', label: 'Script', value: (e) => e.source ?? '', render: (e) => (e.source ? <code className="source" title={e.source}>{scriptPath(e.source)}</code> : '—') },
      { id: 'count', label: 'Count', numeric: true, value: (e) => e.count, render: (e) => formatCount(e.count) },
      { id: 'share', label: 'Share', numeric: true, value: (e) => e.count, render: (e) => share.format(total > 0 ? e.count / total : 0) },
      { id: 'sessions', label: 'Sessions', numeric: true, value: (e) => e.sessions, render: (e) => formatCount(e.sessions) },
      { id: 'first', label: 'First seen', nowrap: true, value: (e) => Date.parse(e.firstSeen), render: (e) => formatTime(e.firstSeen) },
      { id: 'last', label: 'Last seen', nowrap: true, value: (e) => Date.parse(e.lastSeen), render: (e) => formatTime(e.lastSeen) },
    ],
    [total],
  );

  const problem = activity.error ?? errors.error ?? affected.error;
  if (problem) return <p role="alert">Could not load the errors: {problem.message}</p>;
  if (!errors.data || !activity.data) return <p>Loading…</p>;
  const sessionsWithErrors = affected.data ? `${formatCount(affected.data.sessions.length)}${affected.data.nextCursor ? '+' : ''}` : '…';
  const sessions = activity.data.totals.sessions;

  return (
    <div className="page">
      <h1>Errors{scope.scene ? ` · ${scope.scene}` : ''}</h1>
      <section className="tiles" aria-label="Totals">
        <Tile label="Errors" value={formatCount(total)} />
        <Tile label="Distinct errors" value={`${formatCount(rows.length)}${errors.data.nextCursor ? '+' : ''}`} />
        <Tile label="Sessions with errors" value={sessionsWithErrors} />
        <Tile label="Sessions" value={formatCount(sessions)} />
      </section>
      {rows.length === 0 ? (
        <NoErrors scope={scope} />
      ) : (
        <>
          <LineChart title="Errors over time" times={chart.times} lines={chart.lines} range={[range.from, range.to]} />
          <section className="card">
            <h2>Error groups</h2>
            <p className="hint">
              One group per message and script URL (query strings dropped), most frequent first, with the sessions that saw it. Click a column to sort.
              {errors.data.nextCursor ? ` Showing the ${formatCount(GROUPS)} most frequent.` : ''}
            </p>
            <SortableTable label="Error groups" rows={rows} columns={columns} rowKey={(e) => e.fingerprint} initial="count" />
          </section>
        </>
      )}
    </div>
  );
}

/** A script URL without its origin (the full URL is the cell's title): the part that tells scripts apart. */
function scriptPath(source: string): string {
  try {
    return new URL(source).pathname;
  } catch {
    return source;
  }
}

/** What to do when the window holds no errors: the channel is opt-in. */
function NoErrors({ scope }: { scope: Scope }): ReactElement {
  const scenes = scope.scene ? scope.scenes.filter((s) => s.scene === scope.scene) : scope.scenes;
  if (scenes.length === 0) return <EmptyState title="Errors" canCreateKey={scope.role === 'admin'} />;
  const off = scenes.filter((s) => !s.capture.runtime_error).map((s) => s.scene);
  return (
    <section className="card empty">
      <h2>No runtime errors in this window</h2>
      {off.length > 0 ? (
        <p>
          The <code>runtime_error</code> channel is opt-in and is off for {off.join(', ')}. Switch it on under <a href="#/scenes">Scenes</a>: running connectors
          pick it up at their next config read and report uncaught errors and unhandled rejections of the page.
        </p>
      ) : (
        <p>No page reported an uncaught error here. Pick a longer window or another scene to look further.</p>
      )}
    </section>
  );
}

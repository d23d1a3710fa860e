/**
 * Custom events (`client.custom(name, props)`) of the project (or one scene) over the time
 * window: totals, the count over time (the activity series' `custom` counts), the event names
 * in a sortable table, and — when a property key is chosen — each name's counts split by that
 * property's value (`GET /api/v1/custom-events?property=`; the collector keeps the first 16
 * properties of an event, so any of them can be chosen here).
 */
import { useMemo, useState, type FormEvent, type ReactElement } from 'react';
import type { Scope } from '../App.js';
import { query } from '../api.js';
import { EmptyState } from '../EmptyState.js';
import { formatCount, formatDecimal } from '../format.js';
import { useApi } from '../hooks.js';
import { LineChart } from '../LineChart.js';
import { filledSeries } from '../series.js';
import { SortableTable, type Column } from '../SortableTable.js';
import { windowRange } from '../time-window.js';
import type { ActivityByType, CustomEventRow } from '../types.js';
import { Tile } from '../Tile.js';

/** Event names read at once: the API's largest page. */
const NAMES = 1000;

const share = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });

/** The custom events page. */
export function CustomEventsPage({ scope }: { scope: Scope }): ReactElement {
  const [draft, setDraft] = useState('');
  const [property, setProperty] = useState('');
  const range = windowRange(scope.window);
  const q = { scene: scope.scene || undefined, from: range.from, to: range.to };
  const activity = useApi<ActivityByType>(`/api/v1/activity${query({ ...q, interval: range.interval })}`);
  const events = useApi<{ property: string | null; events: CustomEventRow[] }>(`/api/v1/custom-events${query({ ...q, limit: NAMES, property })}`);

  const chart = useMemo(() => {
    const { times, values } = filledSeries(activity.data?.series ?? [], range, (p) => p.eventsByType.custom ?? 0);
    return { times, lines: [{ label: 'Custom events', values, colour: '#9333ea' }] };
  }, [activity.data, range.from, range.to, range.interval]);

  const rows = events.data?.events ?? [];
  const total = rows.reduce((sum, e) => sum + e.count, 0);
  const sessions = activity.data?.totals.sessions ?? 0;
  const columns = useMemo<Array<Column<CustomEventRow>>>(
    () => [
      { id: 'name', label: 'Event', value: (e) => e.name, render: (e) => <code>{e.name}</code> },
      { id: 'count', label: 'Count', numeric: true, value: (e) => e.count, render: (e) => formatCount(e.count) },
      { id: 'share', label: 'Share', numeric: true, value: (e) => e.count, render: (e) => share.format(total > 0 ? e.count / total : 0) },
      { id: 'perSession', label: 'Per session', numeric: true, value: (e) => e.count, render: (e) => (sessions > 0 ? formatDecimal(e.count / sessions) : '—') },
    ],
    [total, sessions],
  );

  function split(event: FormEvent) {
    event.preventDefault();
    setProperty(draft.trim());
  }

  const problem = activity.error ?? events.error;
  if (!activity.data && !problem) return <p>Loading…</p>;
  if (activity.data && activity.data.totals.events === 0 && scope.scenes.length === 0) return <EmptyState title="Custom events" canCreateKey={scope.role === 'admin'} />;

  return (
    <div className="page">
      <h1>Custom events{scope.scene ? ` · ${scope.scene}` : ''}</h1>
      {problem && <p role="alert">Could not load the custom events: {problem.message}</p>}
      <section className="tiles" aria-label="Totals">
        <Tile label="Custom events" value={formatCount(total)} />
        <Tile label="Event names" value={formatCount(rows.length)} />
        <Tile label="Per session" value={sessions > 0 ? formatDecimal(total / sessions) : '—'} />
      </section>
      {events.data && rows.length === 0 && !property ? (
        <NoCustomEvents scene={scope.scene} />
      ) : (
        <>
          <LineChart title="Custom events over time" times={chart.times} lines={chart.lines} range={[range.from, range.to]} />
          <section className="card">
            <h2>Events by name</h2>
            <form className="toolbar" onSubmit={split} aria-label="Split by a property">
              <label htmlFor="split-property">Split by property</label>
              <input id="split-property" value={draft} maxLength={64} placeholder="e.g. variant" onChange={(e) => setDraft(e.target.value)} />
              <button type="submit">Split</button>
              {property && (
                <button type="button" onClick={() => (setDraft(''), setProperty(''))}>
                  Clear
                </button>
              )}
            </form>
            <SortableTable label="Custom events" rows={rows} columns={columns} rowKey={(e) => e.name} initial="count" />
          </section>
          {property && events.data?.property === property && <Splits property={property} rows={rows} />}
        </>
      )}
    </div>
  );
}

/** Each event name's counts by the chosen property's value, as bars. */
function Splits({ property, rows }: { property: string; rows: CustomEventRow[] }): ReactElement {
  return (
    <section className="card" aria-label={`Split by ${property}`}>
      <h2>
        By <code>{property}</code>
      </h2>
      <p className="hint">
        <code>(none)</code>: events without this property, or with a value that is not a string, number or boolean.
      </p>
      <div className="splits">
        {rows.map((e) => {
          const largest = Math.max(1, ...(e.byProperty ?? []).map((v) => v.count));
          return (
            <table key={e.name} aria-label={`${e.name} by ${property}`} className="split">
              <caption>
                <code>{e.name}</code> · {formatCount(e.count)}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Value</th>
                  <th scope="col" className="num">
                    Count
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Bar</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {(e.byProperty ?? []).map((v) => (
                  <tr key={v.value}>
                    <td>{v.value}</td>
                    <td className="num">{formatCount(v.count)}</td>
                    <td className="bar-cell" aria-hidden="true">
                      <span className="bar" style={{ width: `${(100 * v.count) / largest}%` }} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        })}
      </div>
    </section>
  );
}

/** What to do when the window holds no custom events: the snippet that sends one. */
function NoCustomEvents({ scene }: { scene: string }): ReactElement {
  const snippet = [
    `// three.js: the client you passed to trackScene`,
    `client.custom('add_to_cart', { variant: 'velvet-green', price: 1899 });`,
    ``,
    `// React Three Fiber: inside <VantageAnalytics>`,
    `const { track } = useVantage();`,
    `track('add_to_cart', { variant: 'velvet-green' });`,
  ].join('\n');
  return (
    <section className="card empty">
      <h2>No custom events in this window{scene ? ` for ${scene}` : ''}</h2>
      <p>
        Custom events are what your app says happened: a variant chosen, a part added to the cart. Send one with a name and scalar properties (the first 16 can be
        split on here):
      </p>
      <pre>
        <code>{snippet}</code>
      </pre>
      <p>They are always captured (no channel to switch on). Or pick a longer window or another scene.</p>
    </section>
  );
}

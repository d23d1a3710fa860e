/**
 * Sessions: summaries newest first, filtered (device type, browser, with errors) and paged
 * with the collector's cursor; "Replay" opens the session in the replay viewer. With raw
 * retention off the collector keeps no stream, and the page says so.
 */
import { lazy, Suspense, useEffect, useState, type ReactElement } from 'react';
import type { Scope } from '../App.js';
import { ApiError, getJson, query, request } from '../api.js';
import { formatCount, formatMs, formatTime } from '../format.js';
import { useApi } from '../hooks.js';
import { blockedOnThisPage } from '../model-origins.js';
import { windowRange } from '../time-window.js';
import type { Proxy, SessionSummary } from '../types.js';
import type { ReplayStream } from '@vantage/replay-viewer';
import { Pager } from '../Pager.js';

const Replay = lazy(() => import('@vantage/replay-viewer/react').then((m) => ({ default: m.Replay })));

/** The sessions page. */
export function SessionsPage({ scope }: { scope: Scope }): ReactElement {
  const [deviceType, setDeviceType] = useState('');
  const [browser, setBrowser] = useState('');
  const [hasErrors, setHasErrors] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const [open, setOpen] = useState<SessionSummary | null>(null);
  const { from, to } = windowRange(scope.window);
  const cursor = cursors[cursors.length - 1];
  const list = useApi<{ sessions: SessionSummary[]; nextCursor: string | null }>(
    `/api/v1/sessions${query({ scene: scope.scene || undefined, from, to, deviceType, browser, hasErrors, limit: 25, cursor })}`,
  );
  useEffect(() => setCursors([]), [scope.scene, scope.window, deviceType, browser, hasErrors]);

  return (
    <div className="page">
      <h1>Sessions</h1>
      <form className="toolbar" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Device{' '}
          <select value={deviceType} onChange={(e) => setDeviceType(e.target.value)}>
            <option value="">Any</option>
            <option value="desktop">Desktop</option>
            <option value="mobile">Mobile</option>
            <option value="tablet">Tablet</option>
          </select>
        </label>
        <label>
          Browser <input value={browser} placeholder="Chrome, Firefox…" onChange={(e) => setBrowser(e.target.value)} />
        </label>
        <label>
          Errors{' '}
          <select value={hasErrors} onChange={(e) => setHasErrors(e.target.value)}>
            <option value="">Any</option>
            <option value="true">With errors</option>
            <option value="false">Without errors</option>
          </select>
        </label>
      </form>
      {list.error && <p role="alert">Could not load the sessions: {list.error.message}</p>}
      <table className="card">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Scene</th>
            <th scope="col" className="num">Length</th>
            <th scope="col" className="num">Events</th>
            <th scope="col" className="num">Clicks</th>
            <th scope="col" className="num">Errors</th>
            <th scope="col">Device</th>
            <th scope="col">Browser</th>
            <th scope="col">Source</th>
            <th scope="col">
              <span className="visually-hidden">Replay</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.sessions ?? []).map((s) => (
            <tr key={s.id} aria-selected={open?.id === s.id}>
              <td>{formatTime(s.startedAt)}</td>
              <td>{s.scene}</td>
              <td className="num">{formatMs(s.durationMs)}</td>
              <td className="num">{formatCount(s.events)}</td>
              <td className="num">{formatCount(s.clicks)}</td>
              <td className="num">{formatCount(s.errors)}</td>
              <td>{s.deviceType ?? '—'}</td>
              <td>{s.browser ?? '—'}</td>
              <td>{s.source ?? '—'}</td>
              <td>
                <button type="button" onClick={() => setOpen(s)} aria-label={`Replay session ${s.id}`}>
                  Replay
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.sessions.length === 0 && <p>No sessions match in this window.</p>}
      <Pager cursors={cursors} next={list.data?.nextCursor} onChange={setCursors} />
      {open && <ReplayPanel key={open.id} session={open} scope={scope} onClose={() => setOpen(null)} />}
    </div>
  );
}

type Loaded = { stream: ReplayStream; proxy: Proxy | null } | { unavailable: string } | { error: string };

function ReplayPanel({ session, scope, onClose }: { session: SessionSummary; scope: Scope; onClose(): void }): ReactElement {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    let live = true;
    setLoaded(null);
    (async (): Promise<Loaded> => {
      try {
        const text = await (await request('GET', `/api/v1/sessions/${encodeURIComponent(session.id)}/events`, undefined, 'application/x-ndjson')).text();
        const lines = text.split('\n').filter((l) => l.length > 0);
        const head = JSON.parse(lines[0] ?? '{}') as { session: ReplayStream['session'] };
        const stream: ReplayStream = { session: head.session, events: lines.slice(1).map((l) => JSON.parse(l) as ReplayStream['events'][number]) };
        const proxy = await getJson<Proxy>(`/api/v1/scenes/${encodeURIComponent(session.scene)}/proxy`).catch(() => null);
        return { stream, proxy };
      } catch (error) {
        if (error instanceof ApiError && error.code === 'raw_retention_disabled') {
          return { unavailable: 'Replay is unavailable: this collector does not keep raw session streams (ENABLE_RAW_SESSION_RETENTION is off), only aggregates. Turn it on to record sessions for replay from now on.' };
        }
        return { error: error instanceof Error ? error.message : String(error) };
      }
    })().then((value) => live && setLoaded(value));
    return () => {
      live = false;
    };
  }, [session.id, session.scene]);
  const modelUrl = scope.scenes.find((s) => s.scene === session.scene)?.modelUrl ?? null;
  const [problem, setProblem] = useState('');

  return (
    <section className="card replay" aria-label={`Replay of session ${session.id}`}>
      <div className="replay-head">
        <h2>Replay · {session.id}</h2>
        <button type="button" onClick={onClose}>
          Close replay
        </button>
      </div>
      {loaded === null ? (
        <p>Loading the session…</p>
      ) : 'unavailable' in loaded ? (
        <p className="notice" role="status">
          {loaded.unavailable}
        </p>
      ) : 'error' in loaded ? (
        <p role="alert">Could not load the session: {loaded.error}</p>
      ) : (
        <div className="replay-stage">
          <Suspense fallback={<p>Loading the viewer…</p>}>
            <Replay stream={loaded.stream} scene={{ modelUrl, proxy: loaded.proxy }} onError={(error) => setProblem(replayProblem(error, modelUrl))} />
          </Suspense>
          {problem && (
            <p role="alert" className="notice">
              {problem}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/** What the page says when the replay reports a problem: why a model on another origin was blocked, else the viewer's message. */
function replayProblem(error: Error, modelUrl: string | null): string {
  const blocked = modelUrl === null ? null : blockedOnThisPage(modelUrl);
  if (blocked && error.message.includes(modelUrl ?? '')) return `The model could not be loaded: this page was opened before ${blocked} was registered; reload it. The proxy boxes stand in for it.`;
  return error.message.replace(/^Vantage: /, '');
}

/**
 * The dead-letter queue of the project, in Settings (admins only: an entry holds a sender's raw,
 * minimised payload). Lists entries newest first (`GET /api/v1/dlq`, paged with its cursor),
 * shows one (`GET /api/v1/dlq/:id`, an audited read), and replays the selected ones through the
 * collector's current pipeline (`POST /api/v1/dlq/replay`, with the session's CSRF token), then
 * says which were accepted and which still fail, and why.
 */
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { getJson, query, send } from '../api.js';
import { formatCount, formatTime } from '../format.js';
import { useApi } from '../hooks.js';
import { Pager } from '../Pager.js';

/** How a preview renders the payload (the collector's `PayloadPreview`). */
interface PayloadPreview {
  format: 'json' | 'text' | 'hex';
  text: string;
  truncated: boolean;
}

/** An entry of `GET /api/v1/dlq`. */
interface DeadLetterItem {
  id: string;
  receivedAt: string;
  reason: string;
  detail: string;
  contentType: string;
  sessionId: string | null;
  seq: number | null;
  eventIndex: number | null;
  replayedAt: string | null;
  bytes: number;
  preview: PayloadPreview;
}

/** `GET /api/v1/dlq/:id`: the entry with its envelope (the payload itself is not shown). */
interface DeadLetterDetail extends DeadLetterItem {
  envelope: Record<string, unknown> | null;
}

/** `POST /api/v1/dlq/replay`. */
interface ReplayOutcome {
  replayed: number;
  stillInvalid: Array<{ id: string; reason: string; detail: string }>;
  alreadyReplayed: string[];
  notFound: string[];
  dropped: Record<string, number>;
}

/** Entries per page. */
const PAGE_SIZE = 25;

const STATES = [
  { id: 'false', label: 'Waiting for replay' },
  { id: '', label: 'All' },
  { id: 'true', label: 'Replayed' },
] as const;
type StateId = (typeof STATES)[number]['id'];

/** First 8 characters of an entry id, as rows and buttons name it. */
const short = (id: string): string => id.slice(0, 8);

/** The dead-letter section of Settings. */
export function DeadLetters(): ReactElement {
  const [state, setState] = useState<StateId>('false');
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ReplayOutcome | null>(null);
  const [status, setStatus] = useState('');
  /** Bumped by each replay, so an open entry is read again (its state may have changed). */
  const [replays, setReplays] = useState(0);
  const cursor = cursors[cursors.length - 1];
  const list = useApi<{ items: DeadLetterItem[]; nextCursor: string | null }>(`/api/v1/dlq${query({ limit: PAGE_SIZE, replayed: state, cursor })}`);
  useEffect(() => setSelected(new Set()), [state, cursor]);
  const items = list.data?.items ?? [];
  const waiting = items.filter((i) => i.replayedAt === null);

  function toggle(id: string, on: boolean) {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  }

  async function replay() {
    const ids = [...selected];
    setStatus(`Replaying ${ids.length}…`);
    setOutcome(null);
    try {
      const answer = await send<ReplayOutcome>('POST', '/api/v1/dlq/replay', { ids });
      setOutcome(answer);
      setStatus('');
      setSelected(new Set());
      setReplays((n) => n + 1);
      list.reload();
    } catch (error) {
      setStatus(`Not replayed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  return (
    <section className="card" aria-labelledby="dlq-heading">
      <h2 id="dlq-heading">Dead letters</h2>
      <p className="hint">
        Events and request bodies the collector refused, kept with their (minimised) payload for <code>DLQ_RETENTION_DAYS</code>. Replay re-runs them
        through the collector's current pipeline and scene flags: an accepted entry is counted once and marked; one that still fails stays here with its
        reason.
      </p>
      <div className="toolbar">
        <span>
          <label htmlFor="dlq-state">Show</label>{' '}
          <select id="dlq-state" value={state} onChange={(e) => (setState(e.target.value as StateId), setCursors([]))}>
            {STATES.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </span>
        <button type="button" disabled={selected.size === 0} onClick={replay}>
          Replay selected ({selected.size})
        </button>
        <span role="status">{status}</span>
      </div>
      {outcome && <OutcomeNotice outcome={outcome} onDone={() => setOutcome(null)} />}
      {list.error && <p role="alert">Could not read the dead letters: {list.error.message}</p>}
      {list.data && items.length === 0 && cursors.length === 0 ? (
        <p data-testid="dlq-empty">
          {state === 'false'
            ? 'Nothing waits for replay: no batch or event was refused since the last replay (or the DLQ retention pruned it).'
            : state === 'true'
              ? 'No dead letter has been replayed yet.'
              : 'No dead letters: every batch and event this project received was accepted.'}
        </p>
      ) : (
        <table className="dlq">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select every waiting entry on this page"
                  disabled={waiting.length === 0}
                  checked={waiting.length > 0 && waiting.every((i) => selected.has(i.id))}
                  onChange={(e) => setSelected(e.target.checked ? new Set(waiting.map((i) => i.id)) : new Set())}
                />
              </th>
              <th scope="col">Received</th>
              <th scope="col">Reason</th>
              <th scope="col">Detail</th>
              <th scope="col">Payload preview</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} aria-selected={openId === item.id}>
                <td>
                  {item.replayedAt === null && (
                    <input
                      type="checkbox"
                      aria-label={`Select dead letter ${short(item.id)}`}
                      checked={selected.has(item.id)}
                      onChange={(e) => toggle(item.id, e.target.checked)}
                    />
                  )}
                </td>
                <td>{formatTime(item.receivedAt)}</td>
                <td>
                  <code>{item.reason}</code>
                </td>
                <td className="dlq-detail">{item.detail}</td>
                <td>
                  <code className="dlq-preview">{item.preview.text}</code>
                </td>
                <td>{item.replayedAt ? `replayed ${formatTime(item.replayedAt)}` : 'waiting'}</td>
                <td>
                  <button type="button" onClick={() => setOpenId(openId === item.id ? null : item.id)} aria-expanded={openId === item.id}>
                    {openId === item.id ? 'Hide' : 'Show'} <span className="visually-hidden">dead letter {short(item.id)}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager cursors={cursors} next={list.data?.nextCursor} onChange={setCursors} />
      {openId && <EntryDetail id={openId} version={replays} onClose={() => setOpenId(null)} />}
    </section>
  );
}

function OutcomeNotice({ outcome, onDone }: { outcome: ReplayOutcome; onDone(): void }): ReactElement {
  const dropped = Object.entries(outcome.dropped);
  return (
    <div className="notice" role="status" data-testid="dlq-outcome">
      <p>
        <strong>Accepted: {formatCount(outcome.replayed)}</strong> · still failing: {formatCount(outcome.stillInvalid.length)}
        {outcome.alreadyReplayed.length > 0 && ` · already replayed before: ${formatCount(outcome.alreadyReplayed.length)}`}
        {outcome.notFound.length > 0 && ` · no longer in the DLQ: ${formatCount(outcome.notFound.length)}`}
      </p>
      {outcome.stillInvalid.length > 0 && (
        <ul>
          {outcome.stillInvalid.map((s) => (
            <li key={s.id}>
              <code>{short(s.id)}</code> <code>{s.reason}</code>: {s.detail}
            </li>
          ))}
        </ul>
      )}
      {dropped.length > 0 && <p>Inside accepted bodies, events dropped again: {dropped.map(([reason, n]) => `${reason} ${n}`).join(', ')} (kept as new entries).</p>}
      <button type="button" onClick={onDone}>
        Dismiss
      </button>
    </div>
  );
}

function EntryDetail({ id, version, onClose }: { id: string; version: number; onClose(): void }): ReactElement {
  const [entry, setEntry] = useState<DeadLetterDetail | null>(null);
  const [problem, setProblem] = useState('');
  const heading = useRef<HTMLHeadingElement | null>(null);
  // Opened from a row far above: bring it into view, and keyboard focus with it.
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'nearest' });
    heading.current?.focus({ preventScroll: true });
  }, [id]);
  useEffect(() => {
    let live = true;
    setEntry(null);
    setProblem('');
    getJson<DeadLetterDetail>(`/api/v1/dlq/${encodeURIComponent(id)}`).then(
      (e) => live && setEntry(e),
      (e: unknown) => live && setProblem(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [id, version]);
  return (
    <section className="dlq-entry" aria-label={`Dead letter ${short(id)}`} data-testid="dlq-entry">
      <div className="replay-head">
        <h3 ref={heading} tabIndex={-1}>
          Dead letter {short(id)}
        </h3>
        <button type="button" onClick={onClose}>
          Close <span className="visually-hidden">dead letter {short(id)}</span>
        </button>
      </div>
      {problem && <p role="alert">Could not read the entry: {problem}</p>}
      {!entry && !problem && <p>Loading…</p>}
      {entry && (
        <dl className="facts">
          <dt>Reason</dt>
          <dd>
            <code>{entry.reason}</code>: {entry.detail}
          </dd>
          <dt>Received</dt>
          <dd>{formatTime(entry.receivedAt)}</dd>
          <dt>State</dt>
          <dd>{entry.replayedAt ? `replayed ${formatTime(entry.replayedAt)}` : 'waiting for replay'}</dd>
          <dt>What</dt>
          <dd>
            {entry.eventIndex === null
              ? `the whole request body (${entry.contentType}, ${formatCount(entry.bytes)} bytes)`
              : `event ${entry.eventIndex} of batch ${entry.seq ?? '?'} of session ${entry.sessionId ?? '?'} (${formatCount(entry.bytes)} bytes)`}
          </dd>
          <dt>Payload (minimised, keys masked)</dt>
          <dd>
            <pre>
              <code>{entry.preview.text}</code>
            </pre>
            {entry.preview.truncated && <span className="hint">Preview cut short.</span>}
          </dd>
          {entry.envelope && (
            <>
              <dt>Batch envelope</dt>
              <dd>
                <pre>
                  <code>{JSON.stringify(entry.envelope, null, 2)}</code>
                </pre>
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}

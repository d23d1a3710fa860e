/**
 * Group commit. Requests hand their validated batches to the buffer and wait; the buffer writes
 * many requests' work in one transaction (on size, or after a short delay) and answers each
 * request once its transaction has committed, so `202` always means durable.
 *
 * One flush is one statement: the batches go into the dedup ledger (`ingest_batches`, keyed by
 * project, session and sequence number) with ON CONFLICT DO NOTHING, and only the batches that
 * were really inserted add to the rollups and write their dead letters. A retried batch is
 * therefore acknowledged but never counted twice, even when two collector processes receive the
 * retry at the same time.
 */
import type { Row, SqlStatement, Store } from '../storage/types.js';
import type { AcceptedBatch, DlqEntry } from './types.js';
import { randomUUID } from 'node:crypto';

/** The durable outcome of one batch. */
export interface WriteResult {
  /** True when the same (project, session, seq) had already been stored: nothing was added. */
  duplicate: boolean;
}

/** Buffer statistics, for logs and benchmarks. */
export interface WriteBufferStats {
  flushes: number;
  batches: number;
  events: number;
  pending: number;
  inflight: number;
}

/** The group-commit buffer; see {@link createWriteBuffer}. */
export interface WriteBuffer {
  /** Resolves once the batch is durable (or known to be a duplicate); rejects if the write failed. */
  write(batch: AcceptedBatch): Promise<WriteResult>;
  /** Resolves once the dead letters (of a body that was not accepted) are durable. */
  writeDeadLetters(entries: DlqEntry[]): Promise<void>;
  /** Write everything pending and wait for in-flight flushes. */
  drain(): Promise<void>;
  stats(): WriteBufferStats;
}

/** Tuning; the defaults suit one PostgreSQL on a small machine. */
export interface WriteBufferOptions {
  /** Flush as soon as this many batches wait (default 400). */
  maxBatches?: number;
  /**
   * Longest wait before a flush, ms. Default 0: flush as soon as the current turn of the event
   * loop ends; while a flush is running, new batches gather for the next one (group commit).
   */
  maxDelayMs?: number;
  /**
   * Flushes running at once (default 1). Concurrent flushes update the same rollup rows and
   * wait on each other's row locks: two overlap usefully (one is sent while the other commits),
   * more only queue.
   */
  concurrency?: number;
  /** Called when a flush fails (the requests in it are rejected). */
  onError?: (error: unknown) => void;
}

interface Pending {
  batch: AcceptedBatch | null;
  deadLetters: DlqEntry[];
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

const HOUR_MS = 3_600_000;

const FLUSH_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(p uuid, s text, q int, sc text, n int, d int)
), ins AS (
  INSERT INTO ingest_batches (project_id, session_id, seq, scene_id, events, dropped)
  SELECT p, s, q, sc, n, d FROM input ORDER BY p, s, q
  ON CONFLICT DO NOTHING
  RETURNING project_id, session_id, seq
), counts AS (
  INSERT INTO event_counts_hourly (project_id, scene_id, hour, type, events)
  SELECT c.p, c.sc, to_timestamp(c.h::double precision * 3600), c.ty, sum(c.n)
  FROM jsonb_to_recordset($2::jsonb) AS c(p uuid, s text, q int, sc text, h int, ty text, n int)
  JOIN ins ON ins.project_id = c.p AND ins.session_id = c.s AND ins.seq = c.q
  GROUP BY c.p, c.sc, c.h, c.ty
  ORDER BY c.p, c.sc, c.h, c.ty
  ON CONFLICT (project_id, scene_id, hour, type)
  DO UPDATE SET events = event_counts_hourly.events + excluded.events
  RETURNING 1
), letters AS (
  INSERT INTO dlq (project_id, id, reason, detail, content_type, session_id, seq, event_index, envelope, payload)
  SELECT l.p, l.id, l.r, l.dt, l.ct, l.s, l.q, l.i, l.e, decode(l.b, 'base64')
  FROM jsonb_to_recordset($3::jsonb) AS l(p uuid, id uuid, r text, dt text, ct text, s text, q int, i int, e jsonb, b text)
  WHERE l.s IS NULL
     OR EXISTS (SELECT 1 FROM ins WHERE ins.project_id = l.p AND ins.session_id = l.s AND ins.seq = l.q)
  RETURNING 1
)
SELECT project_id AS p, session_id AS s, seq AS q FROM ins`;

function batchKey(projectId: string, sessionId: string, seq: number): string {
  return `${projectId}\u0000${sessionId}\u0000${seq}`;
}

/** PostgreSQL text and jsonb cannot hold NUL: replace it wherever a client could have put it. */
function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value) as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[withoutNul(k)] = withoutNul(v);
    return out as T;
  }
  return value;
}

function letterRow(entry: DlqEntry): Record<string, unknown> {
  return {
    p: entry.projectId,
    id: randomUUID(),
    r: entry.reason,
    dt: withoutNul(entry.detail).slice(0, 2000),
    ct: withoutNul(entry.contentType).slice(0, 200),
    s: entry.sessionId ?? null,
    q: entry.seq ?? null,
    i: entry.eventIndex ?? null,
    e: entry.envelope ? withoutNul(entry.envelope) : null,
    b: Buffer.from(entry.payload.buffer, entry.payload.byteOffset, entry.payload.byteLength).toString('base64'),
  };
}

/** Build the flush statement for a set of distinct batches and loose dead letters. */
export function flushStatement(batches: readonly AcceptedBatch[], looseLetters: readonly DlqEntry[]): SqlStatement {
  const input: Record<string, unknown>[] = [];
  const counts: Record<string, unknown>[] = [];
  const letters: Record<string, unknown>[] = [];
  const perType = new Map<string, number>();
  for (const b of batches) {
    input.push({ p: b.projectId, s: b.sessionId, q: b.seq, sc: b.sceneId, n: b.events.length, d: b.dropped });
    perType.clear();
    for (const e of b.events) {
      const key = `${Math.floor(e.t / HOUR_MS)}\u0000${e.type}`;
      perType.set(key, (perType.get(key) ?? 0) + 1);
    }
    for (const [key, n] of perType) {
      const [h, ty] = key.split('\u0000');
      counts.push({ p: b.projectId, s: b.sessionId, q: b.seq, sc: b.sceneId, h: Number(h), ty, n });
    }
    for (const l of b.deadLetters) letters.push(letterRow(l));
  }
  for (const l of looseLetters) letters.push(letterRow({ ...l, sessionId: undefined, seq: undefined }));
  return { sql: FLUSH_SQL, params: [JSON.stringify(input), JSON.stringify(counts), JSON.stringify(letters)] };
}

function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/** Create the write buffer over `store`. */
export function createWriteBuffer(store: Store, options: WriteBufferOptions = {}): WriteBuffer {
  const maxBatches = options.maxBatches ?? 400;
  const maxDelayMs = options.maxDelayMs ?? 0;
  const concurrency = options.concurrency ?? 1;
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let inflight = 0;
  const idle: Array<() => void> = [];
  const totals = { flushes: 0, batches: 0, events: 0 };

  async function run(items: Pending[]): Promise<void> {
    // Distinct batches only: a retry that lands in the same flush as its original waits for it.
    const first = new Map<string, Pending>();
    const followers: Array<[Pending, Pending]> = [];
    const batches: AcceptedBatch[] = [];
    const loose: DlqEntry[] = [];
    for (const item of items) {
      if (!item.batch) {
        loose.push(...item.deadLetters);
        continue;
      }
      const key = batchKey(item.batch.projectId, item.batch.sessionId, item.batch.seq);
      const original = first.get(key);
      if (original) {
        followers.push([item, original]);
        continue;
      }
      first.set(key, item);
      batches.push(item.batch);
    }
    let rows: Row[];
    try {
      // One statement is atomic on its own: no BEGIN/COMMIT round trips around it.
      const statement = flushStatement(batches, loose);
      rows = await store.query(statement.sql, statement.params);
    } catch (error) {
      if (items.length > 1 && isDataError(error)) {
        // One poisoned item must not fail the others: write them one by one.
        await Promise.all(items.map((item) => run([item])));
        return;
      }
      options.onError?.(error);
      for (const item of items) item.reject(error);
      return;
    }
    const inserted = new Set(rows.map((r) => batchKey(String(r.p), String(r.s), Number(r.q))));
    totals.flushes++;
    for (const [key, item] of first) {
      const isNew = inserted.has(key);
      if (isNew && item.batch) {
        totals.batches++;
        totals.events += item.batch.events.length;
      }
      item.resolve({ duplicate: !isNew });
    }
    for (const [item] of followers) item.resolve({ duplicate: true });
    for (const item of items) if (!item.batch) item.resolve({ duplicate: false });
  }

  function schedule(): void {
    if (queue.length === 0 || inflight >= concurrency) return;
    if (queue.length >= maxBatches) {
      flushNow();
      return;
    }
    if (maxDelayMs > 0) timer ??= setTimeout(flushNow, maxDelayMs);
    else immediate ??= setImmediate(flushNow);
  }

  function flushNow(): void {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (immediate) {
      clearImmediate(immediate);
      immediate = undefined;
    }
    if (queue.length === 0 || inflight >= concurrency) return;
    const items = queue.slice(0, maxBatches);
    queue = queue.slice(items.length);
    inflight++;
    run(items).finally(() => {
      inflight--;
      if (queue.length > 0) flushNow();
      else if (inflight === 0) for (const done of idle.splice(0)) done();
    });
  }

  function enqueue(batch: AcceptedBatch | null, deadLetters: DlqEntry[]): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      queue.push({ batch, deadLetters, resolve, reject });
      schedule();
    });
  }

  return {
    write: (batch) => enqueue(batch, []),
    async writeDeadLetters(entries) {
      if (entries.length > 0) await enqueue(null, entries);
    },
    async drain() {
      while (queue.length > 0 || inflight > 0) {
        const waited = new Promise<void>((resolve) => idle.push(resolve));
        flushNow();
        await waited;
      }
    },
    stats: () => ({ ...totals, pending: queue.length, inflight }),
  };
}

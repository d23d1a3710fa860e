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
import { randomUUID } from 'node:crypto';
import { foldBatches, rollupCtes, ROLLUPS, type FoldContext } from '../aggregates/index.js';
import { DEFAULT_VOXEL_MM } from '../aggregates/heatmaps.js';
import { summariseBatch, MAX_STEPS_CHARS } from '../aggregates/session-summary.js';
import { classifyTrafficSource, TRAFFIC_RULES_VERSION } from '../aggregates/traffic-source.js';
import type { Row, SqlStatement, Store } from '../storage/types.js';
import { encodeChunk } from '../streams/chunk-codec.js';
import type { AcceptedBatch, DlqEntry, DropCounts, LooseDrops } from './types.js';

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
  /** Resolves once drops of events that belong to no stored batch (a bot's) are counted. */
  recordDrops(drops: LooseDrops): Promise<void>;
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
  /** `ENABLE_RAW_SESSION_RETENTION`: also store each new batch's events as a stream chunk (default false). */
  rawStreams?: boolean;
  /**
   * Called after each commit with the batches it stored (new ones only), e.g. for live presence
   * and live follow. Must not throw; it runs after the requests were answered.
   */
  onCommitted?: (batches: readonly AcceptedBatch[]) => void;
}

interface Pending {
  batch: AcceptedBatch | null;
  deadLetters: DlqEntry[];
  drops: LooseDrops | null;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Session context columns: JSON field of the input row → column of `sessions`. */
const CONTEXT_COLUMNS = [
  ['u', 'url'],
  ['ro', 'referrer_origin'],
  ['g', 'gpu_class'],
  ['l', 'lang'],
  ['b', 'browser'],
  ['o', 'os'],
  ['dv', 'device_type'],
  ['c', 'country'],
] as const;

/** Traffic-source columns: JSON field of the input row → column of `sessions` → SQL type. */
const SOURCE_COLUMNS = [
  ['ts', 'source', 'text'],
  ['tm', 'medium', 'text'],
  ['tc', 'campaign', 'text'],
  ['tf', 'source_confidence', 'text'],
  ['tr', 'source_rule', 'text'],
  ['tv', 'source_rules_version', 'int'],
] as const;

/**
 * SQLSTATE raised by `vantage_all_batches_new` (migration 0006) when a flush's ledger insert
 * skipped a batch already stored: the rollup rows, folded for the whole flush, would count it
 * twice, so the statement is abandoned and the flush is run again without that batch.
 */
export const RETRIED_BATCH_SQLSTATE = 'VT001';

/** The first non-null value of a column among a session's batches in one flush, by seq. */
const firstBySeq = (field: string) => `(array_agg(x.${field} ORDER BY x.q) FILTER (WHERE x.${field} IS NOT NULL))[1]`;
const lastBySeq = (field: string) => `(array_agg(x.${field} ORDER BY x.q DESC) FILTER (WHERE x.${field} IS NOT NULL))[1]`;

/**
 * The one statement of a flush. Its parameters are folded in the collector as if every batch
 * were new, and the statement only succeeds when they all were: the guard at its end
 * (`vantage_all_batches_new`) compares the batches the ledger (`ins`) really took with the
 * batches sent, and abandons the whole statement when one was already stored. So a retried batch
 * adds nothing to the rollups, the session rows, the identity links, the monthly usage, the drop
 * counts or the DLQ, and no part of the statement needs to look into `ins`. Batches of one
 * session in one flush are folded into one session row first (an upsert may not touch a row
 * twice in one statement). The rows travel as JSON read by `json_to_recordset` (parsed as it is
 * read; `jsonb` would build a tree first).
 *
 * The rollup rows (`event_counts_hourly`, `usage_monthly`) are the same few rows for every
 * flush of a project, and a session's row is shared by its consecutive batches, so concurrent
 * flushes queue on these row locks until commit: they are updated last (PostgreSQL runs
 * data-modifying CTEs the main query does not read in the order they are written), so a flush
 * holds them for as short a time as possible.
 *
 * A new session takes the visit's hash of the previous salt period when that hash was seen in
 * the last 30 minutes (a visit spanning a rotation is not split); a known session keeps the hash
 * it started with.
 */
function flushSql(rollups: readonly string[], expectedParam: number): string {
  return `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS x(p uuid, s text, q int, sc text, n int, d int, mo bigint)
), ins AS (
  INSERT INTO ingest_batches (project_id, session_id, seq, scene_id, events, dropped)
  SELECT p, s, q, sc, n, d FROM input ORDER BY p, s, q
  ON CONFLICT DO NOTHING
  RETURNING project_id, session_id, seq
), letters AS (
  INSERT INTO dlq (project_id, id, reason, detail, content_type, session_id, seq, event_index, envelope, payload)
  SELECT l.p, l.id, l.r, l.dt, l.ct, l.s, l.q, l.i, l.e, decode(l.b, 'base64')
  FROM json_to_recordset($3::json) AS l(p uuid, id uuid, r text, dt text, ct text, s text, q int, i int, e jsonb, b text)
  RETURNING 1
), sx AS (
  SELECT x.p, x.s, ${firstBySeq('sc')} AS sc, ${firstBySeq('m')} AS m, min(x.at) AS first_at, max(x.at) AS last_at,
    ${firstBySeq('v')} AS v, ${firstBySeq('vp')} AS vp, ${lastBySeq('ih')} AS ih,
    ${CONTEXT_COLUMNS.map(([f]) => `${firstBySeq(f)} AS ${f}`).join(', ')},
    ${lastBySeq('an')} AS an, ${lastBySeq('us')} AS us, count(*)::int AS nb, sum(x.n)::int AS ne,
    min(x.fe) AS fe, max(x.le) AS le, max(x.du) AS du, sum(x.ck)::int AS ck, sum(x.pk)::int AS pk, sum(x.cu)::int AS cu,
    sum(x.er)::int AS er, string_agg(x.st, E'\n' ORDER BY x.q) FILTER (WHERE x.st <> '') AS st,
    ${SOURCE_COLUMNS.map(([f]) => `${firstBySeq(f)} AS ${f}`).join(', ')}
  FROM json_to_recordset($4::json) AS x(p uuid, s text, q int, sc text, m text, at bigint, v text, vp text, ih text,
    ${CONTEXT_COLUMNS.map(([f]) => `${f} text`).join(', ')}, an text, us text, n int,
    fe bigint, le bigint, du int, ck int, pk int, cu int, er int, st text,
    ${SOURCE_COLUMNS.map(([f, , t]) => `${f} ${t}`).join(', ')})
  GROUP BY x.p, x.s
), links AS (
  INSERT INTO identity_links (project_id, session_id, anonymous_id, user_id)
  SELECT DISTINCT k.p, k.s, COALESCE(k.an, ''), COALESCE(k.us, '')
  FROM json_to_recordset($4::json) AS k(p uuid, s text, q int, an text, us text)
  WHERE k.an IS NOT NULL OR k.us IS NOT NULL
  ON CONFLICT DO NOTHING
  RETURNING 1
), drops AS (
  INSERT INTO drops_daily (project_id, day, reason, events)
  SELECT d.p, to_timestamp(d.dy), d.r, sum(d.n)
  FROM json_to_recordset($5::json) AS d(p uuid, s text, q int, dy bigint, r text, n int)
  GROUP BY d.p, d.dy, d.r ORDER BY d.p, d.dy, d.r
  ON CONFLICT (project_id, day, reason)
  DO UPDATE SET events = drops_daily.events + excluded.events
  RETURNING 1
), sess AS (
  INSERT INTO sessions (project_id, id, scene_id, privacy_mode, started_at, last_seen_at, visitor_hash, ip_hash,
    ${CONTEXT_COLUMNS.map(([, c]) => c).join(', ')}, anonymous_id, user_id, batches, events,
    first_event_ms, last_event_ms, ended_duration_ms, clicks, picks, custom_events, errors, steps,
    ${SOURCE_COLUMNS.map(([, c]) => c).join(', ')})
  SELECT sx.p, sx.s, sx.sc, sx.m, to_timestamp(sx.first_at / 1000.0), to_timestamp(sx.last_at / 1000.0),
    COALESCE((SELECT o.visitor_hash FROM sessions o
              WHERE sx.vp IS NOT NULL AND o.project_id = sx.p AND o.visitor_hash = sx.vp
                AND o.last_seen_at > to_timestamp(sx.first_at / 1000.0) - interval '30 minutes'
              LIMIT 1), sx.v),
    sx.ih, ${CONTEXT_COLUMNS.map(([f]) => `sx.${f}`).join(', ')}, sx.an, sx.us, sx.nb, sx.ne,
    sx.fe, sx.le, COALESCE(sx.du, 0), sx.ck, sx.pk, sx.cu, sx.er, left(COALESCE(sx.st, ''), ${MAX_STEPS_CHARS}),
    ${SOURCE_COLUMNS.map(([f]) => `sx.${f}`).join(', ')}
  FROM sx ORDER BY sx.p, sx.s
  ON CONFLICT (project_id, id) DO UPDATE SET
    started_at = least(sessions.started_at, excluded.started_at),
    last_seen_at = greatest(sessions.last_seen_at, excluded.last_seen_at),
    ip_hash = COALESCE(excluded.ip_hash, sessions.ip_hash),
    ${CONTEXT_COLUMNS.map(([, c]) => `${c} = COALESCE(sessions.${c}, excluded.${c})`).join(',\n    ')},
    anonymous_id = COALESCE(excluded.anonymous_id, sessions.anonymous_id),
    user_id = COALESCE(excluded.user_id, sessions.user_id),
    batches = sessions.batches + excluded.batches,
    events = sessions.events + excluded.events,
    first_event_ms = least(sessions.first_event_ms, excluded.first_event_ms),
    last_event_ms = greatest(sessions.last_event_ms, excluded.last_event_ms),
    ended_duration_ms = greatest(sessions.ended_duration_ms, excluded.ended_duration_ms),
    clicks = sessions.clicks + excluded.clicks,
    picks = sessions.picks + excluded.picks,
    custom_events = sessions.custom_events + excluded.custom_events,
    errors = sessions.errors + excluded.errors,
    steps = CASE WHEN excluded.steps = '' THEN sessions.steps WHEN sessions.steps = '' THEN excluded.steps
                 ELSE left(sessions.steps || E'\n' || excluded.steps, ${MAX_STEPS_CHARS}) END,
    ${SOURCE_COLUMNS.map(([, c]) => `${c} = COALESCE(sessions.${c}, excluded.${c})`).join(',\n    ')}
  RETURNING 1
), counts AS (
  INSERT INTO event_counts_hourly (project_id, scene_id, hour, type, events)
  SELECT c.p, c.sc, to_timestamp(c.h::double precision * 3600), c.ty, c.n
  FROM json_to_recordset($2::json) AS c(p uuid, sc text, h int, ty text, n int)
  ORDER BY c.p, c.sc, c.h, c.ty
  ON CONFLICT (project_id, scene_id, hour, type)
  DO UPDATE SET events = event_counts_hourly.events + excluded.events
  RETURNING 1
), usage AS (
  INSERT INTO usage_monthly (project_id, month, events, batches)
  SELECT i.p, to_timestamp(i.mo), sum(i.n), count(*)
  FROM input i
  GROUP BY i.p, i.mo ORDER BY i.p, i.mo
  ON CONFLICT (project_id, month)
  DO UPDATE SET events = usage_monthly.events + excluded.events, batches = usage_monthly.batches + excluded.batches
  RETURNING 1
), chunks AS (
  INSERT INTO session_chunks (project_id, session_id, seq, scene_id, start_ms, end_ms, events, data)
  SELECT k.p, k.s, k.q, k.sc, k.a, k.z, k.n, decode(k.b, 'base64')
  FROM json_to_recordset($7::json) AS k(p uuid, s text, q int, sc text, a bigint, z bigint, n int, b text)
  ORDER BY k.p, k.s, k.q
  ON CONFLICT DO NOTHING
  RETURNING 1
)${rollups.map((cte) => `, ${cte}`).join('')}
SELECT ins.project_id AS p, ins.session_id AS s, ins.seq AS q
FROM (SELECT vantage_all_batches_new((SELECT count(*) FROM ins)::int, $${expectedParam}::int)) AS guard(ok)
LEFT JOIN ins ON true`;
}

/** Start of the UTC month of `ms`, in epoch seconds. */
export function monthStartSeconds(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
}

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

function dropRows(out: Record<string, unknown>[], projectId: string, at: number, counts: DropCounts, batch?: AcceptedBatch): void {
  const dy = Math.floor(at / DAY_MS) * 86_400;
  for (const [r, n] of Object.entries(counts)) {
    if (n) out.push({ p: projectId, s: batch?.sessionId ?? null, q: batch?.seq ?? null, dy, r, n });
  }
}

function sessionRow(b: AcceptedBatch): Record<string, unknown> | null {
  const u = b.session;
  if (!u) return null;
  const c = u.context;
  const summary = summariseBatch(b.events, b.sceneId, b.events.some((e) => e.type === 'session_start') || b.enteredScene === true);
  const row: Record<string, unknown> = {
    p: b.projectId, s: b.sessionId, q: b.seq, sc: b.sceneId, m: u.privacyMode, at: b.receivedAt,
    v: u.visitorHash, vp: u.previousVisitorHash, ih: u.ipHash,
    u: c.url, ro: c.referrerOrigin, g: c.gpuClass, l: c.lang, b: c.browser, o: c.os, dv: c.deviceType, c: c.country,
    an: u.anonymousId, us: u.userId, n: b.events.length,
    // A batch whose events were all dropped says nothing of the session's span.
    fe: b.events.length > 0 ? summary.firstMs : null, le: b.events.length > 0 ? summary.lastMs : null, du: summary.endedDurationMs || null, ck: summary.clicks, pk: summary.picks,
    cu: summary.customEvents, er: summary.errors, st: summary.steps || null,
  };
  const source = sourceOf(b);
  if (source) {
    Object.assign(row, { ts: source.source, tm: source.medium, tc: source.campaign, tf: source.confidence, tr: source.rule, tv: TRAFFIC_RULES_VERSION });
  }
  // Absent keys read as null in json_to_recordset: a later batch of a session sends a few bytes.
  for (const key in row) if (row[key] === null || row[key] === undefined) delete row[key];
  return row;
}

/** The traffic source of a batch that starts its session (and says where it came from). */
function sourceOf(b: AcceptedBatch) {
  if (!b.session || !b.events.some((e) => e.type === 'session_start')) return null;
  const c = b.session.context;
  return classifyTrafficSource({ url: c.url ?? null, referrerOrigin: c.referrerOrigin ?? null });
}

/** What the aggregates need to know of a batch besides its events. */
function foldContext(b: AcceptedBatch): FoldContext {
  const f = b.fold;
  return {
    projectId: b.projectId,
    sceneId: b.sceneId,
    sessionId: b.sessionId,
    receivedAt: b.receivedAt,
    deviceType: f?.deviceType ?? '',
    browser: f?.browser ?? '',
    voxelMm: f?.voxelMm ?? DEFAULT_VOXEL_MM,
    visitorHash: b.session?.visitorHash ?? '',
    visitorHashTtlMs: f?.visitorHashTtlMs ?? DAY_MS,
    source: sourceOf(b),
  };
}

/** Every rollup, in table-name order: the order their upserts take rows' locks in. */
const FLUSH_ROLLUPS = [...ROLLUPS].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));

/**
 * The flush statement, one text for every flush: a rollup without rows gets an empty array.
 * PostgreSQL then parses it once per connection and, after a few runs, reuses one plan instead
 * of planning a statement of some twenty CTEs again for every flush.
 */
const FLUSH_SQL = flushSql(rollupCtes(FLUSH_ROLLUPS.map((rollup) => ({ rollup })), 8), 6);

/**
 * Build the flush statement for a set of distinct batches, loose dead letters and loose drops;
 * with `rawStreams`, each new batch's events are also stored as a chunk of its session's stream.
 */
export function flushStatement(batches: readonly AcceptedBatch[], looseLetters: readonly DlqEntry[], looseDrops: readonly LooseDrops[] = [], rawStreams = false): SqlStatement {
  const input: Record<string, unknown>[] = [];
  // Events per (project, scene, hour, type) over the whole flush: every batch in it is new (the guard).
  const counts = new Map<string, { p: string; sc: string; h: number; ty: string; n: number }>();
  const letters: Record<string, unknown>[] = [];
  const sessions: Record<string, unknown>[] = [];
  const drops: Record<string, unknown>[] = [];
  const perType = new Map<number, Map<string, number>>();
  for (const b of batches) {
    input.push({ p: b.projectId, s: b.sessionId, q: b.seq, sc: b.sceneId, n: b.events.length, d: b.dropped, mo: monthStartSeconds(b.receivedAt) });
    const session = sessionRow(b);
    if (session) {
      // A flat row of strings and numbers: only its string values can hold a NUL.
      for (const key in session) {
        const value = session[key];
        if (typeof value === 'string' && value.includes('\u0000')) session[key] = withoutNul(value);
      }
      sessions.push(session);
    }
    dropRows(drops, b.projectId, b.receivedAt, b.dropCounts, b);
    // Events per (hour, type): a batch's events almost always share one hour.
    perType.clear();
    let hour = NaN;
    let types: Map<string, number> | undefined;
    for (const e of b.events) {
      const h = Math.floor(e.t / HOUR_MS);
      if (h !== hour || types === undefined) {
        hour = h;
        types = perType.get(h) ?? new Map<string, number>();
        perType.set(h, types);
      }
      types.set(e.type, (types.get(e.type) ?? 0) + 1);
    }
    for (const [h, byType] of perType) {
      for (const [ty, n] of byType) {
        const key = `${b.projectId}\u0000${b.sceneId}\u0000${h}\u0000${ty}`;
        const row = counts.get(key);
        if (row) row.n += n;
        else counts.set(key, { p: b.projectId, sc: b.sceneId, h, ty, n });
      }
    }
    for (const l of b.deadLetters) letters.push(letterRow(l));
  }
  for (const l of looseLetters) letters.push(letterRow({ ...l, sessionId: undefined, seq: undefined }));
  for (const d of looseDrops) dropRows(drops, d.projectId, d.at, d.counts);
  // Rollups are folded for the whole flush, as if every batch were new; the guard in the
  // statement abandons it when one was not (see RETRIED_BATCH_SQLSTATE).
  const payloads = foldBatches(batches.map((batch) => ({ batch, ctx: foldContext(batch) }))).payloads();
  const chunks: Record<string, unknown>[] = [];
  if (rawStreams) {
    for (const b of batches) {
      if (b.events.length === 0) continue;
      const chunk = encodeChunk(b.sessionId, b.seq, b.sceneId, b.events);
      chunks.push({ p: b.projectId, s: b.sessionId, q: b.seq, sc: b.sceneId, a: chunk.startMs, z: chunk.endMs, n: chunk.events, b: chunk.data.toString('base64') });
    }
  }
  const rollupJson = new Map(payloads.map((p) => [p.rollup, p.json]));
  for (const rollup of rollupJson.keys()) if (!FLUSH_ROLLUPS.includes(rollup)) throw new Error(`rollup ${rollup.table} is not in ROLLUPS`);
  return {
    sql: FLUSH_SQL,
    params: [
      JSON.stringify(input), JSON.stringify([...counts.values()]), JSON.stringify(letters), JSON.stringify(sessions), JSON.stringify(drops),
      batches.length, JSON.stringify(chunks), ...FLUSH_ROLLUPS.map((r) => rollupJson.get(r) ?? '[]'),
    ],
  };
}

/** Times a flush is tried again after its guard found batches already stored. */
const MAX_GUARD_RETRIES = 5;

function isRetriedBatch(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === RETRIED_BATCH_SQLSTATE;
}

/** Keys of those of `batches` the ledger already holds. */
async function storedBatchKeys(store: Store, batches: readonly AcceptedBatch[]): Promise<string[]> {
  const rows = await store.query(
    `SELECT b.project_id AS p, b.session_id AS s, b.seq AS q FROM ingest_batches b
       JOIN jsonb_to_recordset($1::jsonb) AS x(p uuid, s text, q int) ON b.project_id = x.p AND b.session_id = x.s AND b.seq = x.q`,
    [JSON.stringify(batches.map((b) => ({ p: b.projectId, s: b.sessionId, q: b.seq })))],
  );
  return rows.map((r) => batchKey(String(r.p), String(r.s), Number(r.q)));
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
    const looseDrops: LooseDrops[] = [];
    for (const item of items) {
      if (!item.batch) {
        loose.push(...item.deadLetters);
        if (item.drops) looseDrops.push(item.drops);
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
    let rows: Row[] | undefined;
    // Batches found already stored after the guard abandoned a flush: left out of the next try.
    const stored = new Set<string>();
    for (let attempt = 0; rows === undefined; attempt++) {
      try {
        // One statement is atomic on its own: no BEGIN/COMMIT round trips around it.
        const fresh = stored.size === 0 ? batches : batches.filter((b) => !stored.has(batchKey(b.projectId, b.sessionId, b.seq)));
        const statement = flushStatement(fresh, loose, looseDrops, options.rawStreams === true);
        rows = await store.query(statement.sql, statement.params);
      } catch (error) {
        if (isRetriedBatch(error) && attempt < MAX_GUARD_RETRIES) {
          try {
            for (const key of await storedBatchKeys(store, batches)) stored.add(key);
            continue;
          } catch (lookupError) {
            error = lookupError;
          }
        }
        if (items.length > 1 && isDataError(error)) {
          // One poisoned item must not fail the others: write them one by one.
          await Promise.all(items.map((item) => run([item])));
          return;
        }
        options.onError?.(error);
        for (const item of items) item.reject(error);
        return;
      }
    }
    const inserted = new Set(rows.filter((r) => r.p !== null).map((r) => batchKey(String(r.p), String(r.s), Number(r.q))));
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
    if (options.onCommitted) {
      const stored: AcceptedBatch[] = [];
      for (const [key, item] of first) if (item.batch && inserted.has(key)) stored.push(item.batch);
      if (stored.length > 0) {
        try {
          options.onCommitted(stored);
        } catch (error) {
          options.onError?.(error);
        }
      }
    }
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

  function enqueue(batch: AcceptedBatch | null, deadLetters: DlqEntry[], drops: LooseDrops | null = null): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      queue.push({ batch, deadLetters, drops, resolve, reject });
      schedule();
    });
  }

  // The scene each recent session was last seen in, so a change of scene becomes a funnel step.
  const lastScene = new Map<string, string>();
  return {
    write(batch) {
      const session = `${batch.projectId}\u0000${batch.sessionId}`;
      const previous = lastScene.get(session);
      if (previous !== undefined && previous !== batch.sceneId) batch.enteredScene = true;
      if (previous === undefined && lastScene.size >= 50_000) lastScene.delete(lastScene.keys().next().value as string);
      lastScene.set(session, batch.sceneId);
      return enqueue(batch, []);
    },
    async writeDeadLetters(entries) {
      if (entries.length > 0) await enqueue(null, entries);
    },
    async recordDrops(drops) {
      if (Object.values(drops.counts).some((n) => n)) await enqueue(null, [], drops);
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

/**
 * `replayDeadLetters`: re-run chosen dead letters of one project through the current pipeline
 * and make the accepted ones durable, each counted at most once (see `mark-replayed.ts`).
 * Entries that are still refused stay in the DLQ, unmarked, with the reason. Entries of other
 * projects are reported as not found. Every call writes one `dlq.replay` audit row.
 *
 * Payloads are read in chunks of at most {@link CHUNK_BYTES} (a whole-body entry can be as large
 * as a request body), so replaying 500 large entries does not hold them all in memory.
 */
import type { CaptureFlags, WireValidators } from '@vantage/sdk-core/schema';
import type { PrivacyMode } from '../config.js';
import type { DropCounts } from '../ingest/types.js';
import type { WriteBuffer } from '../ingest/write-buffer.js';
import { storeErrorOf } from '../storage/errors.js';
import type { SqlStatement, Store } from '../storage/types.js';
import { auditStatement, type Actor } from '../tenants/audit.js';
import { checkBodyEntry, checkEventEntry, type AcceptedBody, type SceneCapture, type StoredDeadLetter } from './check-entry.js';
import { markAndCountStatement, markBodiesStatement, type EventToCount } from './mark-replayed.js';

/** Most entries one replay call takes. */
export const MAX_REPLAY_IDS = 500;

/** Payload bytes read at once. */
export const CHUNK_BYTES = 8 * 1024 * 1024;

/** What replay needs from the collector (the app's deps provide it). */
export interface ReplayDeps {
  store: Store;
  buffer: WriteBuffer;
  validators: WireValidators;
  tenants: {
    scene(projectId: string, sceneId: string): Promise<{ capture: CaptureFlags }>;
    project(projectId: string): Promise<{ privacyMode: PrivacyMode } | null>;
  };
}

/** An entry the current pipeline still refuses. */
export interface StillInvalidEntry {
  id: string;
  reason: string;
  detail: string;
}

/** The outcome of one replay call (the body of `200` on `POST /api/v1/dlq/replay`). */
export interface ReplayOutcome {
  /** Entries accepted and marked by this call. */
  replayed: number;
  /** Entries refused again; they stay in the DLQ unmarked. */
  stillInvalid: StillInvalidEntry[];
  /** Entries marked before (by an earlier or a concurrent replay); nothing was added for them. */
  alreadyReplayed: string[];
  /** Ids with no entry in this project. */
  notFound: string[];
  /** Events dropped inside whole-body entries that were accepted (the invalid ones are new DLQ entries). */
  dropped: DropCounts;
}

/** A write-buffer failure: the store did not take the batch, nothing was acknowledged. */
export class ReplayWriteError extends Error {
  override readonly name = 'ReplayWriteError';
}

interface EntryMeta extends Record<string, unknown> {
  id: string;
  replayed: boolean;
  bytes: number;
}

interface EntryRow extends Record<string, unknown> {
  id: string;
  received_at: Date;
  content_type: string;
  event_index: number | null;
  envelope: Record<string, unknown> | null;
  payload: Uint8Array;
  replayed_at: Date | null;
}

const IDS_PARAM = 'SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb)';
const META_SQL = `SELECT id, replayed_at IS NOT NULL AS replayed, octet_length(payload) AS bytes
  FROM dlq WHERE project_id = $1::uuid AND id IN (${IDS_PARAM})`;
const LOAD_SQL = `SELECT id, received_at, content_type, event_index, envelope, payload, replayed_at
  FROM dlq WHERE project_id = $1::uuid AND id IN (${IDS_PARAM})`;

/** Chunks of ids whose payloads together stay under {@link CHUNK_BYTES} (one large entry alone is allowed). */
function chunksOf(entries: readonly EntryMeta[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length > 0 && bytes + Number(entry.bytes) > CHUNK_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry.id);
    bytes += Number(entry.bytes);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function addDropped(into: DropCounts, from: DropCounts): void {
  for (const [reason, n] of Object.entries(from) as Array<[keyof DropCounts, number]>) into[reason] = (into[reason] ?? 0) + n;
}

/** Run a statement, once more if the database broke a deadlock with it (nothing was applied). */
async function runRetryingDeadlock(store: Store, statement: SqlStatement): Promise<Array<{ id: string }>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.query<{ id: string }>(statement.sql, statement.params);
    } catch (error) {
      if (attempt >= 3 || storeErrorOf(error)?.code !== '40P01') throw error;
    }
  }
}

function toStored(row: EntryRow): StoredDeadLetter {
  return { id: row.id, receivedAt: row.received_at, contentType: row.content_type, eventIndex: row.event_index, envelope: row.envelope, payload: row.payload };
}

/** Replay one chunk of entries of `projectId`; adds to `outcome`. */
async function replayChunk(deps: ReplayDeps, projectId: string, ids: readonly string[], outcome: ReplayOutcome): Promise<void> {
  const rows = await deps.store.query<EntryRow>(LOAD_SQL, [projectId, JSON.stringify(ids)]);
  const capture: SceneCapture = async (project, scene) => (await deps.tenants.scene(project, scene)).capture;
  // Replayed events are minimised like fresh ones; a project that is gone gets the strictest mode.
  const privacyMode = (await deps.tenants.project(projectId))?.privacyMode ?? 'paranoid';
  const events: EventToCount[] = [];
  const bodies: Array<{ id: string; accepted: AcceptedBody }> = [];
  // Pruned since the first look: gone, so not found.
  const loaded = new Set(rows.map((r) => r.id));
  for (const id of ids) if (!loaded.has(id)) outcome.notFound.push(id);
  for (const row of rows) {
    if (row.replayed_at) {
      outcome.alreadyReplayed.push(row.id);
      continue;
    }
    const entry = toStored(row);
    const checked = entry.eventIndex === null
      ? await checkBodyEntry(entry, projectId, deps.validators, capture, privacyMode)
      : await checkEventEntry(entry, projectId, deps.validators, capture, privacyMode);
    if (!checked.ok) outcome.stillInvalid.push({ id: row.id, reason: checked.reason, detail: checked.detail });
    else if ('event' in checked) events.push({ id: row.id, event: checked.event, sceneId: checked.sceneId, sessionId: checked.sessionId, seq: checked.seq });
    else bodies.push({ id: row.id, accepted: checked });
  }

  if (events.length > 0) {
    const marked = new Set((await runRetryingDeadlock(deps.store, markAndCountStatement(projectId, events))).map((r) => r.id));
    outcome.replayed += marked.size;
    for (const e of events) if (!marked.has(e.id)) outcome.alreadyReplayed.push(e.id);
  }

  if (bodies.length > 0) {
    // The ledger makes these writes safe to repeat: a batch already stored is acknowledged as a
    // duplicate and adds nothing. Only then is the entry marked.
    const results = await Promise.all(bodies.map((b) => deps.buffer.write(b.accepted.batch))).catch((error: unknown) => {
      throw new ReplayWriteError('the store did not take the replayed batches', { cause: error });
    });
    results.forEach((result, i) => {
      const accepted = bodies[i]?.accepted;
      if (accepted && !result.duplicate) addDropped(outcome.dropped, accepted.dropped);
    });
    const marked = new Set((await runRetryingDeadlock(deps.store, markBodiesStatement(projectId, bodies.map((b) => b.id)))).map((r) => r.id));
    outcome.replayed += marked.size;
    for (const b of bodies) if (!marked.has(b.id)) outcome.alreadyReplayed.push(b.id);
  }
}

/**
 * Replay the entries `ids` (distinct lower-case uuids, at most {@link MAX_REPLAY_IDS}) of `projectId`, on
 * behalf of `actor`, and write the `dlq.replay` audit row.
 */
export async function replayDeadLetters(deps: ReplayDeps, projectId: string, actor: Actor, ids: readonly string[]): Promise<ReplayOutcome> {
  const outcome: ReplayOutcome = { replayed: 0, stillInvalid: [], alreadyReplayed: [], notFound: [], dropped: {} };
  const meta = await deps.store.query<EntryMeta>(META_SQL, [projectId, JSON.stringify(ids)]);
  const found = new Map(meta.map((m) => [m.id, m]));
  const pending: EntryMeta[] = [];
  for (const id of ids) {
    const entry = found.get(id);
    if (!entry) outcome.notFound.push(id);
    else if (entry.replayed) outcome.alreadyReplayed.push(entry.id);
    else pending.push(entry);
  }
  for (const chunk of chunksOf(pending)) await replayChunk(deps, projectId, chunk, outcome);

  const audit = auditStatement(projectId, actor, 'dlq.replay', 'dlq', {
    requested: ids.length,
    replayed: outcome.replayed,
    stillInvalid: outcome.stillInvalid.map(({ id, reason }) => ({ id, reason })),
    alreadyReplayed: outcome.alreadyReplayed,
    notFound: outcome.notFound,
    dropped: outcome.dropped,
    ids,
  });
  await deps.store.query(audit.sql, audit.params);
  return outcome;
}

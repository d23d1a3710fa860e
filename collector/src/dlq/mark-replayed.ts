/**
 * Marking replayed dead letters, atomically with what the replay adds, so an entry is counted at
 * most once however many replays of it run, in however many collector processes.
 *
 * A per-event entry belongs to a batch the dedup ledger already holds (the rest of the batch was
 * accepted), so it cannot go through the write buffer again. One statement marks the entries
 * that are still unmarked (`replayed_at IS NULL`) and adds to the hourly rollup and to the
 * ledger row of their batch only for the rows it marked: a second replay, even one that raced the
 * first and waited on its row locks, re-reads `replayed_at`, marks nothing and adds nothing.
 *
 * A whole-body entry is written through the write buffer like a fresh request (the ledger
 * dedups it by session and sequence number); {@link markBodiesStatement} then marks it.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { SqlStatement } from '../storage/types.js';

const HOUR_MS = 3_600_000;

/** A per-event entry to mark, with the event it adds. */
export interface EventToCount {
  id: string;
  event: VantageEvent;
  sceneId: string;
  sessionId: string;
  seq: number;
}

const MARK_AND_COUNT_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, sc text, h int, ty text, s text, q int)
), marked AS (
  UPDATE dlq SET replayed_at = now()
  WHERE dlq.project_id = $1::uuid AND dlq.replayed_at IS NULL AND dlq.event_index IS NOT NULL
    AND dlq.id IN (SELECT id FROM input)
  RETURNING dlq.id
), counts AS (
  INSERT INTO event_counts_hourly (project_id, scene_id, hour, type, events)
  SELECT $1::uuid, i.sc, to_timestamp(i.h::double precision * 3600), i.ty, count(*)
  FROM input i JOIN marked m ON m.id = i.id
  GROUP BY i.sc, i.h, i.ty
  ORDER BY i.sc, i.h, i.ty
  ON CONFLICT (project_id, scene_id, hour, type)
  DO UPDATE SET events = event_counts_hourly.events + excluded.events
  RETURNING 1
), ledger AS (
  UPDATE ingest_batches AS b SET events = b.events + x.n, dropped = greatest(b.dropped - x.n, 0)
  FROM (SELECT i.s, i.q, count(*)::int AS n FROM input i JOIN marked m ON m.id = i.id GROUP BY i.s, i.q) AS x
  WHERE b.project_id = $1::uuid AND b.session_id = x.s AND b.seq = x.q
  RETURNING 1
)
SELECT id FROM marked`;

/**
 * The statement that marks per-event entries and counts their events (distinct ids, one
 * project); it returns the ids it marked — the others had been marked already.
 */
export function markAndCountStatement(projectId: string, entries: readonly EventToCount[]): SqlStatement {
  const input = entries.map((e) => ({
    id: e.id,
    sc: e.sceneId,
    h: Math.floor(e.event.t / HOUR_MS),
    ty: e.event.type,
    s: e.sessionId,
    q: e.seq,
  }));
  return { sql: MARK_AND_COUNT_SQL, params: [projectId, JSON.stringify(input)] };
}

const MARK_BODIES_SQL = `
UPDATE dlq SET replayed_at = now()
WHERE project_id = $1::uuid AND replayed_at IS NULL AND event_index IS NULL
  AND id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))
RETURNING id`;

/**
 * The statement that marks whole-body entries whose batch is now durable (written, or found in
 * the ledger already); it returns the ids it marked.
 */
export function markBodiesStatement(projectId: string, ids: readonly string[]): SqlStatement {
  return { sql: MARK_BODIES_SQL, params: [projectId, JSON.stringify(ids)] };
}

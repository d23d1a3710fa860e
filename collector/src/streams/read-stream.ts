/**
 * Reading one session's raw stream (only with `ENABLE_RAW_SESSION_RETENTION=true`): the chunks
 * that overlap a time range, decoded and merged in time order. A range reads only its chunks,
 * never the whole session.
 */
import type { VantageEvent, WireValidators } from '@vantage/sdk-core/schema';
import type { Store } from '../storage/types.js';
import { decodeChunk } from './chunk-codec.js';

/** A session's stream as the API answers it (and the replay viewer plays it). */
export interface SessionStream {
  session: { id: string; scene: string; startedAt: string };
  events: VantageEvent[];
}

/** A time range, epoch ms, both ends inclusive; either may be open. */
export interface StreamRange {
  fromMs?: number | undefined;
  toMs?: number | undefined;
}

/**
 * The session's events in `range`, sorted by time (stable: within one time, in batch order).
 * Null when the project has no such session (no chunk and no summary).
 */
export async function readSessionStream(store: Store, validators: WireValidators, projectId: string, sessionId: string, range: StreamRange = {}): Promise<SessionStream | null> {
  const [chunks, summary] = await Promise.all([
    store.query<{ seq: number; scene_id: string; data: Uint8Array; received_at: Date }>(
      `SELECT seq, scene_id, data, received_at FROM session_chunks
        WHERE project_id = $1 AND session_id = $2 AND end_ms >= $3 AND start_ms <= $4
        ORDER BY seq`,
      [projectId, sessionId, range.fromMs ?? -1, range.toMs ?? Number.MAX_SAFE_INTEGER],
    ),
    store.query<{ scene_id: string; started_at: Date }>('SELECT scene_id, started_at FROM sessions WHERE project_id = $1 AND id = $2', [projectId, sessionId]),
  ]);
  const head = summary[0];
  if (!head && chunks.length === 0) {
    // No chunk in the range may still mean the session exists: tell "empty" from "unknown".
    const any = await store.query('SELECT 1 FROM session_chunks WHERE project_id = $1 AND session_id = $2 LIMIT 1', [projectId, sessionId]);
    if (any.length === 0) return null;
  }
  const events: VantageEvent[] = [];
  for (const chunk of chunks) {
    for (const e of decodeChunk(chunk.data, validators).events) {
      if ((range.fromMs === undefined || e.t >= range.fromMs) && (range.toMs === undefined || e.t <= range.toMs)) events.push(e);
    }
  }
  events.sort((a, b) => a.t - b.t);
  const startedAt = head?.started_at ?? chunks[0]?.received_at ?? new Date(0);
  return {
    session: { id: sessionId, scene: head?.scene_id ?? chunks[0]?.scene_id ?? '', startedAt: new Date(startedAt).toISOString() },
    events,
  };
}

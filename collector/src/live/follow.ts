/**
 * Live follow's reads: whether a session exists in the key's project (a follow of anything else
 * is `not_found`, so another project's session can never be followed), and one committed
 * batch's events, read back from its stream chunk and decoded exactly as the stream endpoint
 * decodes them. Only with `ENABLE_RAW_SESSION_RETENTION=true`: with it off there is no chunk,
 * and the hub refuses a follow before reading anything.
 */
import type { VantageEvent, WireValidators } from '@vantage/sdk-core/schema';
import type { Store } from '../storage/types.js';
import { decodeChunk } from '../streams/chunk-codec.js';
import type { CommittedBatch } from './feed.js';

/** Whether `projectId` has a session `sessionId` (summarised, or with a stream). */
export async function sessionExists(store: Store, projectId: string, sessionId: string): Promise<boolean> {
  // Two single-table reads by project (each routed to one shard on Citus); the second is rare.
  const summarised = await store.query('SELECT 1 FROM sessions WHERE project_id = $1 AND id = $2', [projectId, sessionId]);
  if (summarised.length > 0) return true;
  const streamed = await store.query('SELECT 1 FROM session_chunks WHERE project_id = $1 AND session_id = $2 LIMIT 1', [projectId, sessionId]);
  return streamed.length > 0;
}

/** The events of one committed batch, in time order; null when no chunk was stored for it. */
export async function readBatchEvents(store: Store, validators: WireValidators, batch: CommittedBatch): Promise<VantageEvent[] | null> {
  const rows = await store.query<{ data: Uint8Array }>(
    'SELECT data FROM session_chunks WHERE project_id = $1 AND session_id = $2 AND seq = $3',
    [batch.projectId, batch.sessionId, batch.seq],
  );
  const row = rows[0];
  if (!row) return null;
  return decodeChunk(row.data, validators).events.sort((a, b) => a.t - b.t);
}

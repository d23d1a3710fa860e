/**
 * Test harness (not part of the build): rows inserted by SQL in exactly the shape ingest stores
 * them — `sessions`, `identity_links` (`''` for a missing id), the `ingest_batches` ledger and
 * `dlq` letters — so erasure and isolation tests do not depend on the ingest path.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../storage/types.js';

/** A `sessions` row; the ids are the latest the app supplied (null for none). */
export interface SeedSession {
  id: string;
  anon?: string | null;
  user?: string | null;
  scene?: string;
  /** Any text, e.g. a marker a test looks for in answers. */
  url?: string;
}

/** Insert `sessions` rows. */
export async function insertSessions(store: Store, projectId: string, sessions: readonly SeedSession[]): Promise<void> {
  for (const s of sessions) {
    await store.query(
      `INSERT INTO sessions (project_id, id, scene_id, privacy_mode, started_at, last_seen_at, visitor_hash, url, anonymous_id, user_id, batches, events)
       VALUES ($1, $2, $3, 'standard', now() - interval '1 hour', now(), $4, $5, $6, $7, 2, 20)`,
      [projectId, s.id, s.scene ?? 'seed-scene', 'ab'.repeat(32), s.url ?? 'https://shop.example/', s.anon ?? null, s.user ?? null],
    );
  }
}

/** Insert `identity_links` rows: [session, anonymous id or '', user id or '']. */
export async function insertLinks(store: Store, projectId: string, links: ReadonlyArray<readonly [string, string, string]>): Promise<void> {
  for (const [session, anon, user] of links) {
    await store.query('INSERT INTO identity_links (project_id, session_id, anonymous_id, user_id) VALUES ($1, $2, $3, $4)', [projectId, session, anon, user]);
  }
}

/** Insert one `ingest_batches` row per `seq` of a session. */
export async function insertBatches(store: Store, projectId: string, sessionId: string, seqs: readonly number[] = [0, 1]): Promise<void> {
  for (const seq of seqs) {
    await store.query('INSERT INTO ingest_batches (project_id, session_id, seq, scene_id, events, dropped) VALUES ($1, $2, $3, $4, 10, 1)', [projectId, sessionId, seq, 'seed-scene']);
  }
}

/** A `dlq` row: per event (session, envelope, event index) or whole body (all null). */
export interface SeedLetter {
  sessionId?: string | null;
  eventIndex?: number | null;
  envelope?: Record<string, unknown> | null;
  payload: Uint8Array;
  contentType?: string;
  reason?: string;
  detail?: string;
}

/** Insert `dlq` rows; returns their ids in order. */
export async function insertLetters(store: Store, projectId: string, letters: readonly SeedLetter[]): Promise<string[]> {
  const ids: string[] = [];
  for (const l of letters) {
    const id = randomUUID();
    const perEvent = l.eventIndex !== undefined && l.eventIndex !== null;
    await store.query(
      `INSERT INTO dlq (project_id, id, reason, detail, content_type, session_id, seq, event_index, envelope, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, decode($10, 'base64'))`,
      [
        projectId,
        id,
        l.reason ?? (perEvent ? 'invalid_field' : 'invalid_envelope'),
        l.detail ?? 'seeded',
        l.contentType ?? 'application/msgpack',
        l.sessionId ?? null,
        perEvent ? 0 : null,
        l.eventIndex ?? null,
        l.envelope ? JSON.stringify(l.envelope) : null,
        Buffer.from(l.payload).toString('base64'),
      ],
    );
    ids.push(id);
  }
  return ids;
}

/**
 * Every row of every table that has a `project_id` column (found in the catalogue, so a new
 * table is included without editing this), plus the project's own `projects` row: table name →
 * rows as sorted JSON text. Comparing two snapshots shows any change to the project's data.
 * `ignore` leaves tables out: `rate_buckets` changes with every request the project's own keys
 * make, which tests of "nothing changed" after such requests must not count.
 */
export async function snapshotProject(store: Store, projectId: string, ignore: readonly string[] = []): Promise<Record<string, string[]>> {
  const tables = await store.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name = 'project_id' ORDER BY table_name`,
  );
  const snapshot: Record<string, string[]> = {};
  for (const { table_name: table } of tables) {
    if (ignore.includes(table)) continue;
    const rows = await store.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table}" t WHERE project_id = $1`, [projectId]);
    snapshot[table] = rows.map((r) => r.row).sort();
  }
  const project = await store.query<{ row: string }>('SELECT row_to_json(p)::text AS row FROM projects p WHERE id = $1', [projectId]);
  snapshot.projects = project.map((r) => r.row);
  return snapshot;
}

/**
 * The real collector for browser tests: a fresh store (embedded PGlite or the test PostgreSQL
 * server), the real app on 127.0.0.1 with one project that allows the test page's origin, and
 * read-backs of what was stored.
 */
import { openTestStore, startTestCollector, type Driver, type TestCollector } from '../../../collector/src/testing/harness.js';
import type { Store } from '../../../collector/src/storage/types.js';

/** One stored batch, from the dedup ledger. */
export interface StoredBatch {
  sessionId: string;
  seq: number;
  sceneId: string;
  events: number;
  dropped: number;
}

/** A collector serving browser tests. */
export interface BrowserCollector {
  /** The collector's base URL. */
  url: string;
  pk: string;
  sk: string;
  projectId: string;
  store: Store;
  collector: TestCollector;
  /** Stored events by type (all scenes, or one scene), from the hourly rollup. */
  eventCounts(sceneId?: string): Promise<Record<string, number>>;
  /** Stored events in total (all scenes, or one scene). */
  storedEvents(sceneId?: string): Promise<number>;
  /** Stored batches in arrival order (all scenes, or one scene). */
  batches(sceneId?: string): Promise<StoredBatch[]>;
  /** Add a browser origin to the project's allowlist (`PATCH /api/v1/project` with the secret key). */
  allowOrigin(origin: string): Promise<void>;
  /** Switch capture channels of a scene with the secret key (`PUT /api/v1/scenes/:sceneId`). */
  setCapture(sceneId: string, capture: Record<string, boolean>): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startBrowserCollector}. */
export interface BrowserCollectorOptions {
  driver: Driver;
  /** `inject('postgresUrl')`, needed for the `postgres` driver. */
  postgresUrl: string | undefined;
  /** Browser origins the project allows (the page server's origin). */
  origins: string[];
  /** Collector configuration variables. */
  env?: Record<string, string>;
}

/** Open a store and start the collector over it. */
export async function startBrowserCollector(options: BrowserCollectorOptions): Promise<BrowserCollector> {
  const opened = await openTestStore(options.driver, options.postgresUrl);
  const store = opened.store;
  let collector: TestCollector;
  try {
    collector = await startTestCollector(store, options.env ?? {}, options.origins);
  } catch (error) {
    await opened.cleanup();
    throw error;
  }
  const projectId = collector.project.id;
  const sceneFilter = (sceneId: string | undefined, first: number) => (sceneId === undefined ? ['', []] : [` AND scene_id = $${first}`, [sceneId]]) as [string, string[]];

  async function eventCounts(sceneId?: string): Promise<Record<string, number>> {
    const [where, params] = sceneFilter(sceneId, 2);
    const rows = await store.query<{ type: string; n: number | string }>(
      `SELECT type, sum(events) AS n FROM event_counts_hourly WHERE project_id = $1${where} GROUP BY type ORDER BY type`,
      [projectId, ...params],
    );
    return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
  }

  return {
    url: collector.url,
    pk: collector.pk,
    sk: collector.sk,
    projectId,
    store,
    collector,
    eventCounts,
    async storedEvents(sceneId) {
      const counts = await eventCounts(sceneId);
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async batches(sceneId) {
      const [where, params] = sceneFilter(sceneId, 2);
      const rows = await store.query<{ session_id: string; seq: number; scene_id: string; events: number; dropped: number }>(
        `SELECT session_id, seq, scene_id, events, dropped FROM ingest_batches WHERE project_id = $1${where} ORDER BY received_at, session_id, seq`,
        [projectId, ...params],
      );
      return rows.map((r) => ({ sessionId: r.session_id, seq: Number(r.seq), sceneId: r.scene_id, events: Number(r.events), dropped: Number(r.dropped) }));
    },
    async allowOrigin(origin) {
      const current = (await (await fetch(`${collector.url}/api/v1/project`, { headers: { Authorization: `Bearer ${collector.sk}` } })).json()) as { allowed_origins: string[] };
      const response = await fetch(`${collector.url}/api/v1/project`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${collector.sk}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ allowed_origins: [...current.allowed_origins, origin] }),
      });
      if (!response.ok) throw new Error(`PATCH project: ${response.status} ${await response.text()}`);
    },
    async setCapture(sceneId, capture) {
      const response = await fetch(`${collector.url}/api/v1/scenes/${encodeURIComponent(sceneId)}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${collector.sk}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ capture }),
      });
      if (!response.ok) throw new Error(`PUT scene ${sceneId}: ${response.status} ${await response.text()}`);
    },
    async close() {
      await collector.close();
      await opened.cleanup();
    },
  };
}

/**
 * With raw retention off (the default), ingest keeps aggregates and session summaries, never a
 * row per event. Every table of the public schema is enumerated (so a table added later is
 * checked too): after a simulated population, no table holds anywhere near one row per accepted
 * event; then the same events are sent again as new sessions at the same times, and only the
 * session summaries (`sessions`, `identity_links`, the `ingest_batches` ledger) may grow with
 * them — an aggregate keyed by scene, hour, mesh, voxel… must not.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Packr } from 'msgpackr';
import { OPT_IN_CHANNELS } from '@vantage/sdk-core/schema';
import { DRIVERS, openTestStore, startTestCollector, type Driver, type TestCollector } from '../testing/harness.js';
import type { Store } from '../storage/types.js';
import { buildPopulation, HOUR_MS, type TruthSession } from './oracle-truth.js';

const packr = new Packr({ useRecords: false });
const SCENES = ['glam-velvet-sofa', 'living-room-showcase'];
const ALL_OPT_IN = Object.fromEntries(OPT_IN_CHANNELS.map((c) => [c, true]));
/** The per-session tables a project may keep with raw retention off, and how many rows a session may add. */
const SESSION_SUMMARIES = ['sessions', 'identity_links', 'ingest_batches'];

async function tableCounts(store: Store): Promise<Map<string, number>> {
  const tables = await store.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const counts = new Map<string, number>();
  for (const { table_name: name } of tables) {
    const [row] = await store.query<{ n: number | string }>(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`);
    counts.set(name, Number(row?.n ?? 0));
  }
  return counts;
}

/** Send every batch with the clock pinned (the same receipt time for both rounds). */
async function send(c: TestCollector, sessions: readonly TruthSession[], sid: (s: TruthSession) => string): Promise<{ events: number; batches: number }> {
  let events = 0;
  let batches = 0;
  const queue = [...sessions];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        for (const b of s.batches) {
          let response: Response;
          let body: { accepted: number };
          // A 503 (storage busy) is retried as the SDK retries it; the oracle test counts them.
          for (let tries = 0; ; tries++) {
            response = await fetch(`${c.url}/api/v1/collect`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/msgpack', 'User-Agent': s.agent.ua, 'X-Forwarded-For': s.ip, Authorization: `Bearer ${c.pk}` },
              body: packr.pack({ ...b.wire, sid: sid(s) }),
            });
            body = (await response.json()) as { accepted: number };
            if (response.status !== 503 || tries >= 20) break;
            await new Promise((resolve) => setTimeout(resolve, 20 + 20 * tries));
          }
          expect(response.status, JSON.stringify(body)).toBe(202);
          expect(body.accepted).toBe(b.events.length);
          events += body.accepted;
          batches += 1;
        }
      }
    }),
  );
  return { events, batches };
}

function noRawRows(driver: Driver): void {
  describe(`on the ${driver} store`, () => {
    let c: TestCollector;
    let cleanup: (() => Promise<void>) | undefined;
    let population: TruthSession[];
    let first: { events: number; batches: number };
    let second: { events: number; batches: number };
    let before: Map<string, number>;
    let after: Map<string, number>;

    beforeAll(async () => {
      const opened = await openTestStore(driver, inject('postgresUrl'));
      cleanup = opened.cleanup;
      // Nothing in the environment switches raw retention on: the default is what is tested.
      c = await startTestCollector(opened.store, { TRUST_PROXY: '1' });
      const receivedAt = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS / 2;
      c.deps.clock = () => receivedAt;
      for (const scene of SCENES) {
        const response = await fetch(`${c.url}/api/v1/scenes/${scene}`, { method: 'PUT', headers: { Authorization: `Bearer ${c.sk}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ capture: ALL_OPT_IN }) });
        expect(response.status).toBe(200);
      }
      population = buildPopulation({
        sessions: driver === 'postgres' ? 160 : 120,
        seed: 11,
        scenes: SCENES,
        startMs: receivedAt - 3 * HOUR_MS,
        spreadMs: HOUR_MS,
        receiptStepMs: 60_000,
        handWritten: 4,
        capture: Object.fromEntries(SCENES.map((s) => [s, ALL_OPT_IN])),
      });
      first = await send(c, population, (s) => s.sid);
      await c.deps.buffer.drain();
      before = await tableCounts(opened.store);
      second = await send(c, population, (s) => `${s.sid.slice(0, 40)}_again`);
      await c.deps.buffer.drain();
      after = await tableCounts(opened.store);
    }, 300_000);

    afterAll(async () => {
      await c?.close();
      await cleanup?.();
    });

    it('runs with raw session retention off by default', () => {
      expect(c.deps.config.rawSessionRetention).toBe(false);
      expect(first.events).toBeGreaterThan(5_000);
      expect(second).toEqual(first);
    });

    it('holds far fewer rows in every table than events accepted (at most one per 5)', () => {
      expect(after.size).toBeGreaterThan(10);
      const accepted = first.events + second.events;
      // The largest aggregate is the camera-position voxel grid (a row per voxel a camera passed
      // through per scene and day); a table keeping events would hold about as many rows as events.
      const offenders = [...after].filter(([, rows]) => rows * 5 > accepted);
      expect(offenders, `tables with more than one row per 5 of ${accepted} accepted events`).toEqual([]);
    });

    it('grows only the session summaries when the same events arrive as new sessions', () => {
      const sessions = population.length;
      const growth = Object.fromEntries([...after].map(([table, rows]) => [table, rows - (before.get(table) ?? 0)]));
      expect(growth.sessions).toBe(sessions);
      expect(growth.ingest_batches).toBe(second.batches);
      expect(growth.identity_links).toBeLessThanOrEqual(sessions);
      // An aggregate's keys (scene, hour, mesh, voxel, bucket, fingerprint…) are the same the
      // second time: a table that grows anyway keeps something per session or per event.
      const limit = Math.min(sessions / 4, second.events / 400);
      const growing = Object.entries(growth).filter(([table, rows]) => !SESSION_SUMMARIES.includes(table) && rows > limit);
      expect(growing, `tables other than ${SESSION_SUMMARIES.join(', ')} that grew by more than ${limit} rows for ${sessions} sessions and ${second.events} events`).toEqual([]);
    });
  });
}

for (const driver of DRIVERS) noRawRows(driver);

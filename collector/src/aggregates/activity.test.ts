import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Store } from '../storage/types.js';
import { DRIVERS, openTestStore } from '../testing/harness.js';
import { freezeVisitorDays, readActivity } from './activity.js';

const NOW = Date.UTC(2026, 11, 7, 12, 0);
const HOUR = 3_600_000;

describe.each(DRIVERS)('daily visitors on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const project = randomUUID();

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
    const rows: Array<[string, number, string, number]> = [
      ['s', Date.UTC(2026, 11, 6), 'h-yesterday', NOW - 26 * HOUR],
      ['s', Date.UTC(2026, 11, 7), 'h-recent', NOW - HOUR / 2],
      ['s', Date.UTC(2026, 11, 7), 'h-old-salt', NOW - 3 * HOUR],
      ['t', Date.UTC(2026, 11, 7), 'h-recent', NOW - HOUR / 4],
      // The all-scenes rows the fold writes beside them: each hash once per day.
      ['', Date.UTC(2026, 11, 6), 'h-yesterday', NOW - 26 * HOUR],
      ['', Date.UTC(2026, 11, 7), 'h-recent', NOW - HOUR / 4],
      ['', Date.UTC(2026, 11, 7), 'h-old-salt', NOW - 3 * HOUR],
    ];
    for (const [scene, day, hash, seen] of rows) {
      await store.query('INSERT INTO agg_visitor_hashes (project_id, scene_id, day, visitor_hash, last_seen_ms) VALUES ($1, $2, $3, $4, $5)', [project, scene, new Date(day), hash, seen]);
    }
  });

  afterAll(async () => cleanup?.());

  const visitors = async (scene: string | null) =>
    readActivity(store, { projectId: project, scene, from: new Date(NOW - 7 * 24 * HOUR), to: new Date(NOW), deviceType: null, browser: null }, { interval: 'day' });

  it('freezes hashes that can no longer recur into counts, and the answer does not change', async () => {
    // Over every scene a visitor counts once a day (h-recent saw both scenes on the 7th).
    const before = await visitors(null);
    expect(before.totals.visitors).toBe(3);
    expect(before.series.map((p) => [p.start, p.visitors])).toEqual([
      ['2026-12-06T00:00:00.000Z', 1],
      ['2026-12-07T00:00:00.000Z', 2],
    ]);
    expect((await visitors('s')).totals.visitors).toBe(3);
    expect((await visitors('t')).totals.visitors).toBe(1);
    // Salt periods of one hour: hashes last seen over an hour ago, and yesterday's, go.
    expect(await freezeVisitorDays(store, project, HOUR, NOW)).toBe(4);
    const left = await store.query<{ scene_id: string; visitor_hash: string }>('SELECT scene_id, visitor_hash FROM agg_visitor_hashes WHERE project_id = $1 ORDER BY 1, 2', [project]);
    expect(left.map((r) => [r.scene_id, r.visitor_hash])).toEqual([['', 'h-recent'], ['s', 'h-recent'], ['t', 'h-recent']]);
    const after = await visitors(null);
    expect(after.totals).toEqual(before.totals);
    expect(after.series).toEqual(before.series);
    expect((await visitors('s')).totals.visitors).toBe(3);
    // Running again freezes nothing twice.
    expect(await freezeVisitorDays(store, project, HOUR, NOW)).toBe(0);
    expect((await visitors(null)).totals.visitors).toBe(3);
    // A day later every hash is gone; the counts stay.
    expect(await freezeVisitorDays(store, project, 24 * HOUR, NOW + 25 * HOUR)).toBe(3);
    expect(await store.query('SELECT 1 FROM agg_visitor_hashes WHERE project_id = $1', [project])).toEqual([]);
    expect((await visitors(null)).totals.visitors).toBe(3);
    expect((await visitors('s')).totals.visitors).toBe(3);
  });
});

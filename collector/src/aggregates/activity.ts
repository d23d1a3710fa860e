/**
 * Scene activity: sessions, visitors, events by type, and the distribution of session length.
 *
 * - events by type come from `event_counts_hourly`, which the flush keeps already;
 *   sessions are its `session_start` events;
 * - visitors are distinct visitor hashes per UTC day (the day a batch was received). A day's
 *   hashes are kept only while they can recur — until their salt period is over
 *   ({@link freezeVisitorDays}) — then replaced by the day's count, so no hash outlives its salt;
 * - session length: a histogram of `session_end.durationMs` (metric `session_ms`).
 *
 * Read: `GET /api/v1/activity?interval=hour|day|week`.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { QueryParams } from '../http/cursor.js';
import type { Store } from '../storage/types.js';
import type { Percentiles } from './buckets.js';
import { defineRollup, max, sum } from './define.js';
import { addToHistogram, histogramRollup, readHistograms } from './histograms.js';
import { choiceParam, intervalStartSql, INTERVALS, windowWhere, type AggregateQuery } from './params.js';
import type { Aggregate } from './types.js';

/**
 * Distinct visitor hashes per (project, scene, day), with when each was last seen (epoch ms).
 * Each hash is also kept under the scene id {@link ALL_SCENES}, so a project's visitors over
 * every scene are distinct visitors too, not a sum over scenes (scene ids are never empty).
 */
export const visitorHashRollup = defineRollup({
  table: 'agg_visitor_hashes',
  bucket: 'day',
  keys: { visitorHash: 'text' },
  values: { lastSeenMs: max() },
});

/** Counts of hashes already frozen per (project, scene, day). */
export const dailyVisitorRollup = defineRollup({
  table: 'agg_daily_visitors',
  bucket: 'day',
  keys: {},
  values: { visitors: sum() },
});

/** The scene id under which visitors of every scene are counted. */
export const ALL_SCENES = '';

const hashKey: [string] = [''];
const seen: [number] = [0];

/** The activity aggregate. */
export const activity: Aggregate = {
  name: 'activity',
  rollups: [visitorHashRollup, dailyVisitorRollup, histogramRollup],
  foldBatch(ctx, acc) {
    if (!ctx.visitorHash) return;
    hashKey[0] = ctx.visitorHash;
    seen[0] = ctx.receivedAt;
    acc.add(visitorHashRollup, ctx.projectId, ctx.sceneId, ctx.receivedAt, hashKey, seen);
    acc.add(visitorHashRollup, ctx.projectId, ALL_SCENES, ctx.receivedAt, hashKey, seen);
  },
  foldEvent(e: VantageEvent, ctx, acc) {
    if (e.type === 'session_end') addToHistogram(acc, ctx, e.t, 'session_ms', e.durationMs);
  },
};

/** The hashes {@link freezeVisitorDays} takes: `$1` project, `$2` now (epoch ms), `$3` salt lifetime (ms). */
const FREEZABLE = `project_id = $1 AND (day < to_timestamp($2 / 1000.0) - interval '1 day 10 minutes' OR last_seen_ms < $2 - $3)`;

/** How many hashes {@link freezeVisitorDays} would freeze now (a retention dry run). */
export async function countFreezableVisitorHashes(store: Store, projectId: string, saltTtlMs: number, now = Date.now()): Promise<number> {
  const rows = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM agg_visitor_hashes WHERE ${FREEZABLE}`, [projectId, now, saltTtlMs]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Replace the visitor hashes that can no longer recur by per-day counts, in one statement: a
 * hash is frozen once its day is over (plus a margin for flushes in flight), or once it was last
 * seen longer ago than the salt's lifetime (a hash made under a salt can only recur while that
 * salt is current). `DELETE … RETURNING` hands each row to exactly one caller, so collector
 * processes may run this at the same time. Answers the number of hashes frozen.
 */
export async function freezeVisitorDays(store: Store, projectId: string, saltTtlMs: number, now = Date.now()): Promise<number> {
  const rows = await store.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM agg_visitor_hashes WHERE ${FREEZABLE}
       RETURNING project_id, scene_id, day
     ), counted AS (
       INSERT INTO agg_daily_visitors AS t (project_id, scene_id, day, visitors)
       SELECT project_id, scene_id, day, count(*) FROM gone GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
       ON CONFLICT (project_id, scene_id, day) DO UPDATE SET visitors = t.visitors + excluded.visitors
       RETURNING visitors
     )
     SELECT count(*)::int AS n FROM gone`,
    [projectId, now, saltTtlMs],
  );
  return Number(rows[0]?.n ?? 0);
}

/** One interval of the series. */
export interface ActivityPoint {
  /** ISO 8601, the interval's start (weeks start on Monday, UTC). */
  start: string;
  sessions: number;
  events: number;
  eventsByType: Record<string, number>;
  /** Daily distinct visitors summed over the interval's days; null for hours. */
  visitors: number | null;
}

/** `GET /api/v1/activity`. */
export async function readActivity(store: Store, q: AggregateQuery, query: QueryParams): Promise<{
  scene: string | null;
  from: string;
  to: string;
  interval: (typeof INTERVALS)[number];
  totals: { sessions: number; visitors: number; events: number; eventsByType: Record<string, number> };
  series: ActivityPoint[];
  sessionDurationMs: (Percentiles & { sessions: number }) | null;
}> {
  const interval = choiceParam(query, 'interval', INTERVALS, 'day');
  const hours = windowWhere(q, 'hour');
  // Visitors: one scene's rows, or the all-scenes rows (never a sum over scenes).
  const days = windowWhere({ ...q, scene: q.scene ?? ALL_SCENES }, 'day');
  const hourStart = intervalStartSql(hours.params, interval);
  const dayStart = intervalStartSql(days.params, interval === 'hour' ? 'day' : interval, 'day');
  const [events, visitors, durations] = await Promise.all([
    store.query<{ start: Date; type: string; n: number }>(
      `SELECT ${hourStart} AS start, type, sum(events)::float8 AS n FROM event_counts_hourly
        WHERE ${hours.where} GROUP BY 1, 2 ORDER BY 1`,
      hours.params,
    ),
    store.query<{ start: Date; n: number }>(
      `SELECT ${dayStart} AS start, sum(n)::float8 AS n FROM (
         SELECT day, count(*) AS n FROM agg_visitor_hashes WHERE ${days.where} GROUP BY day
         UNION ALL
         SELECT day, sum(visitors) AS n FROM agg_daily_visitors WHERE ${days.where} GROUP BY day) v
        GROUP BY 1 ORDER BY 1`,
      days.params,
    ),
    readHistograms(store, { ...q, deviceType: null, browser: null }, ['session_ms'], 'none'),
  ]);
  const points = new Map<string, ActivityPoint>();
  const point = (start: Date): ActivityPoint => {
    const iso = new Date(start).toISOString();
    let p = points.get(iso);
    if (!p) points.set(iso, (p = { start: iso, sessions: 0, events: 0, eventsByType: {}, visitors: interval === 'hour' ? null : 0 }));
    return p;
  };
  const totals = { sessions: 0, visitors: 0, events: 0, eventsByType: {} as Record<string, number> };
  for (const r of events) {
    const p = point(r.start);
    const count = Number(r.n);
    p.eventsByType[r.type] = count;
    p.events += count;
    if (r.type === 'session_start') p.sessions += count;
    totals.eventsByType[r.type] = (totals.eventsByType[r.type] ?? 0) + count;
    totals.events += count;
    if (r.type === 'session_start') totals.sessions += count;
  }
  for (const r of visitors) {
    totals.visitors += Number(r.n);
    if (interval !== 'hour') point(r.start).visitors = Number(r.n);
  }
  const series = [...points.values()].sort((a, b) => (a.start < b.start ? -1 : 1));
  const d = durations.groups[0];
  const p = d?.percentiles.session_ms;
  return {
    scene: q.scene,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    interval,
    totals,
    series,
    sessionDurationMs: p && d ? { sessions: d.weights.session_ms ?? 0, ...p } : null,
  };
}

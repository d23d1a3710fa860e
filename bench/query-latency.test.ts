import { describe, expect, it } from 'vitest';
import { aggregateQueries, baselineQuery, summariseLatencies } from './query-latency.js';

describe('summariseLatencies', () => {
  it('gives nearest-rank percentiles, the max and the mean, whatever the order', () => {
    // 1..100 ms shuffled: the nearest-rank p50 is the 50th value, p95 the 95th, p99 the 99th.
    const ms = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    expect(summariseLatencies(ms)).toEqual({ requests: 100, p50Ms: 50, p95Ms: 95, p99Ms: 99, maxMs: 100, meanMs: 50.5 });
  });

  it('lets one slow request out of 300 change p99 but not p95', () => {
    const ms = [...Array.from({ length: 299 }, () => 4), 900];
    const s = summariseLatencies(ms);
    expect([s.p50Ms, s.p95Ms, s.maxMs]).toEqual([4, 4, 900]);
    expect(summariseLatencies([...Array.from({ length: 280 }, () => 4), ...Array.from({ length: 20 }, () => 150)]).p95Ms).toBe(150);
  });

  it('is NaN throughout without requests', () => {
    const s = summariseLatencies([]);
    expect(s.requests).toBe(0);
    for (const v of [s.p50Ms, s.p95Ms, s.p99Ms, s.maxMs, s.meanMs]) expect(v).toBeNaN();
  });
});

describe('aggregateQueries', () => {
  const queries = aggregateQueries({ scene: 'glam-velvet-sofa', funnelId: 'f-1' });

  it('asks every aggregate route of the contract with the secret key', () => {
    const routes = new Set(queries.map((q) => /^\/api\/v1\/([a-z-]+)/.exec(q.path)?.[1]));
    expect(routes).toEqual(
      new Set(['activity', 'mesh-attention', 'heatmaps', 'view-directions', 'performance', 'resources', 'errors', 'custom-events', 'traffic-sources', 'sessions', 'funnels']),
    );
    expect(queries.every((q) => q.key === 'sk')).toBe(true);
    expect(new Set(queries.map((q) => q.label)).size).toBe(queries.length);
  });

  it('times a heatmap of each kind, each groupBy, series per day and per hour, and the saved funnel, in the default window', () => {
    const paths = queries.map((q) => q.path);
    for (const kind of ['click', 'gaze', 'camera']) expect(paths).toContain(`/api/v1/heatmaps/${kind}?scene=glam-velvet-sofa`);
    for (const groupBy of ['deviceType', 'browser']) expect(paths.some((p) => p.startsWith('/api/v1/performance') && p.includes(`groupBy=${groupBy}`))).toBe(true);
    expect(paths.some((p) => p.startsWith('/api/v1/performance') && !p.includes('groupBy'))).toBe(true);
    for (const interval of ['day', 'hour']) expect(paths.some((p) => p.startsWith('/api/v1/performance') && p.includes(`interval=${interval}`))).toBe(true);
    expect(paths).toContain('/api/v1/funnels/f-1');
    expect(paths.some((p) => /[?&](from|to)=/.test(p))).toBe(false);
  });

  it('measures the baseline on a trivial route with the publishable key', () => {
    expect(baselineQuery('a b')).toEqual({ label: expect.stringContaining('baseline'), path: '/api/v1/config?scene=a%20b', key: 'pk' });
  });
});

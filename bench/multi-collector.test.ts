import { describe, expect, it } from 'vitest';
import type { LoadResult } from '@vantage/fixtures';
import type { WireBatch } from '@vantage/sdk-core/schema';
import { mergeLoadResults, splitBySession } from './multi-collector.js';

const run = (over: Partial<LoadResult>): LoadResult => ({
  requests: 10, events: 500, errors: {}, ok: 10, acceptedEvents: 500, latencyP50Ms: 5, latencyP99Ms: 20, eventsPerSecond: 1000, elapsedMs: 500, ...over,
});

describe('mergeLoadResults', () => {
  it('adds counts and rates, keeps the longest run and the worse percentiles', () => {
    const merged = mergeLoadResults([run({ errors: { '503': 1 } }), run({ latencyP99Ms: 30, elapsedMs: 510, errors: { '503': 2, timeout: 1 } }), null]);
    expect(merged).toEqual({
      requests: 20, events: 1000, errors: { '503': 3, timeout: 1 }, ok: 20, acceptedEvents: 1000, latencyP50Ms: 5, latencyP99Ms: 30, eventsPerSecond: 2000, elapsedMs: 510,
    });
  });

  it('gives null for no runs', () => {
    expect(mergeLoadResults([null])).toBeNull();
  });
});

describe('splitBySession', () => {
  it('puts every batch of a session in the same group, sessions in turn, order kept', () => {
    const b = (sid: string, seq: number) => ({ sid, seq }) as unknown as WireBatch;
    const groups = splitBySession([b('a', 0), b('b', 0), b('a', 1), b('c', 0), b('b', 1)], 2);
    expect(groups.map((g) => g.map((x) => `${x.sid}${x.seq}`))).toEqual([['a0', 'a1', 'c0'], ['b0', 'b1']]);
  });
});

import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, MAX_RETRY_AFTER_MS, backoffDelayMs, parseRetryAfter, retryDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  it('doubles per attempt within [step/2, step] and never exceeds the cap', () => {
    for (let attempt = 1; attempt <= 40; attempt++) {
      const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
      expect(backoffDelayMs(attempt, () => 0)).toBe(step / 2);
      expect(backoffDelayMs(attempt, () => 0.999999)).toBeCloseTo(step, -1);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelayMs(attempt);
        expect(d).toBeGreaterThanOrEqual(step / 2);
        expect(d).toBeLessThanOrEqual(step);
      }
    }
    expect(backoffDelayMs(1, () => 0)).toBe(500);
    expect(backoffDelayMs(3, () => 0)).toBe(2000);
    expect(backoffDelayMs(100, () => 1)).toBe(BACKOFF_MAX_MS);
  });

  it('spreads clients that failed together (jitter is not constant)', () => {
    const delays = new Set(Array.from({ length: 20 }, () => Math.round(backoffDelayMs(4))));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 23, 10, 0, 0);

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date, and a date in the past as 0', () => {
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:00 GMT', now)).toBe(0);
  });

  it('caps absurd waits and ignores what it cannot read', () => {
    expect(parseRetryAfter('999999999', now)).toBe(MAX_RETRY_AFTER_MS);
    for (const bad of [null, undefined, '', 'soon', '-5', '1e3', '12abc']) expect(parseRetryAfter(bad, now)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('waits at least what Retry-After asks, plus at most 10 % (≤ 1 s) of jitter', () => {
    expect(retryDelayMs(1, 1000, () => 0)).toBe(1000);
    expect(retryDelayMs(1, 1000, () => 1)).toBe(1100);
    expect(retryDelayMs(7, 60_000, () => 1)).toBe(61_000);
    expect(retryDelayMs(1, 0, () => 1)).toBe(0);
  });

  it('falls back to backoff without Retry-After', () => {
    expect(retryDelayMs(2, undefined, () => 0)).toBe(backoffDelayMs(2, () => 0));
  });
});

import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parseInstant, parseLimit, parsePageBounds, type QueryParams } from './cursor.js';
import { HttpError } from './errors.js';

function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const ID = '0b6f1b4e-3c1d-4c6a-9f7e-2a9d1e5c7b11';

describe('paging parameters', () => {
  it('takes limit 1..500, 100 by default, and refuses anything else with 400 invalid_payload', () => {
    expect(parseLimit(undefined)).toBe(100);
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('500')).toBe(500);
    for (const bad of ['0', '501', '-1', '1.5', 'abc', '', '1e2', ' 5', '99999']) {
      const error = refusal(() => parseLimit(bad));
      expect(error.status).toBe(400);
      expect(error.code).toBe('invalid_payload');
      expect(error.message).toMatch(/limit/);
    }
  });

  it('round-trips a cursor with microseconds, and refuses cursors it did not make', () => {
    const at = '2026-11-23T10:00:00.123456Z';
    expect(decodeCursor(encodeCursor(at, ID))).toEqual({ at, id: ID });
    const forged = [
      'garbage!',
      Buffer.from('not json').toString('base64url'),
      Buffer.from(JSON.stringify({ at, id: ID })).toString('base64url'),
      Buffer.from(JSON.stringify(['2026-11-23T10:00:00.123Z', ID])).toString('base64url'),
      Buffer.from(JSON.stringify([at, 'not-a-uuid'])).toString('base64url'),
      Buffer.from(JSON.stringify(["2026-11-23T10:00:00.123456Z'; DROP TABLE dlq; --", ID])).toString('base64url'),
      'A'.repeat(300),
    ];
    for (const cursor of forged) expect(refusal(() => decodeCursor(cursor)).message).toMatch(/cursor/);
  });

  it('reads ISO dates and date-times with a zone, and refuses impossible ones before they reach SQL', () => {
    expect(parseInstant('since', '2026-11-23')).toBe('2026-11-23T00:00:00Z');
    expect(parseInstant('since', '2026-11-23T10:00:00.123456Z')).toBe('2026-11-23T10:00:00.123456Z');
    expect(parseInstant('since', '2026-11-23T10:00+01:00')).toBe('2026-11-23T10:00+01:00');
    expect(parseInstant('since', undefined)).toBeUndefined();
    for (const bad of ['2026-02-30', '2026-13-01', '2026-11-23T10:00:00', '2026-11-23T25:00:00Z', 'yesterday', '1700000000000', '2026-11-23T10:00:00+0100']) {
      expect(refusal(() => parseInstant('since', bad)).message).toMatch(/^since must be an ISO 8601/);
    }
  });

  it('refuses since after until and repeated parameters, and bounds a first page with infinities', () => {
    expect(refusal(() => parsePageBounds({ since: '2026-11-24', until: '2026-11-23' })).message).toMatch(/since must not be after until/);
    expect(refusal(() => parsePageBounds({ limit: ['1', '2'] } as QueryParams)).message).toMatch(/limit once/);
    expect(parsePageBounds({})).toEqual({ since: '-infinity', until: 'infinity', afterAt: 'infinity', afterId: 'ffffffff-ffff-ffff-ffff-ffffffffffff', limit: 100 });
  });
});

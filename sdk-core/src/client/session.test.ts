import { describe, expect, it } from 'vitest';
import { SESSION_ID_PATTERN } from '../schema/index.js';
import { newSessionId, startSession } from './session.js';

describe('session ids', () => {
  it('are 22 base64url characters the wire accepts, and do not repeat', () => {
    const pattern = new RegExp(SESSION_ID_PATTERN);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = newSessionId(globalThis);
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(pattern.test(id)).toBe(true);
      seen.add(id);
    }
    expect(seen.size).toBe(2000);
  });

  it('take 6 random bits for each character', () => {
    const zeros = newSessionId({ crypto: { getRandomValues: (a) => a.fill(0) } });
    const ones = newSessionId({ crypto: { getRandomValues: (a) => a.fill(255) } });
    const counting = newSessionId({
      crypto: {
        getRandomValues: (a) => {
          a.forEach((_, i) => (a[i] = i + 64));
          return a;
        },
      },
    });
    expect(zeros).toBe('A'.repeat(22));
    expect(ones).toBe('_'.repeat(22));
    expect(counting).toBe('ABCDEFGHIJKLMNOPQRSTUV');
  });

  it('start with seq 0 and nothing ended', () => {
    const s = startSession(globalThis, 1000);
    expect(s).toMatchObject({ nextSeq: 0, startedAt: 1000, lastActivityAt: 1000, ended: false });
  });
});

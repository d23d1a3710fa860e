import { createWireValidators, SESSION_ID_PATTERN, type WireBatch } from '@vantage/sdk-core/schema';
import { simulateSession } from '@vantage/fixtures';
import { describe, expect, it } from 'vitest';
import { copyBatch, copySessionId, hash32, sessionBackMs, SPREAD_MS, USER_AGENTS, visitorAddress, visitorUserAgent } from './aggregates-traffic.js';

describe('session copies', () => {
  it('get distinct, valid session ids per worker and pass', () => {
    const ids = new Set<string>();
    for (let worker = 0; worker < 4; worker++) for (let pass = 0; pass < 100; pass++) ids.add(copySessionId('AbCdEfGh12345678', worker, pass));
    expect(ids.size).toBe(400);
    for (const id of ids) expect(id).toMatch(new RegExp(SESSION_ID_PATTERN));
  });

  it('land in the 7-day window, spread over it, the same for the same id', () => {
    const backs = Array.from({ length: 5000 }, (_, i) => sessionBackMs(`s${i}`));
    expect(Math.min(...backs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...backs)).toBeLessThan(SPREAD_MS);
    expect(SPREAD_MS).toBeLessThan(7 * 86_400_000);
    // Every one of the window's days gets about a seventh of the copies.
    const days = Array.from({ length: 7 }, (_, d) => backs.filter((b) => Math.floor(b / 86_400_000) === d).length);
    for (const n of days.slice(0, 6)) expect(n).toBeGreaterThan(650);
    expect(sessionBackMs('s1')).toBe(backs[1]);
  });

  it('come from public addresses, one visitor per copy', () => {
    const addresses = Array.from({ length: 2000 }, (_, i) => visitorAddress(`copy${i}`));
    expect(new Set(addresses).size).toBeGreaterThan(1990);
    for (const a of addresses) {
      const [x, y] = a.split('.').map(Number) as [number, number];
      expect(a).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(x).toBeGreaterThanOrEqual(11);
      expect(x).toBeLessThanOrEqual(223);
      expect([10, 127, 169, 172, 192, 100]).not.toContain(x);
      expect(y).toBeLessThan(256);
    }
  });

  it('send a user agent of their device and browser family', () => {
    expect(USER_AGENTS.mobile.other).toContain(visitorUserAgent('x', 'mobile', false));
    expect(USER_AGENTS.desktop.chromium).toContain(visitorUserAgent('x', 'desktop', true));
    const picked = new Set(Array.from({ length: 200 }, (_, i) => visitorUserAgent(`c${i}`, 'desktop', true)));
    expect(picked.size).toBe(USER_AGENTS.desktop.chromium.length);
  });

  it('keep sentAt at the send time and move events back, so skew correction leaves them back', () => {
    const validators = createWireValidators();
    const [batch] = simulateSession({ seed: 4, durationMs: 20_000 }) as [WireBatch];
    const now = Date.now();
    const shift = now - batch.sentAt;
    const back = 3 * 86_400_000;
    const copy = copyBatch(batch, 'copy_sid_01', shift, back);
    expect(validators.checkEnvelope(copy)).toBeNull();
    expect(copy.sid).toBe('copy_sid_01');
    expect(copy.sentAt).toBe(now);
    const receivedAt = now + 40;
    for (let i = 0; i < batch.events.length; i++) {
      const original = validators.decodeEvent(batch.events[i], batch);
      const copied = validators.decodeEvent(copy.events[i], copy);
      if (!original.ok || !copied.ok) throw new Error(`event ${i} does not decode`);
      // What the collector stores: the event's time moved by receivedAt - sentAt.
      const stored = copied.event.t + (receivedAt - copy.sentAt);
      const sentAgo = batch.sentAt - original.event.t;
      expect(stored).toBe(receivedAt - back - sentAgo);
    }
  });

  it('hash ids stably, spreading similar ids over the whole range', () => {
    expect(hash32('copy_1')).toBe(hash32('copy_1'));
    const high = new Set(Array.from({ length: 1000 }, (_, i) => hash32(`s${i}`) >>> 28));
    expect(high.size).toBe(16);
  });
});

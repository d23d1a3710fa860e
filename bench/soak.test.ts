import { describe, expect, it } from 'vitest';
import { judgeMemory, parseProcStatus, type MemorySample } from './soak.js';

const STATUS = `Name:\tnode
VmPeak:\t 1234567 kB
VmRSS:\t   98304 kB
RssAnon:\t   65536 kB
RssFile:\t   32768 kB
Threads:\t11
`;

describe('parseProcStatus', () => {
  it('reads VmRSS and RssAnon in KiB', () => {
    expect(parseProcStatus(STATUS)).toEqual({ rssKiB: 98_304, anonKiB: 65_536 });
  });

  it('gives null when a field is missing', () => {
    expect(parseProcStatus('Name:\tnode\nVmRSS:\t 100 kB\n')).toBeNull();
  });
});

/** One sample every 5 s for `minutes`, RSS from `mb(minute)`. */
function samples(minutes: number, mb: (minute: number) => number): MemorySample[] {
  const out: MemorySample[] = [];
  for (let at = 0; at <= minutes * 60_000; at += 5_000) {
    const kib = mb(at / 60_000) * 1024;
    out.push({ atMs: at, rssKiB: kib, anonKiB: kib / 2 });
  }
  return out;
}

describe('judgeMemory', () => {
  it('calls memory that settles after a rise bounded, whatever the first half did', () => {
    const v = judgeMemory(samples(10, (m) => (m < 3 ? 80 + 20 * m : 140 + (Math.round(m * 12) % 2 === 0 ? 3 : -3))), 2);
    expect(v.grows).toBe(false);
    expect(Math.abs(v.rssSlopeMbPerMin)).toBeLessThan(1);
  });

  it('calls a steady climb over the second half growth, with its slope', () => {
    const v = judgeMemory(samples(10, (m) => 100 + 5 * m), 2);
    expect(v.grows).toBe(true);
    expect(v.rssSlopeMbPerMin).toBeCloseTo(5, 6);
    expect(v.anonSlopeMbPerMin).toBeCloseTo(2.5, 6);
  });

  it('judges the floor under a garbage-collection saw-tooth, not the teeth', () => {
    // Every minute the heap climbs 50 MB and drops back to 130 MB; the run ends near a peak.
    const sawtooth = (m: number) => 130 + 50 * ((m + 0.05) % 1);
    const flat = judgeMemory(samples(10, sawtooth), 2);
    expect(flat.grows).toBe(false);
    expect(Math.abs(flat.rssSlopeMbPerMin)).toBeLessThan(1);
    const leaking = judgeMemory(samples(10, (m) => sawtooth(m) + 4 * m), 2);
    expect(leaking.grows).toBe(true);
    expect(leaking.rssSlopeMbPerMin).toBeGreaterThan(3);
  });

  it('does not judge a run whose second half is under four minutes', () => {
    const v = judgeMemory(samples(0.5, (m) => 100 + 50 * m), 2);
    expect(v.grows).toBeNull();
    expect(v.judgedOverMs).toBe(15_000);
  });
});

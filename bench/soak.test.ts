import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { judgeMemory, parseHeapLines, parseProcStatus, type HeapSample, type MemorySample } from './soak.js';

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

/** One live-heap reading every 30 s for `minutes`, from `mb(minute)`. */
function heap(minutes: number, mb: (minute: number) => number): HeapSample[] {
  const out: HeapSample[] = [];
  for (let at = 30_000; at <= minutes * 60_000; at += 30_000) out.push({ atMs: at, liveKiB: mb(at / 60_000) * 1024 });
  return out;
}

describe('judgeMemory with live-heap readings', () => {
  it('judges the live heap when it has readings: flat live memory under a climbing RSS is bounded', () => {
    const v = judgeMemory(samples(20, (m) => 200 + 3.5 * m), 2, heap(20, (m) => (m < 10 ? 22 + 2.6 * m : 48)));
    expect(v.judgedOn).toBe('live-heap');
    expect(v.liveSamples).toBeGreaterThanOrEqual(20);
    expect(v.liveSlopeMbPerMin).toBeCloseTo(0, 6);
    expect(v.rssSlopeMbPerMin).toBeCloseTo(3.5, 6);
    expect(v.grows).toBe(false);
  });

  it('calls a live heap that keeps climbing growth, even under a flat RSS', () => {
    const v = judgeMemory(samples(20, () => 300), 2, heap(20, (m) => 30 + 3 * m));
    expect(v.judgedOn).toBe('live-heap');
    expect(v.liveSlopeMbPerMin).toBeCloseTo(3, 6);
    expect(v.grows).toBe(true);
  });

  it('falls back to the RSS floor when the second half has too few readings', () => {
    const v = judgeMemory(samples(20, (m) => 100 + 5 * m), 2, heap(20, () => 40).slice(0, 22));
    expect(v.judgedOn).toBe('rss-floor');
    expect(v.grows).toBe(true);
  });
});

describe('parseHeapLines', () => {
  it('reads heapUsed + external in KiB since the start, and skips a line cut short', () => {
    const text = '{"at":1005000,"heapUsed":2097152,"external":1048576}\n{"at":1035000,"heapUsed":3145728,"external":0}\n{"at":10650';
    expect(parseHeapLines(text, 1_000_000)).toEqual([
      { atMs: 5_000, liveKiB: 3072 },
      { atMs: 35_000, liveKiB: 3072 },
    ]);
  });
});

describe('the heap probe (soak-heap-probe.mjs) in a real node process', () => {
  const probe = pathToFileURL(fileURLToPath(new URL('./soak-heap-probe.mjs', import.meta.url))).href;
  // Keeps 40 MB more every 100 ms for 1.2 s, then exits: the probe's timer must not keep it alive.
  const script = 'const kept = []; const t = setInterval(() => kept.push(new Float64Array(5_000_000).fill(1)), 100); setTimeout(() => clearInterval(t), 1200);';

  it('collects garbage and appends what is left, which follows what the process keeps', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vantage-heap-probe-'));
    try {
      const file = join(dir, 'heap.ndjson');
      await promisify(execFile)(process.execPath, ['--expose-gc', '--import', probe, '-e', script], { env: { ...process.env, VANTAGE_BENCH_HEAP_FILE: file, VANTAGE_BENCH_HEAP_MS: '150' }, timeout: 30_000 });
      const readings = parseHeapLines(await readFile(file, 'utf8'), 0);
      expect(readings.length).toBeGreaterThanOrEqual(4);
      const first = readings[0] as HeapSample;
      const last = readings.at(-1) as HeapSample;
      // Typed arrays' bytes are `external`: the readings must see the hundreds of MB kept.
      expect(last.liveKiB - first.liveKiB).toBeGreaterThan(150 * 1024);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes nothing without --expose-gc', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vantage-heap-probe-'));
    try {
      const file = join(dir, 'heap.ndjson');
      await promisify(execFile)(process.execPath, ['--import', probe, '-e', 'setTimeout(() => {}, 500)'], { env: { ...process.env, VANTAGE_BENCH_HEAP_FILE: file, VANTAGE_BENCH_HEAP_MS: '100' }, timeout: 30_000 });
      await expect(readFile(file, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

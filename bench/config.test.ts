import { describe, expect, it } from 'vitest';
import { BenchConfigError, loadBenchConfig, parseDuration, soakSetting } from './config.js';

describe('parseDuration', () => {
  it('reads minutes, seconds, hours and plain seconds', () => {
    expect(parseDuration('10m', 'x')).toBe(600_000);
    expect(parseDuration('30s', 'x')).toBe(30_000);
    expect(parseDuration('1.5m', 'x')).toBe(90_000);
    expect(parseDuration('1h', 'x')).toBe(3_600_000);
    expect(parseDuration('90', 'x')).toBe(90_000);
    expect(parseDuration(' 2 min ', 'x')).toBe(120_000);
  });

  it('refuses what is not a duration, zero, and more than an hour, naming the setting', () => {
    for (const bad of ['', 'ten minutes', '-5m', '0s', '2h', '10 days']) {
      expect(() => parseDuration(bad, '--soak')).toThrow(BenchConfigError);
    }
    expect(() => parseDuration('2h', '--soak')).toThrow(/--soak must be a duration/);
  });
});

describe('soakSetting', () => {
  it('takes --soak from the arguments before BENCH_SOAK, and none by default', () => {
    expect(soakSetting(['--soak', '10m'], {})).toBe(600_000);
    expect(soakSetting(['--soak=45s'], { BENCH_SOAK: '10m' })).toBe(45_000);
    expect(soakSetting([], { BENCH_SOAK: '5m' })).toBe(300_000);
    expect(soakSetting([], {})).toBeNull();
    expect(soakSetting([], { BENCH_SOAK: ' ' })).toBeNull();
  });

  it('refuses --soak without a duration and any other argument', () => {
    expect(() => soakSetting(['--soak'], {})).toThrow(/needs a duration/);
    expect(() => soakSetting(['--fast'], {})).toThrow(/unknown argument "--fast"/);
  });
});

describe('loadBenchConfig', () => {
  it('does not soak by default and measures raw retention, two collectors, flush sizes and a saturation load', () => {
    const config = loadBenchConfig({}, []);
    expect(config.soakMs).toBeNull();
    expect(config.rawIngest).toBe(true);
    expect(config.twoCollectors).toBe(true);
    expect(config.flushSizes).toBe(true);
    expect(loadBenchConfig({ BENCH_FLUSH_SIZES: 'false' }, []).flushSizes).toBe(false);
    expect(config.saturationConcurrency).toBe(512);
    expect(loadBenchConfig({ BENCH_SATURATION_CONCURRENCY: '0' }, []).saturationConcurrency).toBe(0);
    expect(() => loadBenchConfig({ BENCH_SATURATION_CONCURRENCY: '-1' }, [])).toThrow(/BENCH_SATURATION_CONCURRENCY/);
  });
});

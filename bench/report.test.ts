import { describe, expect, it } from 'vitest';
import { markdownTable, type TableRow } from './report.js';

const base: TableRow = { measure: 'm', vantage: 1, baseline: 2, baselineLabel: 'b', ratio: 0.5, goal: '—', met: null, decimals: 0 };

describe('markdownTable', () => {
  it('prints one row per measure with both values, the ratio and the goal with its mark', () => {
    const table = markdownTable([
      { ...base, measure: 'ingest, events/s', vantage: 31_250.4, baseline: 62_001, baselineLabel: 'bare node:http', ratio: 31_250.4 / 62_001, goal: '≥ 0.5', met: true },
      { ...base, measure: 'validate (µs/batch)', vantage: 11.56, baseline: 6.34, baselineLabel: 'msgpackr unpack', ratio: 11.56 / 6.34, goal: '< 1', met: false, decimals: 1 },
      { ...base, measure: 'wire size', vantage: 25.04, baseline: 450, baselineLabel: 'competitor', ratio: 25.04 / 450, decimals: 1 },
    ]);
    expect(table.split('\n')).toEqual([
      '| measure | Vantage | baseline | ratio | goal |',
      '| --- | ---: | ---: | ---: | --- |',
      '| ingest, events/s | 31,250 | 62,001 (bare node:http) | 0.50 | ≥ 0.5 ✓ |',
      '| validate (µs/batch) | 11.6 | 6.3 (msgpackr unpack) | 1.8 | < 1 ✗ |',
      '| wire size | 25.0 | 450.0 (competitor) | 0.056 | — |',
    ]);
  });

  it('prints n/a for a ratio that could not be computed', () => {
    expect(markdownTable([{ ...base, baseline: 0, ratio: Number.NaN }])).toContain('| m | 1 | 0 (b) | n/a | — |');
  });
});

import { describe, expect, it } from 'vitest';
import { Accumulator, rollupCtes } from './accumulate.js';
import { defineRollup, keep, max, min, sum } from './define.js';

const rollup = defineRollup({
  table: 'agg_test',
  bucket: 'hour',
  keys: { mesh: 'text', bin: 'int' },
  values: { n: sum(), top: max('int'), first: min(), label: keep() },
});

describe('the rollup accumulator', () => {
  it('combines rows of one key as the database would, per project, scene and bucket', () => {
    const acc = new Accumulator();
    const t = Date.UTC(2026, 11, 7, 10, 15);
    acc.add(rollup, 'p', 's', t, ['a', 1], [1, 5, 300, 'one']);
    acc.add(rollup, 'p', 's', t + 60_000, ['a', 1], [2, 3, 100, 'two']);
    acc.add(rollup, 'p', 's', t + 3_600_000, ['a', 1], [1, 1, 1, 'later']);
    acc.add(rollup, 'p', 's', t, ['a', 2], [1, 0, 0, null]);
    expect(acc.size).toBe(3);
    const [payload] = acc.payloads();
    const rows = JSON.parse(payload?.json ?? '[]') as Array<Record<string, unknown>>;
    expect(rows[0]).toEqual({ p: 'p', sc: 's', b: Date.UTC(2026, 11, 7, 10) / 1000, k0: 'a', k1: 1, v0: 3, v1: 5, v2: 100, v3: 'one' });
    expect(rows.map((r) => r.b)).toEqual([Date.UTC(2026, 11, 7, 10) / 1000, Date.UTC(2026, 11, 7, 11) / 1000, Date.UTC(2026, 11, 7, 10) / 1000]);
  });

  it('keeps projects and scenes apart when batches of several interleave, and writes the JSON that JSON.stringify would', () => {
    const acc = new Accumulator();
    const t = Date.UTC(2026, 11, 7, 10, 15);
    const awkward = 'quote " backslash \\ newline \n emoji 🛋 \u2028';
    acc.add(rollup, 'p1', 's', t, [awkward, 1], [1, 1, 1, null]);
    acc.add(rollup, 'p2', 's', t, [awkward, 1], [10, 1, 1, 'x']);
    acc.add(rollup, 'p1', 's2', t, [awkward, 1], [100, 1, 1, null]);
    acc.add(rollup, 'p1', 's', t, [awkward, 1], [2, 7, 0, 'late']);
    acc.add(rollup, 'p2', 's', t, [awkward, 1], [20, 0, 5, null]);
    expect(acc.size).toBe(3);
    const [payload] = acc.payloads();
    const b = Date.UTC(2026, 11, 7, 10) / 1000;
    const expected = [
      { p: 'p1', sc: 's', b, k0: awkward, k1: 1, v0: 3, v1: 7, v2: 0, v3: 'late' },
      { p: 'p2', sc: 's', b, k0: awkward, k1: 1, v0: 30, v1: 1, v2: 1, v3: 'x' },
      { p: 'p1', sc: 's2', b, k0: awkward, k1: 1, v0: 100, v1: 1, v2: 1, v3: null },
    ];
    expect(payload?.json).toBe(JSON.stringify(expected));
  });

  it('hands out tables in one fixed order whatever order events came in (no lock cycles between flushes)', () => {
    const other = defineRollup({ table: 'agg_alpha', bucket: 'day', keys: {}, values: { n: sum() } });
    const first = new Accumulator();
    first.add(rollup, 'p', 's', 0, ['a', 1], [1, 1, 1, null]);
    first.add(other, 'p', 's', 0, [], [1]);
    const second = new Accumulator();
    second.add(other, 'p', 's', 0, [], [1]);
    second.add(rollup, 'p', 's', 0, ['a', 1], [1, 1, 1, null]);
    expect(first.payloads().map((p) => p.rollup.table)).toEqual(['agg_alpha', 'agg_test']);
    expect(second.payloads().map((p) => p.rollup.table)).toEqual(['agg_alpha', 'agg_test']);
  });

  it('writes one ordered upsert per rollup that combines with stored rows', () => {
    const [cte] = rollupCtes([{ rollup }], 7);
    expect(cte).toContain('INSERT INTO agg_test AS t (project_id, scene_id, hour, mesh, bin, n, top, first, label)');
    expect(cte).toContain('json_to_recordset($7::json)');
    expect(cte).toContain('ORDER BY 1, 2, 3, 4, 5');
    expect(cte).toContain('ON CONFLICT (project_id, scene_id, hour, mesh, bin) DO UPDATE SET n = t.n + excluded.n, top = greatest(t.top, excluded.top), first = least(t.first, excluded.first)');
    expect(cte).not.toContain('label = ');
  });
});

/**
 * The in-memory side of the rollups: rows folded from one flush's events, combined per key the
 * way the database combines them, then written as one upsert per rollup table inside the
 * flush's statement ({@link rollupCtes}).
 */
import { columnName as columnOf, type Rollup } from './define.js';

/** One pending row: project, scene, bucket start (epoch s), key values, value columns. */
interface Entry {
  p: string;
  sc: string;
  b: number;
  k: Array<string | number>;
  v: Array<number | string | null>;
}

/** Rows of every rollup gathered for one flush. */
export class Accumulator {
  private readonly tables = new Map<Rollup, Map<string, Entry>>();

  /**
   * Fold one row into the accumulator: `t` (epoch ms) picks the bucket; `values` are in the
   * rollup's value-column order and combine with a row already gathered for the same key.
   */
  add(rollup: Rollup, projectId: string, sceneId: string, t: number, keys: ReadonlyArray<string | number>, values: ReadonlyArray<number | string | null>): void {
    let rows = this.tables.get(rollup);
    if (!rows) {
      rows = new Map();
      this.tables.set(rollup, rows);
    }
    const b = Math.floor(t / rollup.bucketMs) * rollup.bucketSeconds;
    let id = projectId + '\u0000' + sceneId + '\u0000' + b;
    for (let i = 0; i < keys.length; i++) id += '\u0000' + keys[i];
    const row = rows.get(id);
    if (!row) {
      rows.set(id, { p: projectId, sc: sceneId, b, k: keys.slice(), v: values.slice() });
      return;
    }
    const combines = rollup.combines;
    const v = row.v;
    for (let i = 0; i < combines.length; i++) {
      const incoming = values[i];
      if (incoming === null || incoming === undefined) continue;
      const stored = v[i];
      if (stored === null || stored === undefined) v[i] = incoming;
      else if (combines[i] === 'sum') v[i] = (stored as number) + (incoming as number);
      else if (combines[i] === 'max') v[i] = incoming > stored ? incoming : stored;
      else if (combines[i] === 'min') v[i] = incoming < stored ? incoming : stored;
    }
  }

  /** Number of rows gathered, over every rollup. */
  get size(): number {
    let n = 0;
    for (const rows of this.tables.values()) n += rows.size;
    return n;
  }

  /**
   * The rollups with rows, and their rows as JSON for `jsonb_to_recordset`, in table-name order
   * whatever order events came in: every flush then writes (and locks) the tables it shares with
   * another in the same order, so two flushes never wait on each other in a cycle.
   */
  payloads(): Array<{ rollup: Rollup; json: string }> {
    const out: Array<{ rollup: Rollup; json: string }> = [];
    const tables = [...this.tables].sort(([a], [b]) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
    for (const [rollup, rows] of tables) {
      if (rows.size === 0) continue;
      const list: Record<string, unknown>[] = [];
      for (const row of rows.values()) {
        const o: Record<string, unknown> = { p: row.p, sc: row.sc, b: row.b };
        row.k.forEach((value, i) => (o[`k${i}`] = value));
        row.v.forEach((value, i) => (o[`v${i}`] = value));
        list.push(o);
      }
      out.push({ rollup, json: JSON.stringify(list) });
    }
    return out;
  }
}

const SQL_TYPE = { text: 'text', int: 'int', bigint: 'bigint', double: 'double precision' } as const;

/** The combine of one value column in `ON CONFLICT DO UPDATE`. */
function combineSql(rollup: Rollup, name: string): string | null {
  const spec = rollup.values[name];
  const column = columnOf(name);
  if (!spec || spec.combine === 'keep') return null;
  if (spec.combine === 'sum') return `${column} = t.${column} + excluded.${column}`;
  return `${column} = ${spec.combine === 'max' ? 'greatest' : 'least'}(t.${column}, excluded.${column})`;
}


/**
 * One data-modifying CTE per rollup with rows: insert the flush's rows, combining with stored
 * ones. Rows are sorted by primary key so concurrent flushes (of this process or another) lock
 * shared rows in the same order and never deadlock. `firstParam` is the `$n` of the first
 * rollup's JSON; the CTEs take consecutive parameters in the order of `payloads`.
 */
export function rollupCtes(payloads: ReadonlyArray<{ rollup: Rollup }>, firstParam: number): string[] {
  return payloads.map(({ rollup }, index) => {
    const keys = rollup.keyNames.map(columnOf);
    const values = rollup.valueNames.map(columnOf);
    const recordColumns = [
      'p uuid',
      'sc text',
      'b bigint',
      ...rollup.keyNames.map((k, i) => `k${i} ${SQL_TYPE[rollup.keys[k] as 'text' | 'int']}`),
      ...rollup.valueNames.map((v, i) => `v${i} ${SQL_TYPE[(rollup.values[v] as { type: keyof typeof SQL_TYPE }).type]}`),
    ];
    const select = ['r.p', 'r.sc', 'to_timestamp(r.b)', ...keys.map((_, i) => `r.k${i}`), ...values.map((_, i) => `r.v${i}`)];
    const columns = ['project_id', 'scene_id', rollup.bucket, ...keys];
    const primary = rollup.primaryKey;
    // Sort by the primary key, in its order (positions in the select list).
    const sortBy = primary.map((c) => columns.indexOf(c) + 1);
    const updates = rollup.valueNames.map((v) => combineSql(rollup, v)).filter((s): s is string => s !== null);
    const conflict = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
    return `${rollup.table} AS (
  INSERT INTO ${rollup.table} AS t (${[...columns, ...values].join(', ')})
  SELECT ${select.join(', ')}
  FROM jsonb_to_recordset($${firstParam + index}::jsonb) AS r(${recordColumns.join(', ')})
  ORDER BY ${sortBy.join(', ')}
  ON CONFLICT (${primary.join(', ')}) ${conflict}
  RETURNING 1
)`;
  });
}

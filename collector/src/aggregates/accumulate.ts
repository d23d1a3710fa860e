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

/** `,"k0":`, `,"v0":`…: the field names of a row's keys and values in the JSON of a payload. */
const KEY_NAMES = Array.from({ length: 16 }, (_, i) => `,"k${i}":`);
const VALUE_NAMES = Array.from({ length: 16 }, (_, i) => `,"v${i}":`);

/** Rows by bucket, then by each key column in turn; the last level holds the rows. */
type Level = Map<string | number, Level | Entry>;

/** One rollup's rows, by project and scene, then by bucket and keys. */
interface Table {
  readonly scopes: Map<string, Level>;
  /** Every row, in the order first added. */
  readonly rows: Entry[];
  /** The scope last added to: consecutive rows of a batch share project and scene. */
  lastProject: string;
  lastScene: string;
  lastRows: Level | undefined;
  /** The row last added to, in that scope: consecutive samples mostly fall in the same one. */
  lastRow: Entry | undefined;
}

function sameKeys(a: ReadonlyArray<string | number>, b: ReadonlyArray<string | number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Rows of every rollup gathered for one flush. */
export class Accumulator {
  private readonly tables = new Map<Rollup, Table>();

  /**
   * Fold one row into the accumulator: `t` (epoch ms) picks the bucket; `values` are in the
   * rollup's value-column order and combine with a row already gathered for the same key.
   * Called several times per event, so it looks rows up by a short key (bucket and keys) within
   * the scope (project, scene) it used last, and copies `keys` and `values` only for a new row.
   */
  add(rollup: Rollup, projectId: string, sceneId: string, t: number, keys: ReadonlyArray<string | number>, values: ReadonlyArray<number | string | null>): void {
    let table = this.tables.get(rollup);
    if (!table) {
      table = { scopes: new Map(), rows: [], lastProject: '', lastScene: '', lastRows: undefined, lastRow: undefined };
      this.tables.set(rollup, table);
    }
    let rows = table.lastRows;
    if (rows === undefined || table.lastProject !== projectId || table.lastScene !== sceneId) {
      const scope = projectId + '\u0000' + sceneId;
      rows = table.scopes.get(scope);
      if (!rows) {
        rows = new Map();
        table.scopes.set(scope, rows);
      }
      table.lastProject = projectId;
      table.lastScene = sceneId;
      table.lastRows = rows;
      table.lastRow = undefined;
    }
    const b = Math.floor(t / rollup.bucketMs) * rollup.bucketSeconds;
    let row = table.lastRow;
    if (row === undefined || row.b !== b || !sameKeys(row.k, keys)) {
      // One map per key column: lookups by a number or an existing string, no key string built.
      let level: Level = rows;
      let at: string | number = b;
      for (let i = 0; i < keys.length; i++) {
        let next = level.get(at) as Level | undefined;
        if (next === undefined) {
          next = new Map();
          level.set(at, next);
        }
        level = next;
        at = keys[i] as string | number;
      }
      row = level.get(at) as Entry | undefined;
      if (!row) {
        row = { p: projectId, sc: sceneId, b, k: keys.slice(), v: values.slice() };
        level.set(at, row);
        table.rows.push(row);
        table.lastRow = row;
        return;
      }
      table.lastRow = row;
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
    for (const table of this.tables.values()) n += table.rows.length;
    return n;
  }

  /**
   * The rollups with rows, and their rows as JSON for `json_to_recordset`, in table-name order
   * whatever order events came in: every flush then writes (and locks) the tables it shares with
   * another in the same order, so two flushes never wait on each other in a cycle.
   */
  payloads(): Array<{ rollup: Rollup; json: string }> {
    const out: Array<{ rollup: Rollup; json: string }> = [];
    const tables = [...this.tables].sort(([a], [b]) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
    for (const [rollup, table] of tables) {
      if (table.rows.length === 0) continue;
      // Written out by hand: what JSON.stringify makes of {p, sc, b, k0…, v0…}, without an
      // object per row.
      let json = '';
      let scope = '';
      let scopeOf: Entry | undefined;
      for (const row of table.rows) {
        if (scopeOf === undefined || scopeOf.p !== row.p || scopeOf.sc !== row.sc) {
          scope = `{"p":${JSON.stringify(row.p)},"sc":${JSON.stringify(row.sc)},"b":`;
          scopeOf = row;
        }
        json += (json === '' ? '[' : ',') + scope + row.b;
        for (let i = 0; i < row.k.length; i++) json += `${KEY_NAMES[i] ?? `,"k${i}":`}${JSON.stringify(row.k[i]) ?? 'null'}`;
        for (let i = 0; i < row.v.length; i++) json += `${VALUE_NAMES[i] ?? `,"v${i}":`}${JSON.stringify(row.v[i]) ?? 'null'}`;
        json += '}';
      }
      out.push({ rollup, json: json === '' ? '[]' : json + ']' });
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
  FROM json_to_recordset($${firstParam + index}::json) AS r(${recordColumns.join(', ')})
  ORDER BY ${sortBy.join(', ')}
  ON CONFLICT (${primary.join(', ')}) ${conflict}
  RETURNING 1
)`;
  });
}

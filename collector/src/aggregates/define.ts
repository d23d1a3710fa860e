/**
 * The shape every rollup shares: a table keyed by project, scene, a time bucket and a few key
 * columns, whose value columns only ever grow by an associative combine (sum, max, min, or
 * "keep the first"). Events are folded into such rows in memory and written as upserts that
 * combine with what is stored, so any number of collector processes can write to one database
 * in any order and the totals come out the same.
 *
 * A rollup is declared once ({@link defineRollup}); its drizzle table (for migrations), its
 * in-memory accumulator and its flush SQL are derived from that declaration.
 */
import { bigint, doublePrecision, integer, pgTable, primaryKey, text, timestamp, uuid, type PgColumnBuilderBase } from 'drizzle-orm/pg-core';

/** SQL type of a key column. */
export type KeyType = 'text' | 'int';
/** SQL type of a value column. */
export type ValueType = 'bigint' | 'int' | 'double' | 'text';
/**
 * How a stored value and an incoming one combine: `sum` adds, `max`/`min` keep the extreme,
 * `keep` keeps what was stored first (a label such as an error's message).
 */
export type Combine = 'sum' | 'max' | 'min' | 'keep';

/** A value column: its SQL type and how it combines. */
export interface ValueSpec {
  readonly type: ValueType;
  readonly combine: Combine;
}

/** Time bucket of a rollup: rows per UTC hour, or per UTC day for bulky ones (voxels). */
export type Bucket = 'hour' | 'day';

/** What {@link defineRollup} takes. */
export interface RollupSpec<K extends string, V extends string> {
  /** SQL table name (`agg_…`). */
  readonly table: string;
  readonly bucket: Bucket;
  /** Key columns after `project_id, scene_id, bucket`, in primary-key order. */
  readonly keys: Readonly<Record<K, KeyType>>;
  /** Value columns. May be empty: a set of keys (`ON CONFLICT DO NOTHING`). */
  readonly values: Readonly<Record<V, ValueSpec>>;
  /**
   * How many of the first keys come before the time bucket in the primary key (default 0):
   * keys every read filters on (a metric, a heatmap kind) go first, so a read scans only its
   * own rows of the window.
   */
  readonly leadingKeys?: number;
}

/** A declared rollup. */
export interface Rollup<K extends string = string, V extends string = string> extends RollupSpec<K, V> {
  /** Key column names in order. */
  readonly keyNames: readonly K[];
  /** Value column names in order. */
  readonly valueNames: readonly V[];
  /** Primary-key column names (SQL), in order: project, scene, leading keys, bucket, other keys. */
  readonly primaryKey: readonly string[];
  /** The drizzle table (exported from the schema so drizzle-kit generates its migration). */
  readonly pgTable: ReturnType<typeof pgTable>;
  /** Bucket length, ms and seconds. */
  readonly bucketMs: number;
  readonly bucketSeconds: number;
  /** How each value column combines, in column order (the hot path reads this, not `values`). */
  readonly combines: readonly Combine[];
}

/** A value column that adds up. */
export const sum = (type: Exclude<ValueType, 'text'> = 'bigint'): ValueSpec => ({ type, combine: 'sum' });
/** A value column that keeps the largest value. */
export const max = (type: Exclude<ValueType, 'text'> = 'bigint'): ValueSpec => ({ type, combine: 'max' });
/** A value column that keeps the smallest value. */
export const min = (type: Exclude<ValueType, 'text'> = 'bigint'): ValueSpec => ({ type, combine: 'min' });
/** A value column that keeps the first value stored. */
export const keep = (type: ValueType = 'text'): ValueSpec => ({ type, combine: 'keep' });

const HOUR_MS = 3_600_000;

/** snake_case SQL column of a camelCase name. */
export function columnName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function keyColumn(name: string, type: KeyType): PgColumnBuilderBase {
  return type === 'int' ? integer(columnName(name)).notNull() : text(columnName(name)).notNull();
}

function valueColumn(name: string, spec: ValueSpec): PgColumnBuilderBase {
  const column = columnName(name);
  if (spec.type === 'text') return text(column);
  if (spec.type === 'double') return doublePrecision(column).notNull().default(0);
  if (spec.type === 'int') return integer(column).notNull().default(0);
  return bigint(column, { mode: 'number' }).notNull().default(0);
}

/** Declare a rollup; see the module comment. */
export function defineRollup<K extends string, V extends string>(spec: RollupSpec<K, V>): Rollup<K, V> {
  const keyNames = Object.keys(spec.keys) as K[];
  const valueNames = Object.keys(spec.values) as V[];
  const columns: Record<string, PgColumnBuilderBase> = {
    projectId: uuid('project_id').notNull(),
    sceneId: text('scene_id').notNull(),
    [spec.bucket]: timestamp(spec.bucket, { withTimezone: true, mode: 'date' }).notNull(),
  };
  for (const k of keyNames) columns[k] = keyColumn(k, spec.keys[k]);
  for (const v of valueNames) columns[v] = valueColumn(v, spec.values[v]);
  const lead = spec.leadingKeys ?? 0;
  const order = ['projectId', 'sceneId', ...keyNames.slice(0, lead), spec.bucket, ...keyNames.slice(lead)];
  const table = pgTable(spec.table, columns, (t) => [primaryKey({ columns: order.map((name) => t[name]) as never })]);
  const primary = ['project_id', 'scene_id', ...keyNames.slice(0, lead).map(columnName), spec.bucket, ...keyNames.slice(lead).map(columnName)];
  const bucketMs = spec.bucket === 'hour' ? HOUR_MS : 24 * HOUR_MS;
  const combines = valueNames.map((v) => spec.values[v].combine);
  return { ...spec, keyNames, valueNames, primaryKey: primary, pgTable: table, bucketMs, bucketSeconds: bucketMs / 1000, combines };
}

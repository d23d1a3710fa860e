/**
 * Past one machine: when the database is a Citus coordinator (the `citus` extension is
 * installed), every table keyed by project is distributed by `project_id`, all co-located, so a
 * project's rows live on one worker and every statement of one project routes to one shard;
 * the few tables not keyed by project become reference tables (copied to every worker).
 *
 * Runs after migrations on the server driver, idempotently (tables already distributed are
 * left alone). On PostgreSQL without Citus, and on the embedded store, it does nothing.
 *
 * Not run here: Citus cannot be installed on the development machine, so this path is tested
 * only up to the plan it derives from the schema and the statements it would send (see
 * `citus.test.ts`); `compose.yaml`'s `citus` profile runs it against a real cluster.
 */
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';
import type { Store } from './types.js';

/** The column every distributed table is distributed by. */
export const DISTRIBUTION_COLUMN = 'project_id';

/** Tables that are not keyed by a project: reference tables on Citus. */
export const REFERENCE_TABLES: readonly string[] = ['operator_sessions', 'operators', 'projects', 'sign_in_failures'];

/** How each table of the schema is placed on Citus. */
export interface DistributionPlan {
  /** Distributed by `project_id`, co-located with the first, in order. */
  distributed: string[];
  reference: string[];
}

/** Every table of the drizzle schema. */
export function schemaTables(): PgTable[] {
  const values: unknown[] = Object.values(schema);
  return values.filter((value): value is PgTable => is(value, PgTable));
}

/**
 * What keeps `tables` from being distributed by project: a table without `project_id` (other
 * than a reference table), a primary key, unique constraint, unique column or unique index
 * without it. Empty when the schema is distributable.
 */
export function distributabilityProblems(tables: readonly PgTable[]): string[] {
  const problems: string[] = [];
  for (const table of tables) {
    const t = getTableConfig(table);
    if (REFERENCE_TABLES.includes(t.name)) continue;
    const columns = t.columns.map((c) => c.name);
    if (!columns.includes(DISTRIBUTION_COLUMN)) problems.push(`${t.name}: no ${DISTRIBUTION_COLUMN}`);
    const composite = t.primaryKeys.flatMap((k) => k.columns.map((c) => c.name));
    const key = composite.length > 0 ? composite : t.columns.filter((c) => c.primary).map((c) => c.name);
    if (!key.includes(DISTRIBUTION_COLUMN)) problems.push(`${t.name}: primary key (${key.join(', ')}) lacks ${DISTRIBUTION_COLUMN}`);
    for (const u of t.uniqueConstraints) {
      const cols = u.columns.map((c) => c.name);
      if (!cols.includes(DISTRIBUTION_COLUMN)) problems.push(`${t.name}: unique ${u.getName()} (${cols.join(', ')}) lacks ${DISTRIBUTION_COLUMN}`);
    }
    for (const c of t.columns) if (c.isUnique && c.name !== DISTRIBUTION_COLUMN) problems.push(`${t.name}.${c.name}: unique column without ${DISTRIBUTION_COLUMN}`);
    for (const i of t.indexes) {
      if (!i.config.unique) continue;
      const cols = i.config.columns.map((c) => ('name' in c ? String(c.name) : ''));
      if (!cols.includes(DISTRIBUTION_COLUMN)) problems.push(`${t.name}: unique index ${i.config.name ?? ''} lacks ${DISTRIBUTION_COLUMN}`);
    }
  }
  return problems;
}

/** The plan for the schema: reference tables are listed, every other table is distributed. */
export function distributionPlan(tables: readonly PgTable[] = schemaTables()): DistributionPlan {
  const names = tables.map((t) => getTableConfig(t).name).sort();
  return {
    distributed: names.filter((n) => !REFERENCE_TABLES.includes(n)),
    reference: names.filter((n) => REFERENCE_TABLES.includes(n)),
  };
}

/** The statements that apply `plan` on a Citus coordinator where none of it is applied yet. */
export function distributionStatements(plan: DistributionPlan): string[] {
  const [first] = plan.distributed;
  return [
    ...plan.reference.map((t) => `SELECT create_reference_table('${t}')`),
    ...plan.distributed.map((t) =>
      t === first
        ? `SELECT create_distributed_table('${t}', '${DISTRIBUTION_COLUMN}')`
        : `SELECT create_distributed_table('${t}', '${DISTRIBUTION_COLUMN}', colocate_with => '${first}')`,
    ),
  ];
}

/**
 * Distribute the schema when the database is a Citus coordinator; answers what it did
 * (`null`: not Citus, nothing to do).
 */
export async function distributeOnCitus(store: Store): Promise<{ distributed: string[]; reference: string[] } | null> {
  if (store.kind !== 'postgres') return null;
  const citus = await store.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
  if (citus.length === 0) return null;
  const placed = new Set((await store.query<{ t: string }>('SELECT logicalrelid::regclass::text AS t FROM pg_dist_partition')).map((r) => r.t));
  const plan = distributionPlan();
  const todo: DistributionPlan = {
    distributed: plan.distributed.filter((t) => !placed.has(t)),
    reference: plan.reference.filter((t) => !placed.has(t)),
  };
  // Keep co-location with the tables already distributed.
  const anchor = plan.distributed.find((t) => placed.has(t));
  const statements = anchor
    ? [...todo.reference.map((t) => `SELECT create_reference_table('${t}')`), ...todo.distributed.map((t) => `SELECT create_distributed_table('${t}', '${DISTRIBUTION_COLUMN}', colocate_with => '${anchor}')`)]
    : distributionStatements(todo);
  for (const sql of statements) await store.query(sql);
  return todo;
}

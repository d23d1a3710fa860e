/**
 * The schema is distributable by project (Citus): every table but the reference tables has a
 * `project_id`, and every primary key and every unique constraint or index includes it — the
 * rule Citus sets for a table distributed by that column. A new table or index that breaks it
 * fails here. Citus itself cannot run on this machine; on real PostgreSQL without it, the
 * distribution step must do nothing.
 */
import { getTableConfig, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestStore } from '../testing/harness.js';
import { distributabilityProblems, distributeOnCitus, distributionPlan, distributionStatements, schemaTables } from './citus.js';
import type { Store } from './types.js';

describe('the schema is distributable by project', () => {
  const tables = schemaTables().map((t) => getTableConfig(t));

  it('finds every table of the schema', () => {
    expect(tables.length).toBeGreaterThan(20);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['sessions', 'agg_mesh_attention', 'session_chunks', 'audit_log', 'projects']));
  });

  it('gives every table but the reference tables a project_id in its primary key and in every unique key', () => {
    expect(distributabilityProblems(schemaTables())).toEqual([]);
  });

  it('would catch a table that breaks the rule', () => {
    const bad = pgTable('bad', { projectId: uuid('project_id').notNull(), id: text('id').primaryKey(), email: text('email').unique() }, (t) => [
      uniqueIndex('bad_email_idx').on(t.email),
    ]);
    const none = pgTable('none', { id: text('id').primaryKey() });
    expect(distributabilityProblems([bad, none])).toEqual([
      'bad: primary key (id) lacks project_id',
      'bad.email: unique column without project_id',
      'bad: unique index bad_email_idx lacks project_id',
      'none: no project_id',
      'none: primary key (id) lacks project_id',
    ]);
  });

  it('plans every project-keyed table as distributed and co-located, the rest as reference tables', () => {
    const plan = distributionPlan();
    expect(plan.reference).toEqual(['operator_sessions', 'operators', 'projects', 'sign_in_failures']);
    expect(plan.distributed).toHaveLength(tables.length - 4);
    const statements = distributionStatements(plan);
    expect(statements[2]).toBe("SELECT create_reference_table('projects')");
    const [anchor] = plan.distributed;
    expect(statements.slice(5).every((s) => s.includes(`colocate_with => '${anchor}'`))).toBe(true);
  });
});

describe('on PostgreSQL without Citus', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore('postgres', inject('postgresUrl')));
  });
  afterAll(async () => cleanup?.());

  it('distributes nothing and changes nothing', async () => {
    expect(await distributeOnCitus(store)).toBeNull();
  });
});

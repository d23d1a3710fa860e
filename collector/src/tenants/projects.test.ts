import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Store } from '../storage/types.js';
import { DRIVERS, openTestStore } from '../testing/harness.js';
import { createKey, createProject, revokeKey, type Project } from './projects.js';

describe.each(DRIVERS)('key changes are audited on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let project: Project;
  let other: Project;

  const audit = (projectId: string) =>
    store.query<{ actor: string; action: string; target: string; detail: Record<string, unknown> }>(
      "SELECT actor, action, target, detail FROM audit_log WHERE project_id = $1 AND action LIKE 'key.%' ORDER BY at, id",
      [projectId],
    );

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
    project = (await createProject(store, { name: 'audited', privacyMode: 'standard', retentionDays: 90 }, 'cli')).project;
    other = (await createProject(store, { name: 'other', privacyMode: 'standard', retentionDays: 90 }, 'cli')).project;
  });
  afterAll(() => cleanup?.());

  it('writes key.create with the key id and kind, and key.revoke only when a live key of that project was revoked', async () => {
    // Both rows of one transaction share their `at`: compare them in a fixed order.
    const created = (await audit(project.id)).sort((a, b) => JSON.stringify(a.detail).localeCompare(JSON.stringify(b.detail)));
    expect(created).toEqual([
      expect.objectContaining({ actor: 'cli', action: 'key.create', detail: { kind: 'pk' } }),
      expect.objectContaining({ actor: 'cli', action: 'key.create', detail: { kind: 'sk' } }),
    ]);

    const key = await createKey(store, project.id, 'sk', 'ci', 'key:operator');
    expect(await revokeKey(store, other.id, key.id, 'cli')).toBe(false);
    expect(await revokeKey(store, project.id, key.id, 'cli')).toBe(true);
    expect(await revokeKey(store, project.id, key.id, 'cli')).toBe(false);

    const rows = await audit(project.id);
    expect(rows.slice(2)).toEqual([
      { actor: 'key:operator', action: 'key.create', target: key.id, detail: { kind: 'sk', label: 'ci' } },
      { actor: 'cli', action: 'key.revoke', target: key.id, detail: {} },
    ]);
    expect(await audit(other.id)).toHaveLength(2);
    const [row] = await store.query<{ revoked: boolean }>('SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE project_id = $1 AND id = $2', [project.id, key.id]);
    expect(row?.revoked).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BROWSER_USER_AGENT, openTestStore, startTestCollector, type TestCollector } from '../../testing/harness.js';
import type { Store } from '../../storage/types.js';

describe('API keys over HTTP', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore('postgres', inject('postgresUrl')));
    c = await startTestCollector(store);
  });
  afterAll(async () => {
    await c?.close();
    await cleanup?.();
  });

  const call = (method: string, path: string, body?: unknown, key = c.sk) =>
    fetch(`${c.url}${path}`, { method, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('creates a key shown once, lists keys without tokens, revokes one so it stops working', async () => {
    const created = await call('POST', '/api/v1/keys', { kind: 'pk', label: 'storefront' });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; token: string; kind: string };
    expect(key.token).toMatch(/^pk_/);
    const listed = (await (await call('GET', '/api/v1/keys')).json()) as { keys: Array<Record<string, unknown>> };
    expect(listed.keys.map((k) => k.id)).toContain(key.id);
    expect(JSON.stringify(listed)).not.toContain(key.token);
    const config = () => fetch(`${c.url}/api/v1/config?scene=s`, { headers: { Authorization: `Bearer ${key.token}`, 'User-Agent': BROWSER_USER_AGENT } });
    expect((await config()).status).toBe(200);
    expect((await call('DELETE', `/api/v1/keys/${key.id}`)).status).toBe(204);
    expect((await config()).status).toBe(401);
    expect((await call('DELETE', `/api/v1/keys/${key.id}`)).status).toBe(404);
    const audit = await store.query("SELECT action FROM audit_log WHERE project_id = $1 AND action LIKE 'key.%' AND target = $2 ORDER BY at", [c.project.id, key.id]);
    expect(audit.map((r) => r.action)).toEqual(['key.create', 'key.revoke']);
  });

  it('refuses a bad kind and a publishable key', async () => {
    expect((await call('POST', '/api/v1/keys', { kind: 'xk' })).status).toBe(400);
    expect((await call('GET', '/api/v1/keys', undefined, c.pk)).status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Store } from '../../storage/types.js';
import { DRIVERS, openTestStore, startTestCollector, type TestCollector } from '../../testing/harness.js';
import { snapshotProject } from '../../testing/seed.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(c: TestCollector, method: 'GET' | 'PATCH', body?: unknown, key: string | null = c.sk, origin?: string): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (key) headers.Authorization = `Bearer ${key}`;
  if (origin) headers.Origin = origin;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${c.url}/api/v1/project`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function updates(store: Store, projectId: string): Promise<Array<{ actor: string; target: string; detail: Record<string, unknown> }>> {
  return store.query("SELECT actor, target, detail FROM audit_log WHERE project_id = $1 AND action = 'project.update' ORDER BY at, id", [projectId]);
}

describe.each(DRIVERS)('GET and PATCH /api/v1/project on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;
  let other: TestCollector;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
    c = await startTestCollector(store);
    other = await startTestCollector(store);
  });

  afterAll(async () => {
    await c?.close();
    await other?.close();
    await cleanup?.();
  });

  it('needs a secret key', async () => {
    for (const method of ['GET', 'PATCH'] as const) {
      const body = method === 'PATCH' ? { retention_days: 5 } : undefined;
      expect(await call(c, method, body, null)).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
      expect(await call(c, method, body, c.pk)).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    }
    expect(await updates(store, c.project.id)).toEqual([]);
  });

  it("answers the key's project's settings", async () => {
    const res = await call(c, 'GET');
    expect(res).toEqual({
      status: 200,
      body: {
        id: c.project.id,
        name: c.project.name,
        privacy_mode: 'standard',
        retention_days: 90,
        hash_rotation_hours: null,
        allowed_origins: ['https://shop.example'],
        monthly_event_quota: null,
        created_at: c.project.createdAt.toISOString(),
      },
    });
  });

  it('changes settings in one audited step, old and new values of the changed ones only; a project_id field is ignored', async () => {
    const theirs = await snapshotProject(store, other.project.id);
    const res = await call(c, 'PATCH', {
      project_id: other.project.id,
      privacy_mode: 'strict',
      retention_days: 90,
      hash_rotation_hours: 12,
      allowed_origins: ['https://Shop.Example:443/', 'http://localhost:5173', 'https://shop.example'],
      monthly_event_quota: 1_000_000,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: c.project.id,
      privacy_mode: 'strict',
      retention_days: 90,
      hash_rotation_hours: 12,
      allowed_origins: ['https://shop.example', 'http://localhost:5173'],
      monthly_event_quota: 1_000_000,
    });
    const [row] = await store.query<{ privacy_mode: string; hash_rotation_hours: number; allowed_origins: string[]; monthly_event_quota: number | string }>(
      'SELECT privacy_mode, hash_rotation_hours, allowed_origins, monthly_event_quota FROM projects WHERE id = $1',
      [c.project.id],
    );
    expect({ ...row, monthly_event_quota: Number(row?.monthly_event_quota) }).toEqual({
      privacy_mode: 'strict',
      hash_rotation_hours: 12,
      allowed_origins: ['https://shop.example', 'http://localhost:5173'],
      monthly_event_quota: 1_000_000,
    });
    const skId = c.keys.find((k) => k.kind === 'sk')?.id;
    expect(await updates(store, c.project.id)).toEqual([
      {
        actor: `key:${skId}`,
        target: c.project.id,
        detail: {
          privacy_mode: { old: 'standard', new: 'strict' },
          hash_rotation_hours: { old: null, new: 12 },
          allowed_origins: { old: ['https://shop.example'], new: ['https://shop.example', 'http://localhost:5173'] },
          monthly_event_quota: { old: null, new: 1_000_000 },
        },
      },
    ]);
    expect(await snapshotProject(store, other.project.id)).toEqual(theirs);

    // Back to the global default and no quota; a patch that changes nothing writes nothing.
    expect((await call(c, 'PATCH', { hash_rotation_hours: null, monthly_event_quota: null })).body).toMatchObject({ hash_rotation_hours: null, monthly_event_quota: null });
    expect(await updates(store, c.project.id)).toHaveLength(2);
    expect((await call(c, 'PATCH', { hash_rotation_hours: null, privacy_mode: 'strict' })).status).toBe(200);
    expect(await updates(store, c.project.id)).toHaveLength(2);
  });

  it('refuses bad values and unknown fields with 400 invalid_payload and changes nothing', async () => {
    const before = await snapshotProject(store, c.project.id, ['rate_buckets']);
    const cases: Array<[unknown, RegExp]> = [
      [{}, /nothing to change/],
      [{ project_id: c.project.id }, /nothing to change/],
      [[], /JSON object/],
      [{ name: 'renamed' }, /"name" is not a setting/],
      [{ privacy_mode: 'lax' }, /privacy_mode must be one of standard, strict, paranoid/],
      [{ retention_days: 0 }, /retention_days must be an integer in 1\.\.3650/],
      [{ retention_days: 3651 }, /retention_days/],
      [{ retention_days: '30' }, /retention_days/],
      [{ retention_days: null }, /retention_days/],
      [{ hash_rotation_hours: 8761 }, /hash_rotation_hours must be an integer in 1\.\.8760 or null/],
      [{ hash_rotation_hours: 1.5 }, /hash_rotation_hours/],
      [{ allowed_origins: 'https://a.example' }, /allowed_origins must be an array/],
      [{ allowed_origins: ['https://a.example/path'] }, /allowed_origins: .* is not an origin/],
      [{ allowed_origins: ['ftp://a.example'] }, /not an origin/],
      [{ allowed_origins: [7] }, /allowed_origins must hold strings/],
      [{ monthly_event_quota: -1 }, /monthly_event_quota must be an integer in 0\.\./],
      [{ monthly_event_quota: 2 ** 60 }, /monthly_event_quota/],
      [{ retention_days: 30, privacy_mode: 'nope' }, /privacy_mode/],
    ];
    for (const [body, message] of cases) {
      const res = await call(c, 'PATCH', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe('invalid_payload');
      expect(String(res.body.message)).toMatch(message);
    }
    expect(await snapshotProject(store, c.project.id, ['rate_buckets'])).toEqual(before);
  });

  it('applies a new origin at once in this collector (its settings cache is dropped)', async () => {
    const origin = 'https://new-shop.example';
    expect(await call(c, 'GET', undefined, c.sk, origin)).toMatchObject({ status: 403, body: { error: 'origin_not_allowed' } });
    const patched = await call(c, 'PATCH', { allowed_origins: ['https://shop.example', origin] });
    expect(patched.status).toBe(200);
    const res = await fetch(`${c.url}/api/v1/project`, { headers: { Authorization: `Bearer ${c.sk}`, Origin: origin } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    // Preflights (no key) learn the origin at once too, and PATCH is an allowed method.
    const preflight = await fetch(`${c.url}/api/v1/project`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'PATCH' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
  });
});

/**
 * Scene proxies through the real app on both stores: what `PUT /api/v1/scenes/:sceneId/proxy`
 * stores (and does not store), every refusal, `proxyHash` in `GET /api/v1/config`, the sk read,
 * a real CORS preflight, and one project's keys never reaching another's proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PROXY_MESHES } from '../../tenants/scene-proxy.js';
import { DRIVERS, startTestCollector, useTestStore, type TestCollector } from '../../testing/harness.js';

const ORIGIN = 'https://shop.example';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(c: TestCollector, method: string, path: string, key: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const h: Record<string, string> = { ...headers };
  if (key) h.Authorization = `Bearer ${key}`;
  let payload: string | undefined;
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(`${c.url}${path}`, { method, headers: h, body: payload });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

const put = (c: TestCollector, scene: string, body: unknown, key: string, headers?: Record<string, string>) =>
  call(c, 'PUT', `/api/v1/scenes/${encodeURIComponent(scene)}/proxy`, key, body, headers);

function meshes(n: number, offset = 0): Array<{ id: string; box: number[] }> {
  return Array.from({ length: n }, (_, i) => ({ id: `sofa/part-${i + offset}`, box: [-1000 - i, 0, -500, 1000 + i, 900, 500] }));
}

describe.each(DRIVERS)('scene proxies on the %s store', (driver) => {
  const db = useTestStore(driver);
  let c: TestCollector;
  let other: TestCollector;

  beforeAll(async () => {
    c = await startTestCollector(db.store);
    other = await startTestCollector(db.store, {}, ['https://other.example']);
  });

  afterAll(async () => {
    await c?.close();
    await other?.close();
  });

  async function stored(projectId: string, scene: string) {
    return db.store.query<{ hash: string; meshes: unknown; mesh_count: number; updated_at: Date }>(
      'SELECT hash, meshes, mesh_count, updated_at FROM scene_proxies WHERE project_id = $1 AND scene_id = $2',
      [projectId, scene],
    );
  }

  async function audits(projectId: string) {
    return db.store.query<{ actor: string; target: string; detail: unknown }>(
      "SELECT actor, target, detail FROM audit_log WHERE project_id = $1 AND action = 'scene.proxy' ORDER BY at, id",
      [projectId],
    );
  }

  it('stores a proxy sent with the pk key from an allowed origin, answers its hash in the config, and reads it back with the sk key', async () => {
    const before = await call(c, 'GET', '/api/v1/config?scene=sofa', c.pk);
    expect(before.body.proxyHash).toBeNull();

    const sent = { hash: '1a2b3c4d', meshes: [{ id: 'GlamVelvetSofa_fabric', box: [-1100, 0, -480, 1100, 850, 480] }, { id: 'legs/é ü', box: [0, 0, 0, 0, 0, 0] }] };
    const answer = await put(c, 'sofa', { ...sent, project_id: other.project.id }, c.pk, { Origin: ORIGIN });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ scene: 'sofa', hash: '1a2b3c4d', meshes: 2, changed: true });
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);

    const [row] = await stored(c.project.id, 'sofa');
    expect(row).toMatchObject({ hash: '1a2b3c4d', meshes: sent.meshes, mesh_count: 2 });
    expect(await stored(other.project.id, 'sofa')).toEqual([]);
    const pkId = c.keys.find((k) => k.kind === 'pk')?.id;
    expect(await audits(c.project.id)).toEqual([{ actor: `key:${pkId}`, target: 'sofa', detail: { hash: '1a2b3c4d', meshes: 2 } }]);

    expect((await call(c, 'GET', '/api/v1/config?scene=sofa', c.pk)).body.proxyHash).toBe('1a2b3c4d');
    expect((await call(c, 'GET', '/api/v1/config?scene=other-scene', c.pk)).body.proxyHash).toBeNull();

    const read = await call(c, 'GET', '/api/v1/scenes/sofa/proxy', c.sk);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ scene: 'sofa', hash: '1a2b3c4d', meshes: sent.meshes, updatedAt: row?.updated_at.toISOString() });
    expect(await call(c, 'GET', '/api/v1/scenes/sofa/proxy', c.pk)).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    expect(await call(c, 'GET', '/api/v1/scenes/nothing-here/proxy', c.sk)).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('writes nothing when the stored hash already equals the sent one, and replaces the proxy when it differs', async () => {
    expect((await put(c, 'versions', { hash: 'v1', meshes: meshes(3) }, c.pk)).body.changed).toBe(true);
    const [first] = await stored(c.project.id, 'versions');
    const auditsBefore = (await audits(c.project.id)).length;

    // The hash is the client's version tag: same tag, nothing written, even with other meshes.
    const same = await put(c, 'versions', { hash: 'v1', meshes: meshes(5, 100) }, c.sk);
    expect(same.status).toBe(200);
    expect(same.body).toEqual({ scene: 'versions', hash: 'v1', meshes: 5, changed: false });
    expect(await stored(c.project.id, 'versions')).toEqual([first]);
    expect(await audits(c.project.id)).toHaveLength(auditsBefore);

    const next = await put(c, 'versions', { hash: 'v2', meshes: [] }, c.pk);
    expect(next.body).toEqual({ scene: 'versions', hash: 'v2', meshes: 0, changed: true });
    const [second] = await stored(c.project.id, 'versions');
    expect(second).toMatchObject({ hash: 'v2', meshes: [], mesh_count: 0 });
    expect(second?.updated_at.getTime()).toBeGreaterThanOrEqual(first?.updated_at.getTime() ?? Infinity);
    expect(await audits(c.project.id)).toHaveLength(auditsBefore + 1);
    expect((await call(c, 'GET', '/api/v1/config?scene=versions', c.pk)).body.proxyHash).toBe('v2');
  });

  it('accepts the largest proxy (5000 meshes of long ids) and scene ids with slashes', async () => {
    const big = Array.from({ length: MAX_PROXY_MESHES }, (_, i) => ({ id: `${'m'.repeat(120)}${String(i).padStart(8, '0')}`, box: [-10_000_000, -1, -1, 10_000_000, 1, 1] }));
    const answer = await put(c, 'store/floor:2', { hash: 'f'.repeat(64), meshes: big }, c.pk);
    expect(answer.status).toBe(200);
    expect(answer.body.meshes).toBe(MAX_PROXY_MESHES);
    const [row] = await stored(c.project.id, 'store/floor:2');
    expect(row?.mesh_count).toBe(MAX_PROXY_MESHES);
    expect((await call(c, 'GET', `/api/v1/scenes/${encodeURIComponent('store/floor:2')}/proxy`, c.sk)).body.meshes).toEqual(big);
  });

  it('refuses a bad proxy with 400 invalid_payload naming the first bad field, and stores nothing of it', async () => {
    const ok = { id: 'a', box: [0, 0, 0, 1, 1, 1] };
    const refusals: Array<[unknown, string]> = [
      [[], 'send a JSON object'],
      ['"text"', 'send a JSON object'],
      [{ hash: 'abc', meshes: [], colour: 'red' }, 'unknown fields: colour'],
      [{ meshes: [] }, 'hash must be'],
      [{ hash: '', meshes: [] }, 'hash must be'],
      [{ hash: 'ABC', meshes: [] }, 'hash must be'],
      [{ hash: 'a'.repeat(65), meshes: [] }, 'hash must be'],
      [{ hash: 12345678, meshes: [] }, 'hash must be'],
      [{ hash: 'abc' }, 'meshes must be an array'],
      [{ hash: 'abc', meshes: { a: ok } }, 'meshes must be an array'],
      [{ hash: 'abc', meshes: meshes(MAX_PROXY_MESHES + 1) }, `at most ${MAX_PROXY_MESHES} meshes`],
      [{ hash: 'abc', meshes: [ok, null] }, 'meshes[1] must be'],
      [{ hash: 'abc', meshes: [ok, { ...ok, id: 'b', name: 'x' }] }, 'meshes[1] has unknown fields: name'],
      [{ hash: 'abc', meshes: [{ box: ok.box }] }, 'meshes[0].id must be'],
      [{ hash: 'abc', meshes: [{ ...ok, id: '' }] }, 'meshes[0].id must be'],
      [{ hash: 'abc', meshes: [{ ...ok, id: 7 }] }, 'meshes[0].id must be'],
      [{ hash: 'abc', meshes: [{ ...ok, id: 'x'.repeat(129) }] }, 'meshes[0].id must be'],
      [{ hash: 'abc', meshes: [{ ...ok, id: 'tab\there' }] }, 'meshes[0].id must be'],
      [{ hash: 'abc', meshes: [{ ...ok, id: 'nul\u0000' }] }, 'meshes[0].id must be'],
      [{ hash: 'abc', meshes: [{ ...ok, id: 'del\u007f' }] }, 'meshes[0].id must be'],
      [{ hash: 'abc', meshes: [{ ...ok, id: 'c1\u0085' }] }, 'meshes[0].id must be'],
      [{ hash: 'abc', meshes: [{ ...ok, id: 'half\ud83d' }] }, 'meshes[0].id must be'],
      [{ hash: 'abc', meshes: [ok, { id: 'b', box: [0, 0, 0, 1, 1] }] }, 'meshes[1].box must be 6 integers'],
      [{ hash: 'abc', meshes: [{ id: 'b', box: [0, 0, 0, 1, 1, 1, 1] }] }, 'meshes[0].box must be 6 integers'],
      [{ hash: 'abc', meshes: [{ id: 'b', box: [0, 0, 0, 1, 1.5, 1] }] }, 'meshes[0].box must be 6 integers'],
      [{ hash: 'abc', meshes: [{ id: 'b', box: [0, 0, 0, 1, '1', 1] }] }, 'meshes[0].box must be 6 integers'],
      [{ hash: 'abc', meshes: [{ id: 'b', box: [0, 0, -10_000_001, 1, 1, 1] }] }, 'meshes[0].box must be 6 integers'],
      [{ hash: 'abc', meshes: [{ id: 'b', box: [0, 2, 0, 1, 1, 1] }] }, 'meshes[0].box must be 6 integers'],
      [{ hash: 'abc', meshes: [{ id: 'b', box: 'big' }] }, 'meshes[0].box must be 6 integers'],
      [{ hash: 'abc', meshes: [ok, { id: 'b', box: ok.box }, { id: 'a', box: ok.box }] }, 'meshes[2].id repeats meshes[0].id'],
    ];
    for (const [body, message] of refusals) {
      const answer = await put(c, 'refused', body, c.pk);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.error).toBe('invalid_payload');
      expect(answer.body.message).toContain(message);
    }
    const notJson = await call(c, 'PUT', '/api/v1/scenes/refused/proxy', c.pk, '{"hash": "abc", "meshes": [');
    expect(notJson).toMatchObject({ status: 400, body: { error: 'invalid_payload', message: 'the body is not valid JSON' } });
    const badScene = await put(c, 'bad scene!', { hash: 'abc', meshes: [] }, c.pk);
    expect(badScene).toMatchObject({ status: 400, body: { error: 'invalid_payload', message: expect.stringContaining('scene must be') } });
    expect(await stored(c.project.id, 'refused')).toEqual([]);
  });

  it('refuses a body over 1 MiB (413), a missing or revoked key (401), a foreign origin (403), and stores nothing', async () => {
    const huge = JSON.stringify({ hash: 'abc', meshes: [{ id: 'a', box: [0, 0, 0, 1, 1, 1] }], pad: 'x'.repeat(1024 * 1024) });
    expect(await call(c, 'PUT', '/api/v1/scenes/limits/proxy', c.pk, huge)).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
    expect(await put(c, 'limits', { hash: 'abc', meshes: [] }, '')).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
    expect(await put(c, 'limits', { hash: 'abc', meshes: [] }, `${c.pk.slice(0, -4)}AAAA`)).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
    const foreign = await put(c, 'limits', { hash: 'abc', meshes: [] }, c.pk, { Origin: 'https://evil.example' });
    expect(foreign).toMatchObject({ status: 403, body: { error: 'origin_not_allowed' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(await stored(c.project.id, 'limits')).toEqual([]);
  });

  it('grants a real CORS preflight for the PUT from an allowed origin, and refuses one from elsewhere', async () => {
    const preflight = (origin: string) =>
      fetch(`${c.url}/api/v1/scenes/sofa/proxy`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization,content-type' },
      });
    const granted = await preflight(ORIGIN);
    expect(granted.status).toBe(204);
    expect(granted.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(granted.headers.get('access-control-allow-methods')?.split(',')).toContain('PUT');
    expect(granted.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('is rate limited per key on its own bucket (api class) with Retry-After, storing nothing over the limit', async () => {
    const limited = await startTestCollector(db.store);
    try {
      await db.store.query('UPDATE projects SET rate_limits = $2::jsonb WHERE id = $1', [limited.project.id, JSON.stringify({ api: { perSecond: 0.001, burst: 2 } })]);
      limited.deps.tenants.invalidate(limited.project.id);
      expect((await put(limited, 'rl', { hash: 'a1', meshes: [] }, limited.pk)).status).toBe(200);
      expect((await put(limited, 'rl', { hash: 'a2', meshes: [] }, limited.pk)).status).toBe(200);
      const over = await put(limited, 'rl', { hash: 'a3', meshes: [] }, limited.pk);
      expect(over).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await stored(limited.project.id, 'rl'))[0]?.hash).toBe('a2');
      // Another route's bucket is untouched.
      expect((await call(limited, 'GET', '/api/v1/config?scene=rl', limited.pk)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("never reads or writes another project's proxy: the key alone decides the project", async () => {
    expect((await put(other, 'shared', { hash: 'bbbb', meshes: [{ id: 'b-secret-mesh', box: [0, 0, 0, 1, 1, 1] }] }, other.pk, { Origin: 'https://other.example' })).status).toBe(200);
    const theirs = await stored(other.project.id, 'shared');

    expect(await call(c, 'GET', `/api/v1/scenes/shared/proxy?project_id=${other.project.id}`, c.sk)).toMatchObject({ status: 404 });
    expect((await call(c, 'GET', '/api/v1/config?scene=shared', c.pk)).body.proxyHash).toBeNull();
    // The same scene id and the same hash under A's key is A's own first proxy, not "unchanged".
    const mine = await put(c, 'shared', { hash: 'bbbb', meshes: [], project_id: other.project.id }, c.pk);
    expect(mine.body).toMatchObject({ changed: true, meshes: 0 });
    // B's key from A's origin is refused (B's list does not have it).
    expect((await put(other, 'shared', { hash: 'cccc', meshes: [] }, other.pk, { Origin: ORIGIN })).status).toBe(403);

    expect(await stored(other.project.id, 'shared')).toEqual(theirs);
    expect((await call(other, 'GET', '/api/v1/scenes/shared/proxy', other.sk)).body).toMatchObject({ hash: 'bbbb', meshes: [{ id: 'b-secret-mesh', box: [0, 0, 0, 1, 1, 1] }] });
    expect((await stored(c.project.id, 'shared'))[0]).toMatchObject({ hash: 'bbbb', meshes: [] });
  });
});

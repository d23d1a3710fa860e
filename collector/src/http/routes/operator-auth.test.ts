/**
 * Dashboard sign-in through the real app: scrypt-hashed passwords, an httpOnly SameSite=Strict
 * session cookie, CSRF on writes, roles, membership (an operator sees only its projects),
 * sign-out, and brute-force throttling per address.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOperator } from '../../operators/operators.js';
import type { Store } from '../../storage/types.js';
import { createProject } from '../../tenants/projects.js';
import { updateScene } from '../../tenants/scenes.js';
import { DRIVERS, openTestStore, startTestCollector, type TestCollector } from '../../testing/harness.js';

const PASSWORD = 'correct horse battery staple';

describe.each(DRIVERS)('dashboard sign-in on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;
  let viewed: string;
  let foreign: string;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
    c = await startTestCollector(store);
    viewed = (await createProject(store, { name: 'viewed', privacyMode: 'standard', retentionDays: 30, allowedOrigins: [] }, 'test')).project.id;
    foreign = (await createProject(store, { name: 'not mine', privacyMode: 'standard', retentionDays: 30, allowedOrigins: [] }, 'test')).project.id;
    await createOperator(store, { email: 'Ada@Example.com', password: PASSWORD, projects: [{ id: c.project.id, role: 'admin' }, { id: viewed, role: 'viewer' }] }, 'test');
  });

  afterAll(async () => {
    await c?.close();
    await cleanup?.();
  });

  async function signIn(email: string, password: string): Promise<Response> {
    return fetch(`${c.url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  }

  async function session(): Promise<{ cookie: string; csrf: string }> {
    const res = await signIn('ada@example.com', PASSWORD);
    expect(res.status).toBe(200);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
    return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
  }

  it('stores passwords as scrypt hashes, never in clear', async () => {
    const [row] = await store.query<{ password_hash: string }>("SELECT password_hash FROM operators WHERE email = 'ada@example.com'");
    expect(row?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row?.password_hash).not.toContain(PASSWORD);
  });

  it('signs in with an httpOnly SameSite=Strict cookie and answers the operator\'s own projects', async () => {
    const res = await signIn('ada@example.com', PASSWORD);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^vantage_session=[A-Za-z0-9_-]{43};/);
    expect(cookie.toLowerCase()).toContain('httponly');
    expect(cookie.toLowerCase()).toContain('samesite=strict');
    const body = (await res.json()) as { operator: { email: string; projects: Array<{ id: string; role: string }> }; csrfToken: string };
    expect(body.operator.email).toBe('ada@example.com');
    expect(body.operator.projects.map((p) => [p.id, p.role]).sort()).toEqual([[c.project.id, 'admin'], [viewed, 'viewer']].sort());
    const me = await fetch(`${c.url}/api/v1/auth/me`, { headers: { Cookie: cookie.split(';')[0] as string } });
    expect(((await me.json()) as { csrfToken: string }).csrfToken).toBe(body.csrfToken);
  });

  it("lets the dashboard page load the models of the operator's scenes, from their origins only", async () => {
    await updateScene(store, c.project.id, 'sofa', { modelUrl: 'https://CDN.example:8443/models/sofa.glb' }, 'test');
    await updateScene(store, c.project.id, 'chair', { modelUrl: 'https://cdn.example:8443/models/chair.glb?v=2' }, 'test');
    await updateScene(store, c.project.id, 'local', { modelUrl: '/demo/assets/GlamVelvetSofa.glb' }, 'test');
    await updateScene(store, viewed, 'lamp', { modelUrl: 'http://127.0.0.1:9/lamp.glb' }, 'test');
    await updateScene(store, foreign, 'secret', { modelUrl: 'https://not-mine.example/x.glb' }, 'test');
    const mine = ['http://127.0.0.1:9', 'https://cdn.example:8443'];
    const directives = (res: Response) => new Map((res.headers.get('content-security-policy') ?? '').split('; ').map((d) => [d.split(' ')[0], d]));
    const meta = (html: string) => /<meta name="vantage-model-origins" content="([^"]*)">/.exec(html)?.[1];

    // Signed out, the page allows this collector alone.
    const anonymous = await fetch(`${c.url}/`);
    const open = directives(anonymous);
    expect(open.get('connect-src')).toBe("connect-src 'self' blob: data:");
    expect(open.get('img-src')).toBe("img-src 'self' blob: data:");
    expect(meta(await anonymous.text())).toBe('');

    const res = await signIn('ada@example.com', PASSWORD);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(((await res.json()) as { modelOrigins: string[] }).modelOrigins).toEqual(mine);
    const me = await fetch(`${c.url}/api/v1/auth/me`, { headers: { Cookie: cookie } });
    expect(((await me.json()) as { modelOrigins: string[] }).modelOrigins).toEqual(mine);

    // Signed in: the models' origins, in connect-src (fetch) and img-src (textures), nothing else.
    const page = await fetch(`${c.url}/`, { headers: { Cookie: cookie } });
    const signedIn = directives(page);
    expect(signedIn.get('connect-src')).toBe(`connect-src 'self' blob: data: ${mine.join(' ')}`);
    expect(signedIn.get('img-src')).toBe(`img-src 'self' blob: data: ${mine.join(' ')}`);
    expect(signedIn.get('script-src')).toBe("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('not-mine');
    expect(meta(await page.text())).toBe(mine.join(' '));
  });

  it('refuses a wrong password and an unknown address alike', async () => {
    for (const [email, password] of [['ada@example.com', 'not the password at all'], ['nobody@example.com', PASSWORD]] as const) {
      const res = await signIn(email, password);
      expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([401, 'invalid_credentials']);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('reads only the operator\'s projects, named in X-Vantage-Project', async () => {
    const { cookie } = await session();
    const get = (project: string | null) => fetch(`${c.url}/api/v1/activity`, { headers: { Cookie: cookie, ...(project ? { 'X-Vantage-Project': project } : {}) } });
    expect((await get(c.project.id)).status).toBe(200);
    expect((await get(viewed)).status).toBe(200);
    expect((await get(foreign)).status).toBe(404);
    expect((await get(null)).status).toBe(404);
    const other = await fetch(`${c.url}/api/v1/activity`, { headers: { Cookie: cookie, 'X-Vantage-Project': c.project.id, Origin: 'https://evil.example' } });
    expect([other.status, ((await other.json()) as { error: string }).error]).toEqual([403, 'origin_not_allowed']);
  });

  it('needs the CSRF token and the admin role to write', async () => {
    const { cookie, csrf } = await session();
    const patch = (project: string, token?: string) =>
      fetch(`${c.url}/api/v1/project`, {
        method: 'PATCH',
        headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Vantage-Project': project, ...(token ? { 'X-CSRF-Token': token } : {}) },
        body: JSON.stringify({ retention_days: 45 }),
      });
    const without = await patch(c.project.id);
    expect([without.status, ((await without.json()) as { error: string }).error]).toEqual([403, 'csrf_failed']);
    expect((await patch(c.project.id, 'x'.repeat(csrf.length))).status).toBe(403);
    expect((await patch(c.project.id, csrf)).status).toBe(200);
    const viewer = await patch(viewed, csrf);
    expect([viewer.status, ((await viewer.json()) as { error: string }).error]).toEqual([403, 'insufficient_scope']);
    const [audit] = await store.query<{ actor: string }>("SELECT actor FROM audit_log WHERE project_id = $1 AND action = 'project.update'", [c.project.id]);
    expect(audit?.actor).toMatch(/^operator:[0-9a-f-]{36}$/);
  });

  it('signs out: the cookie no longer works', async () => {
    const { cookie } = await session();
    const out = await fetch(`${c.url}/api/v1/auth/sign-out`, { method: 'POST', headers: { Cookie: cookie } });
    expect(out.status).toBe(204);
    expect((await fetch(`${c.url}/api/v1/auth/me`, { headers: { Cookie: cookie } })).status).toBe(401);
    expect((await fetch(`${c.url}/api/v1/activity`, { headers: { Cookie: cookie, 'X-Vantage-Project': c.project.id } })).status).toBe(401);
  });

  it('locks an address after five failures, even for the right password, with Retry-After', async () => {
    await createOperator(store, { email: 'bob@example.com', password: PASSWORD, projects: [{ id: c.project.id, role: 'viewer' }] }, 'test');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn('bob@example.com', `wrong password ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const locked = await signIn('bob@example.com', PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    // Another address is not affected.
    expect((await signIn('ada@example.com', PASSWORD)).status).toBe(200);
  });
});

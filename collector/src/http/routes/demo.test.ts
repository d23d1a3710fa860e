/**
 * The demo as the collector serves it, on both stores: `GET /demo` embeds the demo project's
 * live publishable key and this collector's URL (and says so when the key was revoked), assets
 * are served with their content types and nothing outside the demo's files is reachable; a store
 * whose first start did not create the demo has none.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_SCENE_ID, demoAssetsDir, demoModelPath, renderDemoPage } from '@vantage/demo';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { startCollector } from '../../server.js';
import { rawRequest } from '../../testing/raw-http.js';
import { createTestDatabase, DRIVERS, startTestCollector, useTestStore, type TestCollector } from '../../testing/harness.js';
import { ensureDemoProject } from '../../server.js';
import { createProject, revokeKey, type CreatedKey } from '../../tenants/projects.js';
import { FAVICON_SVG } from './favicon.js';

const page = (endpoint: string, publishableKey: string | undefined) =>
  renderDemoPage({ endpoint, publishableKey, sceneId: DEMO_SCENE_ID, assetBase: '/demo/assets', modelUrl: '/demo/assets/GlamVelvetSofa.glb' });

describe.each(DRIVERS)('the demo served on the %s store', (driver) => {
  describe('on a store whose first start created the demo', () => {
    const db = useTestStore(driver);
    let c: TestCollector;
    let pk: CreatedKey;
    let projectId: string;

    beforeAll(async () => {
      const demo = await ensureDemoProject(loadConfig({ VANTAGE_DATA_DIR: '/tmp' }), db.store);
      if (!demo) throw new Error('no demo project');
      pk = demo.keys.find((k) => k.kind === 'pk') as CreatedKey;
      projectId = demo.project.id;
      c = await startTestCollector(db.store);
    });

    afterAll(async () => {
      await c?.close();
    });

    it('serves the page with the demo key and this collector as the endpoint, never cached', async () => {
      const response = await fetch(`${c.url}/demo`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'; connect-src 'self' blob:/);
      const html = await response.text();
      expect(html).toBe(page(c.url, pk.token));
      expect(html).toContain(pk.token);
      expect(html).toContain(c.url);
      // The endpoint is the address the browser used.
      const host = `localhost:${new URL(c.url).port}`;
      const viaLocalhost = await rawRequest(c.url, 'GET', '/demo', { Host: host });
      expect(viaLocalhost.body.toString()).toBe(page(`http://${host}`, pk.token));
    });

    it('links the collector\'s icon, which /favicon.svg and /favicon.ico serve (no 404 in the console)', async () => {
      expect(await (await fetch(`${c.url}/demo`)).text()).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
      expect(await (await fetch(`${c.url}/`)).text()).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
      for (const path of ['/favicon.svg', '/favicon.ico']) {
        const icon = await fetch(`${c.url}${path}`);
        expect(icon.status, path).toBe(200);
        expect(icon.headers.get('content-type')).toBe('image/svg+xml');
        expect(await icon.text()).toBe(FAVICON_SVG);
      }
    });

    it('serves the bundle, its source map and the sofa with their content types, streamed and cached 5 minutes', async () => {
      const cases: Array<[string, string, string]> = [
        ['demo.js', join(demoAssetsDir, 'demo.js'), 'text/javascript; charset=utf-8'],
        ['demo.js.map', join(demoAssetsDir, 'demo.js.map'), 'application/json; charset=utf-8'],
        ['GlamVelvetSofa.glb', demoModelPath, 'model/gltf-binary'],
      ];
      for (const [file, path, type] of cases) {
        // As stored, with their length (compression.test.ts covers the compressed answers).
        const response = await fetch(`${c.url}/demo/assets/${file}`, { headers: { 'Accept-Encoding': 'identity' } });
        expect(response.status, file).toBe(200);
        expect(response.headers.get('content-type')).toBe(type);
        expect(response.headers.get('cache-control')).toBe('public, max-age=300');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(Number(response.headers.get('content-length'))).toBe((await stat(path)).size);
        expect(bytes.equals(await readFile(path)), file).toBe(true);
      }
      const head = await rawRequest(c.url, 'HEAD', '/demo/assets/GlamVelvetSofa.glb');
      expect(head.status).toBe(200);
      expect(Number(head.headers['content-length'])).toBe((await stat(demoModelPath)).size);
      expect(head.body.length).toBe(0);
    });

    it('refuses anything but a plain file name of the demo with 404', async () => {
      for (const path of [
        '/demo/assets/..%2F..%2Fpackage.json',
        '/demo/assets/%2E%2E%2Fpackage.json',
        '/demo/assets/..',
        '/demo/assets/.',
        '/demo/assets/..%5Cindex.js',
        '/demo/assets/%2Fetc%2Fpasswd',
        '/demo/assets/../../package.json',
        '/demo/assets/..%2Findex.js',
        '/demo/assets/.hidden.js',
        '/demo/assets/demo.js%00.map',
        '/demo/assets/missing.js',
        '/demo/assets/index.d.ts',
        '/demo/assets/demo.js%2F',
        '/demo/assets/',
      ]) {
        const answer = await rawRequest(c.url, 'GET', path);
        expect(answer.status, path).toBe(404);
        expect(answer.body.toString(), path).not.toContain('"name"');
      }
    });

    it('says the key was revoked and embeds no key once it is', async () => {
      expect(await revokeKey(db.store, projectId, pk.id, 'cli')).toBe(true);
      c.deps.keys.invalidate();
      const html = await (await fetch(`${c.url}/demo`)).text();
      expect(html).toBe(page(c.url, undefined));
      expect(html).not.toContain(pk.token);
      expect(html).toMatch(/revoked/);
    });
  });

  describe('on a store that had projects before', () => {
    const db = useTestStore(driver);
    let c: TestCollector;

    beforeAll(async () => {
      c = await startTestCollector(db.store);
    });

    afterAll(async () => {
      await c?.close();
    });

    it('has no demo: 404 not_found saying why', async () => {
      const response = await fetch(`${c.url}/demo`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not_found', message: expect.stringMatching(/only on a store whose first start created it/) });
    });
  });

  it('a started collector reports the demo URL only when its store has the demo', async () => {
    const withDemo = await createTestDatabase(driver, inject('postgresUrl'));
    const without = await createTestDatabase(driver, inject('postgresUrl'));
    try {
      const started = await startCollector(loadConfig({ ...withDemo.env, PORT: '0', LOG_LEVEL: 'silent' }));
      try {
        expect(started.demo).not.toBeNull();
        expect(started.demoUrl).toBe(`${started.url}/demo`);
        expect((await fetch(started.demoUrl ?? '')).status).toBe(200);
      } finally {
        await started.stop();
      }
      const store = await without.open();
      await createProject(store, { name: 'first', privacyMode: 'standard', retentionDays: 90 }, 'test');
      await store.close();
      const plain = await startCollector(loadConfig({ ...without.env, PORT: '0', LOG_LEVEL: 'silent' }));
      try {
        expect(plain.demo).toBeNull();
        expect(plain.demoUrl).toBeNull();
      } finally {
        await plain.stop();
      }
    } finally {
      await withDemo.cleanup();
      await without.cleanup();
    }
  });
});

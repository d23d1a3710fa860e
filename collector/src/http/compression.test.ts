/**
 * Response compression through the real app: text answers go out as brotli or gzip when the
 * client accepts them and decode to exactly the uncompressed bytes; small, binary, HEAD and
 * ingest answers go out as they are; answers that carry a secret are never compressed, checked
 * with the threshold at zero so that their size alone cannot be why.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { dashboardAssetsDir } from '@vantage/dashboard';
import { demoAssetsDir, demoModelPath } from '@vantage/demo';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperator } from '../operators/operators.js';
import { rawRequest, type RawAnswer } from '../testing/raw-http.js';
import { startTestCollector, useTestStore, type TestCollector } from '../testing/harness.js';
import { createRouter } from './app.js';
import { compressibleType, compression } from './compression.js';
import { precompressedFiles } from './precompressed.js';

function decoded(answer: RawAnswer): Buffer {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(answer.body);
  if (encoding === 'gzip') return gunzipSync(answer.body);
  if (encoding === undefined) return answer.body;
  throw new Error(`unexpected content-encoding ${String(encoding)}`);
}

const DEMO_SCRIPT = 'demo.js';

describe('which types are compressed', () => {
  it('compresses text, scripts, JSON, NDJSON, SVG and msgpack, and leaves binaries alone', () => {
    for (const type of ['text/html; charset=utf-8', 'text/css', 'text/javascript; charset=utf-8', 'application/json; charset=utf-8', 'application/x-ndjson', 'image/svg+xml', 'application/problem+json', 'application/msgpack']) {
      expect([type, compressibleType(type)]).toEqual([type, true]);
    }
    for (const type of ['model/gltf-binary', 'application/octet-stream', 'image/png', 'font/woff2', '']) {
      expect([type, compressibleType(type)]).toEqual([type, false]);
    }
  });
});

describe('response compression through the real app', () => {
  const db = useTestStore('embedded');
  let c: TestCollector;
  let script: Buffer;

  beforeAll(async () => {
    c = await startTestCollector(db.store);
    script = await readFile(join(demoAssetsDir, DEMO_SCRIPT));
  });

  afterAll(async () => {
    await c?.close();
  });

  it('sends the demo script as brotli when accepted, else gzip, and both decode to the file', async () => {
    const br = await rawRequest(c.url, 'GET', `/demo/assets/${DEMO_SCRIPT}`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(decoded(br).equals(script)).toBe(true);
    // The point of it: the bundle goes out at well under half its size.
    expect(br.body.byteLength).toBeLessThan(script.byteLength * 0.4);

    const gzip = await rawRequest(c.url, 'GET', `/demo/assets/${DEMO_SCRIPT}`, { 'Accept-Encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(decoded(gzip).equals(script)).toBe(true);
  });

  it('sends the file as it is to a client that accepts no encoding, and to HEAD', async () => {
    const plain = await rawRequest(c.url, 'GET', `/demo/assets/${DEMO_SCRIPT}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(script.byteLength);
    expect(plain.body.equals(script)).toBe(true);

    const refused = await rawRequest(c.url, 'GET', `/demo/assets/${DEMO_SCRIPT}`, { 'Accept-Encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(script)).toBe(true);

    const head = await rawRequest(c.url, 'HEAD', `/demo/assets/${DEMO_SCRIPT}`, { 'Accept-Encoding': 'br' });
    expect(head.headers['content-encoding']).toBeUndefined();
    expect(Number(head.headers['content-length'])).toBe(script.byteLength);
  });

  it('compresses a large JSON answer and leaves a small one alone', async () => {
    const meshes = Array.from({ length: 400 }, (_, i) => ({ id: `sofa/part-${i}`, box: [-1000 - i, 0, -500, 1000 + i, 900, 500] }));
    const put = await rawRequest(c.url, 'PUT', '/api/v1/scenes/sofa/proxy', { Authorization: `Bearer ${c.pk}`, 'Content-Type': 'application/json', Origin: 'https://shop.example' }, JSON.stringify({ hash: 'abc123', meshes }));
    expect(put.status).toBe(200);
    const read = await rawRequest(c.url, 'GET', '/api/v1/scenes/sofa/proxy', { Authorization: `Bearer ${c.sk}`, 'Accept-Encoding': 'br' });
    expect(read.status).toBe(200);
    expect(read.headers['content-encoding']).toBe('br');
    expect((JSON.parse(decoded(read).toString('utf8')) as { meshes: unknown }).meshes).toEqual(meshes);

    const health = await rawRequest(c.url, 'GET', '/healthz', { 'Accept-Encoding': 'br' });
    expect(health.status).toBe(200);
    expect(health.body.byteLength).toBeLessThan(1024);
    expect(health.headers['content-encoding']).toBeUndefined();
  });

  it('answers the dashboard\'s scripts from kept brotli-11 and gzip-9 copies once they are made, with their length', async () => {
    const file = (await readdir(dashboardAssetsDir)).find((f) => /^index-.*\.js$/.test(f));
    if (!file) throw new Error('no index-*.js in the dashboard build');
    const bytes = await readFile(join(dashboardAssetsDir, file));
    const first = await rawRequest(c.url, 'GET', `/assets/${file}`, { 'Accept-Encoding': 'gzip, deflate, br' });
    // Not made yet: compressed for this request, without a length.
    expect(first.headers['content-encoding']).toBe('br');
    expect(first.headers['content-length']).toBeUndefined();
    await precompressedFiles.settled(join(dashboardAssetsDir, file));

    const kept = await rawRequest(c.url, 'GET', `/assets/${file}`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(kept.status).toBe(200);
    expect(kept.headers['content-encoding']).toBe('br');
    expect(Number(kept.headers['content-length'])).toBe(kept.body.byteLength);
    expect(kept.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(kept.headers.vary)).toMatch(/accept-encoding/i);
    expect(decoded(kept).equals(bytes)).toBe(true);
    expect(kept.body.byteLength).toBeLessThan(first.body.byteLength);

    const gzip = await rawRequest(c.url, 'GET', `/assets/${file}`, { 'Accept-Encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(Number(gzip.headers['content-length'])).toBe(gzip.body.byteLength);
    expect(decoded(gzip).equals(bytes)).toBe(true);

    const plain = await rawRequest(c.url, 'GET', `/assets/${file}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(bytes)).toBe(true);
  });

  it('sends the glTF model as it is: binary data gains nothing', async () => {
    const model = await rawRequest(c.url, 'GET', '/demo/assets/GlamVelvetSofa.glb', { 'Accept-Encoding': 'br, gzip' });
    expect(model.status).toBe(200);
    expect(model.headers['content-encoding']).toBeUndefined();
    expect(model.body.equals(await readFile(demoModelPath))).toBe(true);
  });

  it('keeps ingest out of it: the collect answer has no encoding and no Vary on Accept-Encoding', async () => {
    const control = await rawRequest(c.url, 'GET', '/healthz', { 'Accept-Encoding': 'br' });
    // The middleware marks every answer it sees with Vary, compressed or not; ingest never meets it.
    expect(String(control.headers.vary)).toMatch(/accept-encoding/i);
    const collect = await rawRequest(c.url, 'POST', '/api/v1/collect', { Authorization: `Bearer ${c.pk}`, 'Content-Type': 'application/msgpack', 'Accept-Encoding': 'br' }, 'not msgpack');
    expect(collect.status).toBe(400);
    expect(collect.headers['content-encoding']).toBeUndefined();
    expect(String(collect.headers.vary ?? '')).not.toMatch(/accept-encoding/i);
  });
});

describe('answers that carry a secret', () => {
  const db = useTestStore('embedded');
  const PASSWORD = 'correct horse battery staple';
  let c: TestCollector;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    c = await startTestCollector(db.store);
    await createOperator(db.store, { email: 'ada@example.com', password: PASSWORD, projects: [{ id: c.project.id, role: 'admin' }] }, 'test');
    // The real routes behind the middleware with no threshold: any answer of a compressible type
    // is compressed unless its route says it must not be.
    const app = new Koa({ proxy: false });
    app.use(compression(0));
    app.use(createRouter(c.deps).routes());
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await c?.close();
  });

  it('compresses an answer without a secret (the key list) at this threshold', async () => {
    const list = await rawRequest(url, 'GET', '/api/v1/keys', { Authorization: `Bearer ${c.sk}`, 'Accept-Encoding': 'br' });
    expect(list.status).toBe(200);
    expect(list.headers['content-encoding']).toBe('br');
    expect(JSON.parse(decoded(list).toString('utf8'))).toHaveProperty('keys');
  });

  it('never compresses the sign-in and session answers (CSRF token), a live token, or a new key', async () => {
    const signIn = await rawRequest(url, 'POST', '/api/v1/auth/sign-in', { 'Content-Type': 'application/json', 'Accept-Encoding': 'br, gzip' }, JSON.stringify({ email: 'ada@example.com', password: PASSWORD }));
    expect(signIn.status).toBe(200);
    expect(signIn.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(signIn.body.toString('utf8'))).toHaveProperty('csrfToken');
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] as string;

    const me = await rawRequest(url, 'GET', '/api/v1/auth/me', { Cookie: cookie, 'Accept-Encoding': 'br, gzip' });
    expect(me.status).toBe(200);
    expect(me.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(me.body.toString('utf8'))).toHaveProperty('csrfToken');

    const live = await rawRequest(url, 'POST', '/api/v1/live/token', { Authorization: `Bearer ${c.sk}`, 'Accept-Encoding': 'br, gzip' });
    expect(live.status).toBe(200);
    expect(live.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(live.body.toString('utf8'))).toHaveProperty('token');

    const key = await rawRequest(url, 'POST', '/api/v1/keys', { Authorization: `Bearer ${c.sk}`, 'Content-Type': 'application/json', 'Accept-Encoding': 'br, gzip' }, JSON.stringify({ kind: 'pk', label: 'compression test' }));
    expect(key.status).toBe(201);
    expect(key.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(key.body.toString('utf8'))).toHaveProperty('token');
  });
});

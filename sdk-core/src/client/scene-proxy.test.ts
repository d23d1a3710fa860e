import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import type { VantageError } from './errors.js';
import { MAX_PROXY_ATTEMPTS, MAX_PROXY_MESHES, canonicalMeshes, hashSceneProxy, proxyProblem, type SceneProxy, type SceneProxyMesh } from './scene-proxy.js';
import type { VantageClient } from './types.js';

type Box = SceneProxyMesh['box'];
const BOX: Box = [-500, 0, -400, 500, 900, 400];

function mesh(id: string, box: Box = BOX): SceneProxyMesh {
  return { id, box };
}

/** FNV-1a 32-bit over bytes, written out plainly as the reference. */
function fnv1a(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (const b of bytes) {
    hash ^= b;
    hash = Number((BigInt(hash) * 0x01000193n) & 0xffffffffn);
  }
  return hash.toString(16).padStart(8, '0');
}

describe('scene proxy validation', () => {
  it('takes 0 to 5000 meshes with unique ids and integer boxes within 10 km', () => {
    expect(proxyProblem({ meshes: [] })).toBeNull();
    expect(proxyProblem({ meshes: [mesh('sofa'), mesh('sofa/leg', [0, 0, 0, 0, 0, 0]), mesh('é 日本 😀', [-10_000_000, -1, -1, 10_000_000, 1, 1])] })).toBeNull();
    expect(proxyProblem({ meshes: Array.from({ length: MAX_PROXY_MESHES }, (_, i) => mesh(`m${i}`)) })).toBeNull();
    expect(proxyProblem({ meshes: [mesh('x'.repeat(128)), mesh('tab-less\u00a0nbsp')] })).toBeNull();
  });

  it('names the first bad field', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'proxy.meshes must be an array of at most 5000 meshes'],
      [{}, 'proxy.meshes must be an array of at most 5000 meshes'],
      [{ meshes: Array.from({ length: MAX_PROXY_MESHES + 1 }, (_, i) => mesh(`m${i}`)) }, 'proxy.meshes must be an array of at most 5000 meshes'],
      [{ meshes: [mesh('ok'), { box: BOX }] }, 'meshes[1].id must be unique, 1–128 characters, no control characters'],
      [{ meshes: [mesh('')] }, 'meshes[0].id must be unique, 1–128 characters, no control characters'],
      [{ meshes: [mesh('x'.repeat(129))] }, 'meshes[0].id must be unique, 1–128 characters, no control characters'],
      [{ meshes: [mesh('a'), mesh('b'), mesh('a')] }, 'meshes[2].id must be unique, 1–128 characters, no control characters'],
      [{ meshes: [mesh('a', [0, 0, 0, 1, 1] as unknown as Box)] }, 'meshes[0].box must be 6 integers with min <= max'],
    ];
    for (const [proxy, message] of cases) expect(proxyProblem(proxy), message).toBe(message);
  });

  it('refuses control characters (C0, DEL, C1) in ids, and boxes that are not 6 integers with min <= max', () => {
    for (const bad of ['\u0000', 'a\u001fb', '\u007f', 'x\u0080', '\u009f', 'line\nbreak', 'tab\t']) {
      expect(proxyProblem({ meshes: [mesh(bad)] }), JSON.stringify(bad)).toMatch(/^meshes\[0\]\.id/);
    }
    const boxes: unknown[] = [
      undefined,
      'box',
      [0, 0, 0, 1, 1, 1, 1],
      [0, 0, 0.5, 1, 1, 1],
      [0, 0, 0, 1, 1, NaN],
      [0, 0, 0, 1, 1, Infinity],
      ['0', 0, 0, 1, 1, 1],
      [2, 0, 0, 1, 1, 1],
      [0, 0, 2, 1, 1, 1],
      [0, 0, 0, 1, 1, 10_000_001],
      [-10_000_001, 0, 0, 1, 1, 1],
    ];
    for (const box of boxes) {
      expect(proxyProblem({ meshes: [{ id: 'a', box }] }), JSON.stringify(box)).toMatch(/^meshes\[0\]\.box must be 6 integers/);
    }
  });
});

describe('scene proxy hash', () => {
  it('is FNV-1a 32-bit over the UTF-8 canonical text: meshes sorted by id, `id NUL box\\n` each', () => {
    const proxy: SceneProxy = { meshes: [mesh('sofa/leg', [1, 2, 3, 4, 5, 6]), mesh('Sofa', [-7, 0, 0, 7, 8, 9]), mesh('é', [0, 0, 0, 0, 0, 0])] };
    const canonical = 'Sofa\u0000-7,0,0,7,8,9\nsofa/leg\u00001,2,3,4,5,6\né\u00000,0,0,0,0,0\n';
    expect(canonicalMeshes(proxy).map((m) => m.id)).toEqual(['Sofa', 'sofa/leg', 'é']);
    expect(hashSceneProxy(proxy)).toBe(fnv1a(new TextEncoder().encode(canonical)));
    expect(hashSceneProxy(proxy)).toMatch(/^[0-9a-f]{8}$/);
    // FNV-1a's offset basis is the hash of nothing.
    expect(hashSceneProxy({ meshes: [] })).toBe('811c9dc5');
  });

  it('does not depend on the order of the meshes, and changes with any box or id', () => {
    const a = [mesh('a', [0, 0, 0, 1, 1, 1]), mesh('b', [0, 0, 0, 2, 2, 2]), mesh('c')];
    const hash = hashSceneProxy({ meshes: a });
    expect(hashSceneProxy({ meshes: [...a].reverse() })).toBe(hash);
    expect(hashSceneProxy({ meshes: [mesh('a', [0, 0, 0, 1, 1, 2]), a[1] as SceneProxyMesh, a[2] as SceneProxyMesh] })).not.toBe(hash);
    expect(hashSceneProxy({ meshes: [mesh('A', [0, 0, 0, 1, 1, 1]), a[1] as SceneProxyMesh, a[2] as SceneProxyMesh] })).not.toBe(hash);
    expect(hashSceneProxy({ meshes: a.slice(0, 2) })).not.toBe(hash);
  });
});

/** How the test collector answers a proxy PUT; status 0 drops the connection. */
type ProxyAnswer = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };

/** A collector stand-in on 127.0.0.1 that answers config, proxy and collect requests as the contract says. */
interface FakeCollector {
  url: string;
  /** The proxy hash the config answers with. */
  proxyHash: string | null;
  /** The config answer's status (200 answers the config). */
  configStatus: number;
  /** Hold config answers this long (ms). */
  configDelayMs: number;
  /** Answers for the next proxy PUTs, in order; when empty, 200 with the contract's body. */
  proxyAnswers: ProxyAnswer[];
  requests: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: string }>;
  puts(): Array<{ headers: IncomingMessage['headers']; body: { hash: string; meshes: SceneProxyMesh[] } }>;
  close(): Promise<void>;
}

async function startFakeCollector(): Promise<FakeCollector> {
  const state: Omit<FakeCollector, 'url' | 'close' | 'puts'> = { proxyHash: null, configStatus: 200, configDelayMs: 0, proxyAnswers: [], requests: [] };
  function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      state.requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
      if (req.method === 'GET' && url.pathname === '/api/v1/config') {
        const scene = url.searchParams.get('scene');
        setTimeout(() => {
          if (state.configStatus !== 200) answer(res, state.configStatus, { error: 'invalid_api_key', message: 'unknown key' });
          else answer(res, 200, { scene, capture: {}, sampling: {}, proxyHash: state.proxyHash });
        }, state.configDelayMs);
        return;
      }
      const put = /^\/api\/v1\/scenes\/([^/]+)\/proxy$/.exec(url.pathname);
      if (req.method === 'PUT' && put) {
        const next = state.proxyAnswers.shift();
        const parsed = JSON.parse(body) as { hash: string; meshes: unknown[] };
        setTimeout(() => {
          if (next?.status === 0) return req.socket.destroy();
          if (next) return answer(res, next.status, next.body ?? {}, next.headers);
          const changed = state.proxyHash !== parsed.hash;
          state.proxyHash = parsed.hash;
          answer(res, 200, { scene: decodeURIComponent(put[1] ?? ''), hash: parsed.hash, meshes: parsed.meshes.length, changed });
        }, next?.delayMs ?? 0);
        return;
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/collect') return answer(res, 202, { accepted: 1, dropped: {} });
      answer(res, 404, { error: 'not_found', message: 'no such route' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    puts() {
      return state.requests
        .filter((r) => r.method === 'PUT')
        .map((r) => ({ headers: r.headers, body: JSON.parse(r.body) as { hash: string; meshes: SceneProxyMesh[] } }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

describe('client.registerProxy (Node, against a local HTTP server answering as the contract says)', () => {
  let collector: FakeCollector;
  const clients: VantageClient[] = [];
  let errors: VantageError[] = [];

  beforeAll(async () => {
    collector = await startFakeCollector();
  });
  afterAll(async () => {
    await collector.close();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.stop();
    Object.assign(collector, { proxyHash: null, configStatus: 200, configDelayMs: 0, proxyAnswers: [] });
    collector.requests.length = 0;
    errors = [];
  });

  function client(scene = 'sofa-scene'): VantageClient {
    const c = createClient({ endpoint: `${collector.url}/`, key: 'pk_test_key', sceneId: scene, flushIntervalMs: 600_000, onError: (e) => errors.push(e) });
    clients.push(c);
    return c;
  }

  const SOFA: SceneProxy = { meshes: [mesh('sofa/leg', [-10, 0, -10, 10, 200, 10]), mesh('Sofa', [-900, 0, -400, 900, 800, 400])] };

  it('sends the proxy in canonical order with its hash when the collector holds another, and only once', async () => {
    const c = client('scene:a/b');
    expect(await c.registerProxy(SOFA)).toBe(true);
    const puts = collector.puts();
    expect(puts).toHaveLength(1);
    expect(collector.requests.find((r) => r.method === 'PUT')?.path).toBe('/api/v1/scenes/scene%3Aa%2Fb/proxy');
    expect(puts[0]?.headers).toMatchObject({ authorization: 'Bearer pk_test_key', 'content-type': 'application/json' });
    expect(puts[0]?.body).toEqual({ hash: hashSceneProxy(SOFA), meshes: canonicalMeshes(SOFA) });
    expect(puts[0]?.body.meshes.map((m) => m.id)).toEqual(['Sofa', 'sofa/leg']);
    // The same proxy again (in another order): the collector holds it, nothing is sent.
    expect(await c.registerProxy({ meshes: [...SOFA.meshes].reverse() })).toBe(true);
    expect(collector.puts()).toHaveLength(1);
    // A changed scene is sent again.
    expect(await c.registerProxy({ meshes: [...SOFA.meshes, mesh('cushion')] })).toBe(true);
    expect(collector.puts()).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('sends nothing when the scene config already names this hash', async () => {
    collector.proxyHash = hashSceneProxy(SOFA);
    const c = client();
    expect(await c.registerProxy(SOFA)).toBe(true);
    expect(collector.puts()).toEqual([]);
    expect(c.config?.proxyHash).toBe(hashSceneProxy(SOFA));
  });

  it('waits for the scene config before deciding', async () => {
    collector.proxyHash = hashSceneProxy(SOFA);
    collector.configDelayMs = 300;
    const c = client();
    expect(c.config).toBeUndefined();
    expect(await c.registerProxy(SOFA)).toBe(true);
    expect(collector.puts()).toEqual([]);
  });

  it('retries 429 and 5xx (honouring Retry-After) and network errors, then succeeds', async () => {
    collector.proxyAnswers.push(
      { status: 0 },
      { status: 429, body: { error: 'rate_limited', message: 'slow down' }, headers: { 'Retry-After': '0' } },
      { status: 503, body: { error: 'unavailable', message: 'busy' }, headers: { 'Retry-After': '0' } },
      { status: 500, body: { error: 'internal', message: 'oops' }, headers: { 'Retry-After': '0' } },
    );
    const c = client();
    expect(await c.registerProxy(SOFA)).toBe(true);
    expect(collector.puts()).toHaveLength(5);
    expect(errors).toEqual([]);
  });

  it(`gives up after ${MAX_PROXY_ATTEMPTS} attempts of 5xx and reports proxy_failed`, async () => {
    for (let i = 0; i < MAX_PROXY_ATTEMPTS + 2; i++) collector.proxyAnswers.push({ status: 503, body: { error: 'unavailable', message: 'busy' }, headers: { 'Retry-After': '0' } });
    const c = client();
    expect(await c.registerProxy(SOFA)).toBe(false);
    expect(collector.puts()).toHaveLength(MAX_PROXY_ATTEMPTS);
    expect(errors.map((e) => [e.code, e.status])).toEqual([['proxy_failed', 503]]);
    expect(errors[0]?.message).toContain('503 unavailable: busy');
  });

  it('does not retry another 4xx: reports it and resolves false', async () => {
    collector.proxyAnswers.push({ status: 400, body: { error: 'invalid_payload', message: 'meshes[0].box must be 6 integers with min <= max' } });
    const c = client();
    expect(await c.registerProxy(SOFA)).toBe(false);
    expect(collector.puts()).toHaveLength(1);
    expect(errors.map((e) => [e.code, e.status])).toEqual([['proxy_failed', 400]]);
    expect(errors[0]?.message).toContain('400 invalid_payload: meshes[0].box');
  });

  it('reports an invalid proxy as invalid_options and sends nothing', async () => {
    const c = client();
    expect(await c.registerProxy({ meshes: [mesh('a', [1, 0, 0, 0, 0, 0])] })).toBe(false);
    expect(await (c.registerProxy as (p: unknown) => Promise<boolean>)('not a proxy')).toBe(false);
    expect(errors.map((e) => e.code)).toEqual(['invalid_options', 'invalid_options']);
    expect(errors[0]?.message).toBe('registerProxy(): meshes[0].box must be 6 integers with min <= max');
    expect(collector.puts()).toEqual([]);
  });

  it('refuses a proxy over the 1 MiB body limit before sending it', async () => {
    // 5000 meshes of ~250 UTF-8 bytes of id each: over 1 MiB of JSON.
    const big = Array.from({ length: MAX_PROXY_MESHES }, (_, i) => mesh(`${'é'.repeat(120)}${i}`));
    const c = client();
    expect(await c.registerProxy({ meshes: big })).toBe(false);
    expect(errors.map((e) => e.code)).toEqual(['proxy_failed']);
    expect(collector.puts()).toEqual([]);
  });

  it('resolves false, sending nothing, when the scene config cannot be read (401)', async () => {
    collector.configStatus = 401;
    const c = client();
    expect(await c.registerProxy(SOFA)).toBe(false);
    expect(collector.puts()).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['config_failed']);
  });

  it('runs calls one after another, in call order', async () => {
    collector.proxyAnswers.push({ status: 200, body: {}, delayMs: 300 });
    const c = client();
    const second: SceneProxy = { meshes: [mesh('other')] };
    const results = await Promise.all([c.registerProxy(SOFA), c.registerProxy(second)]);
    expect(results).toEqual([true, true]);
    expect(collector.puts().map((p) => p.body.hash)).toEqual([hashSceneProxy(SOFA), hashSceneProxy(second)]);
  });

  it('is a no-op resolving false when the client is inactive, and stop() ends a registration that waits', async () => {
    const inert = createClient({ endpoint: 'not a url', key: 'pk_test_key', sceneId: 'sofa', onError: () => undefined });
    expect(inert.active).toBe(false);
    expect(await inert.registerProxy(SOFA)).toBe(false);

    collector.configDelayMs = 5000;
    const c = client();
    const waiting = c.registerProxy(SOFA);
    await c.stop();
    expect(await waiting).toBe(false);
    expect(await c.registerProxy(SOFA)).toBe(false);
    expect(collector.puts()).toEqual([]);
  });
});

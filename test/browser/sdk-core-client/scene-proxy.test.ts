/**
 * `client.registerProxy` of `@vantage/sdk-core` in real headless Chromium. The scene's config
 * comes from the real collector (which does not serve `proxyHash` yet: it counts as none); the
 * proxy route itself is answered by the forwarding proxy as the issue 4 contract says
 * (`PUT /api/v1/scenes/:sceneId/proxy`), preflight included, until the collector has it.
 */
import { describe, expect, it } from 'vitest';
import { hashSceneProxy, type SceneProxy } from '@vantage/sdk-core';
import type { ProxiedRequest } from '../harness/index.js';
import { clientOptions, errorsOf, sceneFor, useClientSuite } from './setup.js';

const fixture = useClientSuite();

const SOFA: SceneProxy = {
  meshes: [
    { id: 'sofa/leg-2', box: [400, 0, -300, 450, 120, -250] },
    { id: 'Sofa', box: [-900, 0, -400, 900, 800, 400] },
    { id: 'sofa/cushion', box: [-800, 350, -350, 800, 550, 350] },
  ],
};

const isProxyRoute = (request: ProxiedRequest) => /^\/api\/v1\/scenes\/[^/]+\/proxy$/.test(request.path);

describe('sdk-core client scene proxy (Chromium → contract-speaking proxy route)', () => {
  it('sends the proxy once, cross-origin, in canonical order with its hash, and not again while the collector holds it', async () => {
    const scene = sceneFor('proxy');
    const wire = await fixture.proxy(fixture.suite.collector.url, (request) => {
      if (!isProxyRoute(request)) return { kind: 'forward' };
      if (request.method === 'OPTIONS') {
        return { kind: 'respond', status: 204, headers: { 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Headers': 'authorization, content-type', 'Access-Control-Max-Age': '0' } };
      }
      const body = JSON.parse(request.body.toString('utf8')) as { hash: string; meshes: unknown[] };
      return { kind: 'respond', status: 200, body: JSON.stringify({ scene, hash: body.hash, meshes: body.meshes.length, changed: true }) };
    });
    const tab = await fixture.page();
    const changed: SceneProxy = { meshes: [...SOFA.meshes, { id: 'sofa/throw', box: [-200, 500, -100, 200, 560, 100] }] };
    const result = await tab.page.evaluate(
      async ({ o, sofa, changedSofa }) => {
        const client = window.vantageTest.start(o);
        const first = await client.registerProxy(sofa);
        const again = await client.registerProxy({ meshes: [...sofa.meshes].reverse() });
        const next = await client.registerProxy(changedSofa);
        const invalid = await client.registerProxy({ meshes: [{ id: 'bad\u0007id', box: [0, 0, 0, 1, 1, 1] }] });
        await client.stop();
        const afterStop = await client.registerProxy(sofa);
        return { first, again, next, invalid, afterStop, proxyHash: window.vantageTest.configs[0]?.proxyHash };
      },
      { o: clientOptions(fixture.suite, scene, {}, wire.url), sofa: SOFA, changedSofa: changed },
    );

    expect(result).toEqual({ first: true, again: true, next: true, invalid: false, afterStop: false, proxyHash: null });
    const puts = wire.requests.filter((r) => isProxyRoute(r) && r.method === 'PUT');
    expect(puts.map((r) => r.path)).toEqual([`/api/v1/scenes/${encodeURIComponent(scene)}/proxy`, `/api/v1/scenes/${encodeURIComponent(scene)}/proxy`]);
    expect(puts.map((r) => JSON.parse(r.body.toString('utf8')) as unknown)).toEqual([
      { hash: hashSceneProxy(SOFA), meshes: [...SOFA.meshes].sort((a, b) => (a.id < b.id ? -1 : 1)) },
      { hash: hashSceneProxy(changed), meshes: [...changed.meshes].sort((a, b) => (a.id < b.id ? -1 : 1)) },
    ]);
    for (const put of puts) {
      expect(put.headers.authorization).toBe(`Bearer ${fixture.suite.collector.pk}`);
      expect(put.headers['content-type']).toBe('application/json');
      expect(put.headers.cookie).toBeUndefined();
    }
    // A real browser asked first: PUT with Authorization is not a simple request.
    expect(wire.requests.some((r) => isProxyRoute(r) && r.method === 'OPTIONS')).toBe(true);
    expect((await errorsOf(tab)).map((e) => e.code)).toEqual(['invalid_options']);
    expect(tab.pageErrors).toEqual([]);
  });
});

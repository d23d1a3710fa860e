import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FileLoader, LoadingManager } from 'three';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetKind, assetUrl, watchLoads, type AssetLoad } from './assets.js';

// three's FileLoader reports progress with the DOM's ProgressEvent, which Node lacks.
if (typeof globalThis.ProgressEvent === 'undefined') {
  (globalThis as Record<string, unknown>).ProgressEvent = class ProgressEvent extends Event {
    constructor(type: string, readonly init: { lengthComputable?: boolean; loaded?: number; total?: number } = {}) {
      super(type);
    }
  };
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/models/chair.glb')) {
      setTimeout(() => res.end(Buffer.alloc(2048)), 30);
    } else {
      res.statusCode = 404;
      res.end('no');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function load(loader: FileLoader, url: string): Promise<boolean> {
  return new Promise((resolve) => loader.load(url, () => resolve(true), undefined, () => resolve(false)));
}

describe('watchLoads', () => {
  it('times every load of a real LoadingManager, marks failures, and undoes its wrapping', async () => {
    const manager = new LoadingManager();
    const seen: AssetLoad[] = [];
    const watch = watchLoads(manager, () => performance.now(), (l) => seen.push(l), (e) => { throw e; }, { location: { href: `${base}/page/` } });
    const loader = new FileLoader(manager);
    expect(await load(loader, `${base}/models/chair.glb?v=3`)).toBe(true);
    expect(await load(loader, `${base}/textures/missing.png`)).toBe(false);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ url: `${base}/models/chair.glb?v=3`, kind: 'model', ok: true });
    expect(seen[0]?.durationMs).toBeGreaterThanOrEqual(25);
    expect(seen[1]).toMatchObject({ url: `${base}/textures/missing.png`, kind: 'texture', ok: false });
    const wrapped = manager.itemEnd;
    watch.stop();
    expect(manager.itemEnd).not.toBe(wrapped);
    expect(await load(loader, `${base}/models/chair.glb`)).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('counts the loads in flight it has seen start', () => {
    const manager = new LoadingManager();
    const watch = watchLoads(manager, () => performance.now(), () => undefined, (e) => { throw e; }, { location: { href: `${base}/` } });
    expect(watch.pending()).toBe(0);
    manager.itemStart(`${base}/a.glb`);
    manager.itemStart(`${base}/b.png`);
    expect(watch.pending()).toBe(2);
    manager.itemEnd(`${base}/a.glb`);
    manager.itemError(`${base}/b.png`);
    expect(watch.pending()).toBe(0);
    watch.stop();
  });

  it('reports a load already in flight when the watch began (R3F’s useLoader loads while rendering), timed from the watch at least', async () => {
    const manager = new LoadingManager();
    const seen: AssetLoad[] = [];
    const loader = new FileLoader(manager);
    const pending = load(loader, `${base}/models/chair.glb?early`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const t0 = performance.now();
    watchLoads(manager, () => performance.now(), (l) => seen.push(l), (e) => { throw e; }, { location: { href: `${base}/` } });
    expect(await pending).toBe(true);
    // The manager hears of the end right after the loader's own callback.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ url: `${base}/models/chair.glb?early`, kind: 'model', ok: true });
    expect(seen[0]?.durationMs).toBeLessThanOrEqual(Math.ceil(performance.now() - t0));
  });

  it('never lets its own failure break the loader', async () => {
    const manager = new LoadingManager();
    const errors: unknown[] = [];
    watchLoads(manager, () => performance.now(), () => { throw new Error('boom'); }, (e) => errors.push(e));
    let done = false;
    manager.onLoad = () => { done = true; };
    expect(await load(new FileLoader(manager), `${base}/models/chair.glb`)).toBe(true);
    // The manager hears of the end right after the loader's own callback.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(done).toBe(true);
    expect(errors).toHaveLength(1);
  });
});

describe('asset URLs and kinds', () => {
  it('skips embedded blob: and data: parts, resolves relative URLs and keeps them within 1,024 characters', () => {
    expect(assetUrl('blob:http://x/1234', undefined)).toBeNull();
    expect(assetUrl('data:image/png;base64,AAAA', undefined)).toBeNull();
    expect(assetUrl('sofa.glb', 'https://shop.example/p/sofa?id=1')).toBe('https://shop.example/p/sofa.glb');
    const long = assetUrl(`https://cdn.example/${'a'.repeat(2000)}.png?token=1`, undefined);
    expect(long?.length).toBe(1024);
    expect(long).not.toContain('token');
  });

  it.each([
    ['https://x/a/Sofa.GLB', 'model'],
    ['https://x/env/studio.hdr?x=1', 'environment'],
    ['https://x/t/fabric_albedo.ktx2', 'texture'],
    ['https://x/s/click.mp3', 'audio'],
    ['https://x/draco/decoder.wasm', 'other'],
  ])('%s is %s', (url, kind) => {
    expect(assetKind(url)).toBe(kind);
  });
});

/**
 * The connector's frame hook in Node, driven the way three's renderer drives it (`scene.onAfterRender`
 * after each render): it allocates nothing per frame, and it never lets an error reach the
 * render loop. The real client of `@vantage/sdk-core` receives the events (its collector is a
 * closed port: what it would send does not matter here). Only the canvas is a stand-in — Node has
 * no DOM — with the few members the connector reads.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { BoxGeometry, Group, LoadingManager, Mesh, MeshBasicMaterial, PerspectiveCamera, Raycaster, Scene, Vector2, type WebGLRenderer } from 'three';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type SceneProxy, type VantageClient } from '@vantage/sdk-core';
import { trackScene, type SceneTracker } from './track-scene.js';

/** What three.js does after rendering `scene` with `camera`: call its `onAfterRender` (the connector reads only these three). */
function afterRender(scene: Scene, renderer: WebGLRenderer, camera: PerspectiveCamera): void {
  (scene.onAfterRender as (renderer: WebGLRenderer, scene: Scene, camera: PerspectiveCamera) => void)(renderer, scene, camera);
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A canvas as far as the connector looks at it. */
class FakeCanvas extends EventTarget {
  clientWidth = 800;
  clientHeight = 600;
  width = 800;
  height = 600;
  getBoundingClientRect() {
    return { left: 0, top: 0, width: 800, height: 600, right: 800, bottom: 600, x: 0, y: 0 };
  }
}

function renderer(): WebGLRenderer {
  return {
    domElement: new FakeCanvas(),
    info: { render: { calls: 1000, triangles: 12000 }, memory: { geometries: 1, textures: 0 }, programs: [] },
    getContext: () => null,
    getPixelRatio: () => 1,
    render: () => undefined,
  } as unknown as WebGLRenderer;
}

function grid(): { scene: Scene; camera: PerspectiveCamera } {
  const scene = new Scene();
  const group = new Group();
  group.name = 'grid';
  const geometry = new BoxGeometry(0.6, 0.6, 0.6);
  const material = new MeshBasicMaterial();
  for (let i = 0; i < 1000; i++) {
    const mesh = new Mesh(geometry, material);
    mesh.name = `box-${i}`;
    mesh.position.set((i % 10) - 4.5, Math.floor(i / 10) % 10 - 4.5, Math.floor(i / 100) - 4.5);
    group.add(mesh);
  }
  scene.add(group);
  scene.updateMatrixWorld(true);
  const camera = new PerspectiveCamera(45, 4 / 3, 0.1, 100);
  camera.position.set(8, 5, 12);
  camera.lookAt(0, 0, 0);
  camera.updateMatrixWorld(true);
  return { scene, camera };
}

let client: VantageClient | undefined;
let tracker: SceneTracker | undefined;
afterEach(async () => {
  tracker?.stop();
  await client?.stop();
});

/** Bytes the heap grew by over `frames` frames (after a warm-up and a full collection). */
function heapGrowth(frames: number, frame: (i: number) => void): number {
  for (let i = 0; i < 200_000; i++) frame(i);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < frames; i++) frame(i);
  return process.memoryUsage().heapUsed - before;
}

describe('trackScene in the render loop', () => {
  it('allocates no object per frame, still or orbiting, on 1,000 meshes', () => {
    const { scene, camera } = grid();
    const r = renderer();
    client = createClient({ endpoint: 'http://127.0.0.1:9', key: 'pk_test', sceneId: 'alloc', ignoreOptOut: true, flushIntervalMs: 600_000, requestTimeoutMs: 100 });
    tracker = trackScene({ scene, camera, renderer: r, client, registerProxy: false, loadingManager: null });
    expect(tracker.meshCount).toBe(1000);
    const still = heapGrowth(100_000, () => afterRender(scene, r, camera));
    // Orbiting: the camera moves every frame (samples go out at most every 100 ms of real time).
    const orbiting = heapGrowth(100_000, (i) => {
      camera.position.set(Math.cos(i / 500) * 14, 5, Math.sin(i / 500) * 14);
      camera.lookAt(0, 0, 0);
      camera.updateMatrixWorld(true);
      afterRender(scene, r, camera);
    });
    // What the heap grows by per frame is V8 boxing the frame's time (a double) where it is passed
    // to a function it did not inline: two 16-byte numbers, about 32 bytes, whatever the camera
    // does. An object of ours that outlives a frame — an array, a vector, a closure — adds 24 to
    // 56 bytes more and fails this (checked by planting one). A few events leave in those frames.
    console.log(`heap growth per frame: still ${(still / 100_000).toFixed(1)} B, orbiting ${(orbiting / 100_000).toFixed(1)} B`);
    expect(still / 100_000).toBeLessThan(48);
    expect(orbiting / 100_000).toBeLessThan(48);
  });

  it('driven by a host (frames: manual, its pointer and raycaster, as R3F drives it): scene untouched, no object per frame', () => {
    const { scene, camera } = grid();
    const r = renderer();
    const own = scene.onAfterRender;
    const pointer = new Vector2(0.1, 0.1);
    const raycaster = new Raycaster();
    client = createClient({ endpoint: 'http://127.0.0.1:9', key: 'pk_test', sceneId: 'alloc-manual', ignoreOptOut: true, flushIntervalMs: 600_000, requestTimeoutMs: 100 });
    tracker = trackScene({ scene, camera, renderer: r, client, registerProxy: false, loadingManager: null, frames: 'manual', pointer, raycaster, aimAtCentre: () => false, pointerIntervalMs: 60_000 });
    expect(scene.onAfterRender).toBe(own);
    const t = tracker;
    // The pointer moves every 64th frame (the test's own writes of doubles box numbers too); the
    // pointer samples themselves (events: they allocate) are paced by time, so kept out by a long
    // interval, or a loaded machine, slower through the frames, would count more of them.
    const moving = heapGrowth(100_000, (i) => {
      if ((i & 63) === 0) pointer.set((i & 1023) / 2048, 0.25);
      t.frame(camera);
    });
    console.log(`heap growth per manual frame, pointer moving: ${(moving / 100_000).toFixed(1)} B`);
    expect(moving / 100_000).toBeLessThan(48);
    expect(client.stats.queuedTotal).toBeGreaterThan(0);
    expect(t.active).toBe(true);
  });

  it('keeps the app’s own onAfterRender, and never throws into the render loop', () => {
    const { scene, camera } = grid();
    const r = renderer();
    const calls: number[] = [];
    scene.onAfterRender = () => {
      calls.push(1);
    };
    const errors: string[] = [];
    client = createClient({ endpoint: 'http://127.0.0.1:9', key: 'pk_test', sceneId: 'never-throws', ignoreOptOut: true, requestTimeoutMs: 100 });
    let broken = false;
    tracker = trackScene({
      scene,
      camera,
      renderer: r,
      client,
      registerProxy: false,
      loadingManager: null,
      include: () => {
        if (broken) throw new Error('broken filter');
        return true;
      },
      onError: (e) => errors.push(e.message),
    });
    afterRender(scene, r, camera);
    expect(calls).toHaveLength(1);
    broken = true;
    scene.add(new Mesh(new BoxGeometry(), new MeshBasicMaterial()));
    // Rebuilds fail from now on; the frames go on, and after 20 failures the connector stops.
    const t0 = performance.now();
    while (tracker.active && performance.now() - t0 < 20_000) {
      expect(() => afterRender(scene, r, camera)).not.toThrow();
    }
    expect(tracker.active).toBe(false);
    expect(errors.some((m) => m.includes('broken filter'))).toBe(true);
    expect(errors.at(-1)).toContain('switched itself off');
    // Stopped: the app's own handler is back in place.
    const before = calls.length;
    afterRender(scene, r, camera);
    expect(calls.length).toBe(before + 1);
  });

  it('registers the scene proxy only once the scene has meshes and no watched load is in flight', async () => {
    const scene = new Scene();
    const camera = new PerspectiveCamera(45, 4 / 3, 0.1, 100);
    const r = renderer();
    const manager = new LoadingManager();
    client = createClient({ endpoint: 'http://127.0.0.1:9', key: 'pk_test', sceneId: 'proxy-after-loads', ignoreOptOut: true, requestTimeoutMs: 100 });
    // The real client, but its registrations are recorded here instead of sent.
    const sent: SceneProxy[] = [];
    const recording = Object.create(client, {
      registerProxy: { value: (proxy: SceneProxy) => (sent.push(proxy), Promise.resolve(true)) },
    }) as VantageClient;
    const settle = () => new Promise((resolve) => setTimeout(resolve, 1600));
    tracker = trackScene({ scene, camera, renderer: r, client: recording, loadingManager: manager });

    // A model on its way, nothing in the scene yet: no proxy, however long it takes.
    manager.itemStart('https://shop.example/sofa.glb');
    await settle();
    expect(sent).toEqual([]);
    // Part of it in the scene while the load is still in flight: still none.
    const addPart = (name: string) => {
      const part = new Mesh(new BoxGeometry(), new MeshBasicMaterial());
      part.name = name;
      scene.add(part);
      scene.updateMatrixWorld(true);
    };
    addPart('frame');
    await settle();
    expect(sent).toEqual([]);
    // The load ends and the rest arrives: one proxy, with every mesh.
    addPart('seat');
    manager.itemEnd('https://shop.example/sofa.glb');
    await settle();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.meshes.map((m) => m.id).sort()).toEqual(['frame', 'seat']);
  });
});

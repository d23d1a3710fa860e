/**
 * The replay viewer's test page: opens `createReplay` (or `<Replay>`) on a recorded stream with
 * the sofa or its proxy, and hands the running viewer to the test on `window.replayTest`.
 */
import { createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { VantageEvent } from '@vantage/sdk-core/schema';
import { createReplay, type LiveSource, type ReplayHandle, type ReplayStream } from '@vantage/replay-viewer';
import { Replay } from '@vantage/replay-viewer/react';
import type { ReplaySetup, ReplayTestPage } from './page-api.js';

let handle: ReplayHandle | null = null;
let root: Root | null = null;
const listeners = new Set<(events: readonly VantageEvent[]) => void>();
const live: LiveSource = {
  subscribe(onEvents) {
    listeners.add(onEvents);
    return () => listeners.delete(onEvents);
  },
};

async function loadStream(url: string | null): Promise<ReplayStream> {
  if (url === null) return { session: { id: 'live-session', scene: 'sofa', startedAt: new Date(1_780_000_000_000).toISOString() }, events: [] };
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as ReplayStream;
}

const page: ReplayTestPage = {
  async open(setup: ReplaySetup) {
    const stream = await loadStream(setup.stream);
    const [w, h] = setup.size ?? [800, 560];
    const container = document.createElement('div');
    container.id = 'viewer';
    container.style.cssText = `width:${w}px;height:${h}px`;
    document.body.style.margin = '0';
    document.body.append(container);
    if (setup.mode === 'react') {
      handle = await new Promise<ReplayHandle>((resolve) => {
        root = createRoot(container);
        root.render(createElement(Replay, { stream, scene: setup.scene, at: setup.at, onReady: resolve }));
      });
    } else {
      handle = createReplay({ container, stream, scene: setup.scene, at: setup.at, ...(setup.live ? { live } : {}) });
    }
    await handle.ready;
    if (setup.at !== undefined) handle.seek(setup.at);
    await handle.nextFrame();
    await handle.nextFrame();
  },
  get handle() {
    return handle;
  },
  camera() {
    if (handle === null) throw new Error('no replay open');
    const { camera, renderer } = handle;
    return {
      position: camera.position.toArray() as [number, number, number],
      quaternion: camera.quaternion.toArray() as [number, number, number, number],
      fov: camera.fov,
      aspect: camera.aspect,
      canvas: [renderer.domElement.clientWidth, renderer.domElement.clientHeight],
    };
  },
  push(events) {
    for (const listener of listeners) listener(events);
  },
  unmount() {
    root?.unmount();
    root = null;
    handle = null;
  },
};
window.replayTest = page;

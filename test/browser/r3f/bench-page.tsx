/** @jsxRuntime automatic */
/**
 * The R3F bench page: a `<Canvas>` with a cube of boxes (1,000 meshes at grid 10, unlit), with or
 * without `<VantageAnalytics>`. The same scene as the three.js connector's page, the R3F way.
 * `measure(n)` gives the whole frame time and the time inside the connector's `useFrame` work
 * (its `tracker.frame`, timed by wrapping it on the handle `useVantage()` gives).
 */
import { Canvas, useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { BoxGeometry, MeshBasicMaterial, Vector3 } from 'three';
import type { ClientStats } from '@vantage/sdk-core';
import { VantageAnalytics, useVantage } from '@vantage/r3f';
import type {} from './bench-page-api.js';

let frameCount = 0;
let hookMs = 0;
let stats: (() => ClientStats) | undefined;
let camera: import('three').Camera | undefined;
const centre = new Vector3();

function Grid({ n }: { n: number }) {
  const geometry = useMemo(() => new BoxGeometry(0.6, 0.6, 0.6), []);
  const material = useMemo(() => new MeshBasicMaterial({ color: 0x8899aa }), []);
  const cells = useMemo(() => {
    const out: Array<[number, number, number]> = [];
    for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) for (let z = 0; z < n; z++) out.push([x, y, z]);
    return out;
  }, [n]);
  return (
    <group name="grid">
      {cells.map(([x, y, z]) => (
        <mesh key={`${x}-${y}-${z}`} name={`box-${x}-${y}-${z}`} geometry={geometry} material={material} position={[x - (n - 1) / 2, y - (n - 1) / 2, z - (n - 1) / 2]} />
      ))}
    </group>
  );
}

/** Counts frames (as the three.js page's loop does) and frames the camera on the grid. */
function Frames({ n }: { n: number }) {
  const cam = useThree((s) => s.camera);
  useEffect(() => {
    const size = Math.sqrt(3) * n;
    cam.position.set(size * 0.55, size * 0.3, size * 0.85);
    cam.lookAt(centre);
    camera = cam;
  }, [cam, n]);
  useFrame(() => {
    frameCount++;
  });
  return null;
}

/** Times the connector's per-frame work: its tracker's `frame`, which its `useFrame` calls. */
function Timer() {
  const v = useVantage();
  useEffect(() => {
    const tracker = v.tracker;
    if (!tracker) return;
    stats = () => ({ ...v.client!.stats });
    const frame = tracker.frame.bind(tracker);
    (tracker as { frame: typeof frame }).frame = (c) => {
      const t0 = performance.now();
      frame(c);
      hookMs += performance.now() - t0;
    };
  }, [v]);
  return null;
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

window.vantageR3fBench = {
  async open(setup) {
    const [width, height] = setup.size ?? [640, 480];
    document.body.style.margin = '0';
    const container = document.createElement('div');
    container.style.width = `${width}px`;
    container.style.height = `${height}px`;
    document.body.appendChild(container);
    const n = setup.grid ?? 10;
    const scene = (
      <>
        <Grid n={n} />
        <Frames n={n} />
      </>
    );
    createRoot(container).render(
      <Canvas dpr={1} gl={{ antialias: false }} camera={{ fov: 45, near: 0.05, far: 500 }}>
        {setup.track ? (
          <VantageAnalytics endpoint={setup.client.endpoint} publishableKey={setup.client.key} sceneId={setup.client.sceneId} flushIntervalMs={setup.client.flushIntervalMs} {...setup.tuning}>
            {scene}
            <Timer />
          </VantageAnalytics>
        ) : (
          scene
        )}
      </Canvas>,
    );
    while (frameCount < 3 || camera === undefined || (setup.track && stats === undefined)) await nextFrame();
    await new Promise((resolve) => setTimeout(resolve, 300));
  },
  async orbit(degrees, ms) {
    const c = camera!;
    const start = performance.now();
    const offset = c.position.clone().sub(centre);
    const axis = new Vector3(0, 1, 0);
    for (;;) {
      const k = Math.min(1, (performance.now() - start) / ms);
      c.position.copy(centre).add(offset.clone().applyAxisAngle(axis, (degrees * Math.PI * k) / 180));
      c.lookAt(centre);
      if (k >= 1) return;
      await nextFrame();
    }
  },
  async measure(frames) {
    const start = frameCount;
    const hookStart = hookMs;
    const t0 = performance.now();
    while (frameCount - start < frames) await nextFrame();
    const n = frameCount - start;
    return { msPerFrame: (performance.now() - t0) / n, connectorMsPerFrame: (hookMs - hookStart) / n };
  },
  stats: () => (stats ? stats() : ({} as ClientStats)),
};

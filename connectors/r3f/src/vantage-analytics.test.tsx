/**
 * `<VantageAnalytics>` in an R3F root of `@react-three/test-renderer` (Node, a mocked WebGL
 * context): lifecycle, StrictMode, R3F's frame loop, pointer and raycaster, camera mode from the
 * store's controls, and `useVantage`. Events are read through the real client's `beforeSend`.
 */
import { StrictMode, useEffect } from 'react';
import { renderToString } from 'react-dom/server';
import type { Mesh } from 'three';
import { afterEach, describe, expect, it } from 'vitest';
import { VantageAnalytics, useVantage, type VantageHandle } from './index.js';
import { CLIENT, recorder, render, tick, type TestRoot } from './test-support.js';

let root: TestRoot | undefined;
afterEach(async () => {
  await root?.renderer.unmount();
  root = undefined;
  await tick();
});

function Box({ name, x = 0 }: { name?: string; x?: number }) {
  return (
    <mesh name={name} position={[x, 0, 0]}>
      <boxGeometry args={[1, 1, 1]} />
      <meshBasicMaterial />
    </mesh>
  );
}

describe('<VantageAnalytics>', () => {
  it('throws at once outside <Canvas>, with a Vantage: message', () => {
    expect(() => renderToString(<VantageAnalytics {...CLIENT} sceneId="outside" />)).toThrow(/^Vantage: <VantageAnalytics> must be inside <Canvas>$/);
  });

  it('starts capture on mount, driven by useFrame (scene.onAfterRender untouched), and stops on unmount', async () => {
    const rec = recorder();
    let handle: VantageHandle | undefined;
    function Probe() {
      handle = useVantage();
      return null;
    }
    root = await render(
      <VantageAnalytics {...CLIENT} sceneId="lifecycle" beforeSend={rec.beforeSend}>
        <Box name="crate" />
        <Probe />
      </VantageAnalytics>,
    );
    const state = root.state();
    expect(state.scene.onAfterRender.toString()).not.toMatch(/onFrame/);
    const client = handle?.client;
    expect(client?.active).toBe(true);
    expect(handle?.tracker?.active).toBe(true);
    expect(rec.of('camera')).toEqual([]);
    await root.frames(2);
    expect(rec.of('session_start')).toHaveLength(1);
    expect(rec.of('session_start')[0]?.sdk).toBe('r3f/0.1.0');
    expect(rec.of('camera').length).toBeGreaterThanOrEqual(1);
    const tracker = handle?.tracker;
    await root.renderer.unmount();
    root = undefined;
    await tick();
    expect(tracker?.active).toBe(false);
    expect(client?.active).toBe(false);
    expect(rec.of('session_end')).toHaveLength(1);
  });

  it('under StrictMode’s double mount, runs one client and one session', async () => {
    const rec = recorder();
    const clients = new Set<unknown>();
    function Probe() {
      const v = useVantage();
      useEffect(() => {
        if (v.client) clients.add(v.client);
      });
      return null;
    }
    root = await render(
      <StrictMode>
        <VantageAnalytics {...CLIENT} sceneId="strict" beforeSend={rec.beforeSend}>
          <Box name="crate" />
          <Probe />
        </VantageAnalytics>
      </StrictMode>,
    );
    await tick();
    await root.frames(3);
    expect(clients.size).toBe(1);
    expect(rec.of('session_start')).toHaveLength(1);
    expect(rec.of('session_end')).toHaveLength(0);
    await root.renderer.unmount();
    root = undefined;
    await tick();
    expect(rec.of('session_start')).toHaveLength(1);
    expect(rec.of('session_end')).toHaveLength(1);
  });

  it('takes the pointer from R3F’s state.pointer and rays through R3F’s state.raycaster (put back afterwards)', async () => {
    const rec = recorder();
    root = await render(
      <VantageAnalytics {...CLIENT} sceneId="pointer" beforeSend={rec.beforeSend} pointerIntervalMs={1}>
        <Box name="left" x={-1.5} />
        <Box name="right" x={1.5} />
      </VantageAnalytics>,
    );
    const state = root.state();
    await root.frames(2);
    const right = state.scene.getObjectByName('right') as Mesh;
    const at = root.ndcOf(right);
    const rayBefore = state.raycaster.ray.clone();
    state.pointer.set(at.x, at.y);
    await root.frames(4);
    const moves = rec.of('pointer_move');
    expect(moves.at(-1)).toMatchObject({ x: Math.round(at.x * 10_000), y: Math.round(at.y * 10_000), mesh: 'right' });
    expect(state.raycaster.ray.equals(rayBefore)).toBe(true);
    // A still pointer is not a move.
    const n = rec.of('pointer_move').length;
    await root.frames(4);
    expect(rec.of('pointer_move')).toHaveLength(n);

    const left = root.ndcOf(state.scene.getObjectByName('left')!);
    root.click(left.x, left.y);
    expect(rec.of('click').at(-1)).toMatchObject({ mesh: 'left', button: 0 });
    expect(rec.of('mesh_pick').at(-1)).toMatchObject({ mesh: 'left', source: 'pointer' });
    root.click(0.99, 0.99);
    expect(rec.of('click').at(-1)?.mesh).toBeUndefined();
  });

  it('reads the camera mode from the store’s controls: locked first-person controls aim with the centre of the view', async () => {
    const rec = recorder();
    root = await render(
      <VantageAnalytics {...CLIENT} sceneId="camera-mode" beforeSend={rec.beforeSend}>
        <Box name="centre" />
        <Box name="aside" x={2.2} />
      </VantageAnalytics>,
    );
    await root.frames(2);
    const aside = root.ndcOf(root.state().scene.getObjectByName('aside')!);
    // Orbit controls (a target): the click is where the pointer is.
    root.state().set({ controls: { target: root.state().camera.position.clone().set(0, 0, 0), update() {} } as never });
    await root.frames(1);
    root.click(aside.x, aside.y);
    expect(rec.of('click').at(-1)).toMatchObject({ mesh: 'aside' });
    // Pointer-lock controls, locked: the crosshair at the centre is what the visitor aims at, whatever the camera's class.
    root.state().set({ controls: { isLocked: true, lock() {}, unlock() {} } as never });
    await root.frames(1);
    root.click(aside.x, aside.y);
    expect(rec.of('click').at(-1)).toMatchObject({ x: 0, y: 0, mesh: 'centre' });
    // Unlocked again: the pointer.
    root.state().set({ controls: { isLocked: false, lock() {}, unlock() {} } as never });
    root.click(aside.x, aside.y);
    expect(rec.of('click').at(-1)).toMatchObject({ mesh: 'aside' });
  });

  it('useVantage(): track sends custom events (calls before the start are held), identify reaches the client', async () => {
    const rec = recorder();
    let handle: VantageHandle | undefined;
    function Child() {
      const v = useVantage();
      handle = v;
      // A child's mount effect runs before its parent's: before capture started.
      useEffect(() => v.track('configurator_opened', { variant: 'Champagne' }), [v.track]);
      return null;
    }
    root = await render(
      <VantageAnalytics {...CLIENT} sceneId="hook" beforeSend={rec.beforeSend}>
        <Child />
      </VantageAnalytics>,
    );
    await tick();
    handle!.track('add_to_cart', { price: 129 });
    handle!.identify({ userId: 'u-1' });
    const customs = rec.of('custom').map((e) => e.name);
    expect(customs.filter((n) => n === 'configurator_opened')).toHaveLength(1);
    expect(customs).toContain('add_to_cart');
    expect(handle!.client).toBeDefined();
    expect(() => renderToString(<Outside />)).toThrow(/^Vantage: useVantage\(\) must be used inside <VantageAnalytics>$/);
  });
});

function Outside() {
  useVantage();
  return null;
}


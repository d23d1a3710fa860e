/**
 * Tagging in an R3F scene: `<Tracked id>`, `useTracked(ref, id)`, `userData.vantageId` (and
 * `vantageTag`), and untagged meshes — each seen through what the connector sends for a click on
 * it (R3F's pointer, R3F's raycaster), and untagged ids equal to `@vantage/three`'s `meshIdOf`.
 */
import { useRef, type ReactNode } from 'react';
import type { Mesh } from 'three';
import { afterEach, describe, expect, it } from 'vitest';
import { meshIdOf } from '@vantage/three';
import { Tracked, VantageAnalytics, useTracked, vantageTag } from './index.js';
import { CLIENT, recorder, render, tick, type TestRoot } from './test-support.js';

let root: TestRoot | undefined;
afterEach(async () => {
  await root?.renderer.unmount();
  root = undefined;
  await tick();
});

function Box({ x, name, userData }: { x: number; name?: string; userData?: Record<string, unknown> }) {
  return (
    <mesh name={name} position={[x, 0, 0]} userData={userData}>
      <boxGeometry args={[0.8, 0.8, 0.8]} />
      <meshBasicMaterial />
    </mesh>
  );
}

function Lamp({ x, id }: { x: number; id: string }) {
  const ref = useRef<Mesh>(null);
  useTracked(ref, id);
  return (
    <mesh ref={ref} name="Lamp_001" position={[x, 0, 0]}>
      <boxGeometry args={[0.8, 0.8, 0.8]} />
      <meshBasicMaterial />
    </mesh>
  );
}

function Scene({ children }: { children?: ReactNode }) {
  return (
    <group name="room">
      <Tracked id="sofa-cushion">
        <Box x={-3} name="Cushion_003" />
      </Tracked>
      <Lamp x={-1.5} id="lamp" />
      <Box x={0} name="Table_01" userData={{ vantageId: 'table' }} />
      <Box x={1.5} name="Shelf" {...vantageTag('shelf')} />
      <Box x={3} name="Rug_material_2" />
      <group>
        <Box x={4.5} />
      </group>
      {children}
    </group>
  );
}

describe('tagging', () => {
  it('<Tracked>, useTracked, userData and vantageTag give their ids; untagged meshes the three connector’s name-or-path ids', async () => {
    const rec = recorder();
    root = await render(
      <VantageAnalytics {...CLIENT} sceneId="tags" beforeSend={rec.beforeSend}>
        <Scene />
      </VantageAnalytics>,
    );
    const state = root.state();
    state.camera.position.set(0.75, 0, 9);
    state.camera.lookAt(0.75, 0, 0);
    await root.frames(2);
    const meshes: Mesh[] = [];
    state.scene.traverse((o) => {
      if ((o as Mesh).isMesh) meshes.push(o as Mesh);
    });
    expect(meshes).toHaveLength(6);
    const clicked: string[] = [];
    for (const mesh of meshes) {
      const at = root.ndcOf(mesh);
      root.click(at.x, at.y);
      clicked.push(rec.of('click').at(-1)?.mesh ?? '(none)');
    }
    const unnamed = meshes[5]!;
    expect(clicked).toEqual(['sofa-cushion', 'lamp', 'table', 'shelf', 'Rug_material_2', meshIdOf(unnamed, state.scene)]);
    expect(meshIdOf(unnamed, state.scene)).toBe('room/5/0');
  });

  it('useTracked puts the previous tag back on unmount, and the tracker re-reads the id', async () => {
    const rec = recorder();
    function App({ lamp }: { lamp: boolean }) {
      return (
        <VantageAnalytics {...CLIENT} sceneId="retag" beforeSend={rec.beforeSend}>
          {lamp ? <Lamp x={0} id="reading-lamp" /> : <mesh name="Lamp_001"><boxGeometry /></mesh>}
        </VantageAnalytics>
      );
    }
    root = await render(<App lamp />);
    await root.frames(2);
    root.click(0, 0);
    expect(rec.of('click').at(-1)?.mesh).toBe('reading-lamp');
    await root.renderer.update(<App lamp={false} />);
    await root.frames(2);
    root.click(0, 0);
    expect(rec.of('click').at(-1)?.mesh).toBe('Lamp_001');
  });

  it('useTracked outside <Canvas> and <Tracked> with a bad id fail fast with Vantage: messages', async () => {
    const { renderToString } = await import('react-dom/server');
    function Outside() {
      useTracked(useRef(null), 'x');
      return null;
    }
    expect(() => renderToString(<Outside />)).toThrow(/^Vantage: useTracked\(\) must be used inside <Canvas>$/);
    expect(() => renderToString(<Tracked id="">{null}</Tracked>)).toThrow(/^Vantage: vantageTag needs an id of 1–128 characters, got 0$/);
  });
});

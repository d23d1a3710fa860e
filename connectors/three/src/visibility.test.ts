import { BoxGeometry, Mesh, MeshBasicMaterial, PerspectiveCamera, Scene } from 'three';
import { describe, expect, it } from 'vitest';
import { SceneIndex } from './scene-index.js';
import { VisibilityMeter } from './visibility.js';

function box(name: string, x: number, y: number, z: number, size = 1): Mesh {
  const mesh = new Mesh(new BoxGeometry(size, size, size), new MeshBasicMaterial());
  mesh.name = name;
  mesh.position.set(x, y, z);
  return mesh;
}

describe('VisibilityMeter', () => {
  it('adds up time on screen and near the centre per mesh id, with the largest screen share, and restarts the window', () => {
    const scene = new Scene();
    const centre = box('centre', 0, 0, 0);
    const edge = box('edge', 3.2, 0, 0);
    const behind = box('behind', 0, 0, 20);
    const twinA = box('twin', -3, 1.5, 0, 0.5);
    const twinB = box('twin', -3, -1.5, 0, 0.5);
    scene.add(centre, edge, behind, twinA, twinB);
    const camera = new PerspectiveCamera(60, 16 / 9, 0.1, 100);
    camera.position.set(0, 0, 10);
    camera.lookAt(0, 0, 0);
    scene.updateMatrixWorld(true);
    camera.updateMatrixWorld(true);
    const index = new SceneIndex(scene, () => true);
    index.rebuild();
    const meter = new VisibilityMeter(index);
    for (let i = 0; i <= 10; i++) meter.step(i * 100, camera, 16 / 9, i);
    const totals = meter.take(10);
    const byId = Object.fromEntries(totals.map((t) => [t.id, t]));
    expect(Object.keys(byId).sort()).toEqual(['centre', 'edge', 'twin']);
    expect(byId.centre).toMatchObject({ visibleMs: 1000, centreMs: 1000 });
    expect(byId.edge).toMatchObject({ visibleMs: 1000, centreMs: 0 });
    // Two meshes share the id "twin": their time is not counted twice.
    expect(byId.twin?.visibleMs).toBe(1000);
    // The unit cube's bounding sphere (r = 0.866) at 10 m, 60° fov, 16:9: about 1.1 % of the screen.
    const share = (Math.PI * (0.866 / (10 * Math.tan(Math.PI / 6))) ** 2) / (16 / 9) / 4;
    expect(byId.centre?.maxScreenPermille).toBe(Math.round(share * 1000));
    expect(meter.take(10)).toEqual([]);
  });

  it('caps a long pause at one step and keeps the meshes seen longest when over the cap', () => {
    const scene = new Scene();
    const a = box('a', 0, 0, 0);
    const b = box('b', 2, 0, 0);
    scene.add(a, b);
    const camera = new PerspectiveCamera(60, 1, 0.1, 100);
    camera.position.set(0, 0, 10);
    scene.updateMatrixWorld(true);
    camera.updateMatrixWorld(true);
    const index = new SceneIndex(scene, () => true);
    index.rebuild();
    const meter = new VisibilityMeter(index);
    meter.step(0, camera, 1, 1);
    meter.step(60_000, camera, 1, 2);
    b.visible = false;
    meter.step(60_100, camera, 1, 3);
    const totals = meter.take(1);
    expect(totals).toEqual([{ id: 'a', visibleMs: 350, centreMs: 350, maxScreenPermille: expect.any(Number) }]);
  });
});

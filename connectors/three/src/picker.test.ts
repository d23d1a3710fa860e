import { BoxGeometry, Group, Mesh, MeshBasicMaterial, PerspectiveCamera, Raycaster, Scene, SphereGeometry, Vector2 } from 'three';
import { describe, expect, it } from 'vitest';
import { Picker } from './picker.js';
import { SceneIndex } from './scene-index.js';

/** A 10 × 10 × 10 grid of 1,000 named boxes and spheres, some rotated and scaled, in groups. */
function gridScene(): { scene: Scene; meshes: Mesh[] } {
  const scene = new Scene();
  const material = new MeshBasicMaterial();
  const box = new BoxGeometry(0.4, 0.4, 0.4);
  const ball = new SphereGeometry(0.25, 12, 8);
  const meshes: Mesh[] = [];
  for (let x = 0; x < 10; x++) {
    const slab = new Group();
    slab.name = `slab-${x}`;
    slab.position.x = x - 4.5;
    scene.add(slab);
    for (let y = 0; y < 10; y++) {
      for (let z = 0; z < 10; z++) {
        const mesh = new Mesh((x + y + z) % 3 === 0 ? ball : box, material);
        mesh.name = `m-${x}-${y}-${z}`;
        mesh.position.set(0, y - 4.5, z - 4.5);
        mesh.rotation.set(x * 0.3, y * 0.2, z * 0.1);
        mesh.scale.setScalar(0.6 + ((x * 7 + y * 3 + z) % 5) * 0.15);
        slab.add(mesh);
        meshes.push(mesh);
      }
    }
  }
  scene.updateMatrixWorld(true);
  return { scene, meshes };
}

/** A named unit box at `z`. */
function box(name: string, z = 0): Mesh {
  const mesh = new Mesh(new BoxGeometry(1, 1, 1), new MeshBasicMaterial());
  mesh.name = name;
  mesh.position.z = z;
  return mesh;
}

/** An index and a picker over `scene` (its world matrices updated first). */
function pickerOver(scene: Scene): { index: SceneIndex; picker: Picker } {
  scene.updateMatrixWorld(true);
  const index = new SceneIndex(scene, () => true);
  index.rebuild();
  return { index, picker: new Picker(index) };
}

function cameraAt(x: number, y: number, z: number): PerspectiveCamera {
  const camera = new PerspectiveCamera(50, 16 / 9, 0.1, 100);
  camera.position.set(x, y, z);
  camera.lookAt(0, 0, 0);
  camera.updateMatrixWorld(true);
  return camera;
}

describe('Picker', () => {
  it('finds the same nearest mesh and point as three.js raycasting every mesh, for 400 rays from 4 viewpoints', () => {
    const { scene, meshes } = gridScene();
    const index = new SceneIndex(scene, () => true);
    index.rebuild();
    expect(index.entries).toHaveLength(1000);
    const picker = new Picker(index);
    const reference = new Raycaster();
    let frame = 0;
    let hits = 0;
    let raycasts = 0;
    for (const camera of [cameraAt(12, 3, 9), cameraAt(-8, -6, 10), cameraAt(0, 15, 0.01), cameraAt(3, 1, -14)]) {
      for (let i = 0; i < 100; i++) {
        const x = Math.sin(i * 12.9898) * 0.9;
        const y = Math.cos(i * 78.233) * 0.9;
        reference.setFromCamera(new Vector2(x, y), camera);
        const expected = reference.intersectObjects(meshes, false)[0];
        const got = picker.pick(camera, x, y, ++frame);
        raycasts += picker.raycasts;
        expect(got).toBe(expected !== undefined);
        if (expected) {
          hits++;
          expect(picker.hit?.id).toBe(expected.object.name);
          expect(picker.point.distanceTo(expected.point)).toBeLessThan(1e-9);
        }
      }
    }
    expect(hits).toBeGreaterThan(80);
    console.log(`picker: ${hits} hits in 400 rays, ${(raycasts / 400).toFixed(1)} meshes raycast per ray of 1,000`);
    // Bounding spheres keep almost every mesh out of the triangle tests.
    expect(raycasts / 400).toBeLessThan(5);
  });

  it('ignores hidden meshes (or hidden ancestors) and meshes off the camera layers', () => {
    const scene = new Scene();
    const near = box('near', 2);
    const far = box('far');
    const holder = new Group();
    holder.add(near);
    scene.add(holder, far);
    const { picker } = pickerOver(scene);
    const camera = cameraAt(0, 0, 10);
    expect(picker.pick(camera, 0, 0, 1)).toBe(true);
    expect(picker.hit?.id).toBe('near');
    expect(picker.point.z).toBeCloseTo(2.5, 9);
    holder.visible = false;
    expect(picker.pick(camera, 0, 0, 2)).toBe(true);
    expect(picker.hit?.id).toBe('far');
    far.layers.set(3);
    expect(picker.pick(camera, 0, 0, 3)).toBe(false);
    expect(picker.hit).toBeNull();
  });

  it('follows moved meshes from one frame to the next and sees added children after a rebuild', () => {
    const scene = new Scene();
    const mesh = box('mover');
    scene.add(mesh);
    const { index, picker } = pickerOver(scene);
    const camera = cameraAt(0, 0, 10);
    expect(picker.pick(camera, 0, 0, 1)).toBe(true);
    mesh.position.x = 5;
    scene.updateMatrixWorld(true);
    expect(picker.pick(camera, 0, 0, 2)).toBe(false);
    const added = box('added');
    scene.add(added);
    scene.updateMatrixWorld(true);
    expect(index.dirty).toBe(true);
    index.rebuild();
    expect(picker.pick(camera, 0, 0, 3)).toBe(true);
    expect(picker.hit?.id).toBe('added');
    scene.remove(added);
    expect(index.dirty).toBe(true);
  });
});

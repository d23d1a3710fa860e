import { BoxGeometry, Group, Mesh, MeshBasicMaterial, Scene } from 'three';
import { describe, expect, it } from 'vitest';
import { tagObject } from './mesh-id.js';
import { buildProxy } from './proxy.js';
import { SceneIndex } from './scene-index.js';

describe('buildProxy', () => {
  it('gives one world box in millimetres per mesh id, the union for meshes sharing an id, sorted by id', () => {
    const scene = new Scene();
    const part = tagObject(new Group(), 'cushions');
    part.position.set(1, 0, 0);
    const left = new Mesh(new BoxGeometry(1, 1, 1), new MeshBasicMaterial());
    left.position.set(-1, 0.5, 0);
    const right = new Mesh(new BoxGeometry(1, 1, 1), new MeshBasicMaterial());
    right.position.set(1, 0.5, 0);
    part.add(left, right);
    const base = new Mesh(new BoxGeometry(4, 0.2, 2), new MeshBasicMaterial());
    base.name = 'base';
    base.scale.set(0.5, 1, 1);
    scene.add(part, base);
    scene.updateMatrixWorld(true);
    const index = new SceneIndex(scene, () => true);
    index.rebuild();
    const { proxy, truncated } = buildProxy(index);
    expect(truncated).toBe(0);
    expect(proxy.meshes).toEqual([
      { id: 'base', box: [-1000, -100, -1000, 1000, 100, 1000] },
      { id: 'cushions', box: [-500, 0, -500, 2500, 1000, 500] },
    ]);
  });

  it('keeps the largest boxes when the scene has more ids than a proxy holds', () => {
    const scene = new Scene();
    for (let i = 1; i <= 5; i++) {
      const mesh = new Mesh(new BoxGeometry(i, i, i), new MeshBasicMaterial());
      mesh.name = `size-${i}`;
      scene.add(mesh);
    }
    scene.updateMatrixWorld(true);
    const index = new SceneIndex(scene, () => true);
    index.rebuild();
    const { proxy, truncated } = buildProxy(index, 2);
    expect(truncated).toBe(3);
    expect(proxy.meshes.map((m) => m.id)).toEqual(['size-4', 'size-5']);
  });
});

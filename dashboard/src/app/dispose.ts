/** Freeing what three.js holds on the GPU for a subtree that leaves the scene. */
import type { Mesh, Object3D } from 'three';

/** Dispose of every geometry and material below `root` (root included). */
export function disposeTree(root: Object3D): void {
  root.traverse((o) => {
    const m = o as Mesh;
    m.geometry?.dispose();
    const mat = m.material;
    if (Array.isArray(mat)) mat.forEach((x) => x.dispose());
    else mat?.dispose();
  });
}

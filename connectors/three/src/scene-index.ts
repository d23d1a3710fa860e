/**
 * The meshes of a tracked scene, with their stable ids and world bounding spheres, kept up to
 * date as the graph changes. Every bounding-volume test and every raycast goes through this
 * index, so per-frame work never traverses the scene graph and never allocates: spheres are
 * preallocated per mesh and refreshed in place at most once per frame.
 *
 * The index listens for three's `childadded` / `childremoved` events on every object it covers,
 * and marks itself dirty; the next throttled step rebuilds it. Renaming or re-tagging objects is
 * not an event: call the tracker's `refresh()` after doing that.
 */
import { Box3, Sphere, type BufferGeometry, type Camera, type Mesh, type Object3D } from 'three';
import { meshIdOf } from './mesh-id.js';

/** Which meshes the index covers. */
export type MeshFilter = (object: Object3D) => boolean;

/** A mesh the index covers. */
export interface MeshEntry {
  readonly object: Mesh;
  /** Its stable id. */
  readonly id: string;
  /** Index of its id in {@link SceneIndex.ids} (meshes sharing an id share a slot). */
  readonly slot: number;
  /** World bounding sphere, valid for frame {@link MeshEntry.frame}. */
  readonly sphere: Sphere;
  /** The frame the sphere was last refreshed for. */
  frame: number;
  /** Grow the sphere by this factor (skinned meshes move away from their bind pose). */
  readonly slack: number;
}

/** Objects a ray or a view never counts: lines, points, sprites and helpers are not meshes. */
export function isTrackableMesh(object: Object3D): object is Mesh {
  const o = object as Partial<Mesh> & { isMesh?: boolean };
  return o.isMesh === true && o.geometry !== undefined;
}

/** Whether `object` and all its ancestors are visible. */
export function isShown(object: Object3D): boolean {
  for (let o: Object3D | null = object; o !== null; o = o.parent) if (!o.visible) return false;
  return true;
}

/** Local bounding sphere of a mesh (skinned and instanced meshes keep their own). */
function localSphere(mesh: Mesh): Sphere | null {
  const own = (mesh as Mesh & { boundingSphere?: Sphere | null; computeBoundingSphere?: () => void }).boundingSphere;
  if (own !== undefined) {
    if (own === null) (mesh as Mesh & { computeBoundingSphere(): void }).computeBoundingSphere();
    return (mesh as Mesh & { boundingSphere: Sphere | null }).boundingSphere;
  }
  const geometry: BufferGeometry = mesh.geometry;
  if (geometry.boundingSphere === null) geometry.computeBoundingSphere();
  return geometry.boundingSphere;
}

export class SceneIndex {
  /** The covered meshes. */
  entries: MeshEntry[] = [];
  /** Distinct ids, by slot. */
  ids: string[] = [];
  /** Set when the graph changed; {@link rebuild} clears it. */
  dirty = true;
  /** Bumped on every rebuild. */
  version = 0;
  readonly #watched = new Set<Object3D>();
  readonly #onChange = (): void => {
    this.dirty = true;
  };

  readonly root: Object3D;
  readonly #filter: MeshFilter;

  constructor(root: Object3D, filter: MeshFilter) {
    this.root = root;
    this.#filter = filter;
  }

  /** Re-read the graph: meshes, ids, slots; watch every object for child changes. */
  rebuild(): void {
    const entries: MeshEntry[] = [];
    const slots = new Map<string, number>();
    const ids: string[] = [];
    const seen = new Set<Object3D>();
    this.root.traverse((object) => {
      seen.add(object);
      if (!this.#watched.has(object)) {
        object.addEventListener('childadded', this.#onChange);
        object.addEventListener('childremoved', this.#onChange);
        this.#watched.add(object);
      }
      if (!isTrackableMesh(object) || !this.#filter(object)) return;
      const id = meshIdOf(object, this.root);
      let slot = slots.get(id);
      if (slot === undefined) {
        slot = ids.length;
        slots.set(id, slot);
        ids.push(id);
      }
      const skinned = (object as Mesh & { isSkinnedMesh?: boolean }).isSkinnedMesh === true;
      entries.push({ object, id, slot, sphere: new Sphere(), frame: -1, slack: skinned ? 1.5 : 1 });
    });
    for (const object of this.#watched) {
      if (seen.has(object)) continue;
      object.removeEventListener('childadded', this.#onChange);
      object.removeEventListener('childremoved', this.#onChange);
      this.#watched.delete(object);
    }
    this.entries = entries;
    this.ids = ids;
    this.dirty = false;
    this.version++;
  }

  /** Refresh `entry`'s world sphere for `frame` (once per frame). Allocates nothing. */
  sphereOf(entry: MeshEntry, frame: number): Sphere | null {
    if (entry.frame === frame) return entry.sphere;
    const local = localSphere(entry.object);
    if (local === null) return null;
    entry.sphere.copy(local).applyMatrix4(entry.object.matrixWorld);
    entry.sphere.radius *= entry.slack;
    entry.frame = frame;
    return entry.sphere;
  }

  /** Whether the camera would draw `entry` now: visible up the graph, on the camera's layers. */
  static drawable(entry: MeshEntry, camera: Camera): boolean {
    return camera.layers.test(entry.object.layers) && isShown(entry.object);
  }

  /** World-space boxes of every id (the union over meshes sharing it), for the scene proxy. */
  boxes(): Map<string, Box3> {
    const boxes = new Map<string, Box3>();
    const box = new Box3();
    for (const entry of this.entries) {
      const geometry = entry.object.geometry;
      if (geometry.boundingBox === null) geometry.computeBoundingBox();
      if (geometry.boundingBox === null || geometry.boundingBox.isEmpty()) continue;
      entry.object.updateWorldMatrix(true, false);
      box.copy(geometry.boundingBox).applyMatrix4(entry.object.matrixWorld);
      const known = boxes.get(entry.id);
      if (known) known.union(box);
      else boxes.set(entry.id, box.clone());
    }
    return boxes;
  }

  /** Stop listening to the graph. */
  dispose(): void {
    for (const object of this.#watched) {
      object.removeEventListener('childadded', this.#onChange);
      object.removeEventListener('childremoved', this.#onChange);
    }
    this.#watched.clear();
    this.entries = [];
    this.ids = [];
  }
}

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
import { Box3, type BufferGeometry, type Sphere, type Camera, type Mesh, type Object3D } from 'three';
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
      entries.push({ object, id, slot, slack: skinned ? 1.5 : 1 });
    });
    for (const object of this.#watched) {
      if (seen.has(object)) continue;
      object.removeEventListener('childadded', this.#onChange);
      object.removeEventListener('childremoved', this.#onChange);
      this.#watched.delete(object);
    }
    this.entries = entries;
    this.ids = ids;
    this.spheres = new Float64Array(entries.length * 4);
    this.#epoch = NaN;
    this.dirty = false;
    this.version++;
  }

  /**
   * World bounding spheres of every entry, four numbers each (centre x, y, z, radius; radius -1
   * for a mesh without geometry bounds), valid for the epoch of the last {@link refresh}. A flat
   * array, so the loops over every mesh read memory in order.
   */
  spheres = new Float64Array(0);
  #epoch = NaN;

  /** Recompute every world sphere, once per `epoch` (a later call with the same epoch does nothing). Allocates nothing. */
  refresh(epoch: number): void {
    if (this.#epoch === epoch) return;
    this.#epoch = epoch;
    const out = this.spheres;
    const entries = this.entries;
    for (let i = 0, o = 0; i < entries.length; i++, o += 4) {
      const entry = entries[i] as MeshEntry;
      const local = localSphere(entry.object);
      if (local === null) {
        out[o + 3] = -1;
        continue;
      }
      const e = entry.object.matrixWorld.elements;
      const c = local.center;
      out[o] = (e[0] as number) * c.x + (e[4] as number) * c.y + (e[8] as number) * c.z + (e[12] as number);
      out[o + 1] = (e[1] as number) * c.x + (e[5] as number) * c.y + (e[9] as number) * c.z + (e[13] as number);
      out[o + 2] = (e[2] as number) * c.x + (e[6] as number) * c.y + (e[10] as number) * c.z + (e[14] as number);
      const sx = (e[0] as number) ** 2 + (e[1] as number) ** 2 + (e[2] as number) ** 2;
      const sy = (e[4] as number) ** 2 + (e[5] as number) ** 2 + (e[6] as number) ** 2;
      const sz = (e[8] as number) ** 2 + (e[9] as number) ** 2 + (e[10] as number) ** 2;
      out[o + 3] = local.radius * Math.sqrt(Math.max(sx, sy, sz)) * entry.slack;
    }
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
    this.spheres = new Float64Array(0);
  }
}

/**
 * What is under a point of the screen: the nearest drawn mesh of the index and the world point
 * where the ray meets it. Bounding spheres are tested first (from the index, refreshed once per
 * frame), and candidates are raycast nearest-sphere-first, stopping as soon as no remaining
 * sphere can hold a nearer hit — so most meshes never see a triangle test. The buffers are
 * preallocated; only three's own `Mesh.raycast` allocates its intersection records.
 */
import { Ray, Raycaster, Vector2, Vector3, type Box3, type Camera, type Intersection, type Object3D } from 'three';
import { SceneIndex, type MeshEntry } from './scene-index.js';

export class Picker {
  /** The mesh hit by the last {@link pick}, or `null`. */
  hit: MeshEntry | null = null;
  /** The world hit point of the last {@link pick} (valid when {@link hit} is set). */
  readonly point = new Vector3();
  /** Meshes raycast by the last pick (for tests and diagnostics). */
  raycasts = 0;
  readonly #raycaster: Raycaster;
  /** A host's raycaster is put back as it was after each pick: its ray and camera, saved here. */
  readonly #shared: boolean;
  readonly #savedRay = new Ray();
  readonly #ndc = new Vector2();
  readonly #hits: Array<Intersection<Object3D>> = [];
  #candidates = new Int32Array(64);
  #distances = new Float64Array(64);

  readonly #index: SceneIndex;

  /**
   * Where the ray enters `entry`'s world box (0 when it starts inside), or -1 when it misses it.
   * Skinned meshes leave their bind-pose box: for them the sphere test stands (0).
   */
  #boxEntry(entry: MeshEntry, ox: number, oy: number, oz: number, rx: number, ry: number, rz: number): number {
    if (entry.slack !== 1) return 0;
    const object = entry.object as MeshEntry['object'] & { boundingBox?: Box3 | null };
    let box = object.boundingBox;
    if (box === undefined) {
      if (object.geometry.boundingBox === null) object.geometry.computeBoundingBox();
      box = object.geometry.boundingBox;
    }
    if (!box || box.isEmpty()) return 0;
    const e = object.matrixWorld.elements;
    const mx = (box.min.x + box.max.x) / 2;
    const my = (box.min.y + box.max.y) / 2;
    const mz = (box.min.z + box.max.z) / 2;
    const ex = (box.max.x - box.min.x) / 2;
    const ey = (box.max.y - box.min.y) / 2;
    const ez = (box.max.z - box.min.z) / 2;
    let near = 0;
    let far = Infinity;
    for (let axis = 0; axis < 3; axis++) {
      const c = (e[axis] as number) * mx + (e[axis + 4] as number) * my + (e[axis + 8] as number) * mz + (e[axis + 12] as number);
      const h = Math.abs(e[axis] as number) * ex + Math.abs(e[axis + 4] as number) * ey + Math.abs(e[axis + 8] as number) * ez;
      const o = axis === 0 ? ox : axis === 1 ? oy : oz;
      const d = axis === 0 ? rx : axis === 1 ? ry : rz;
      if (d === 0) {
        if (o < c - h || o > c + h) return -1;
        continue;
      }
      let t1 = (c - h - o) / d;
      let t2 = (c + h - o) / d;
      if (t1 > t2) {
        const t = t1;
        t1 = t2;
        t2 = t;
      }
      if (t1 > near) near = t1;
      if (t2 < far) far = t2;
      if (near > far) return -1;
    }
    return near;
  }

  /** `raycaster`: a host's own (React Three Fiber's `state.raycaster`); default a new one. */
  constructor(index: SceneIndex, raycaster?: Raycaster) {
    this.#index = index;
    this.#shared = raycaster !== undefined;
    this.#raycaster = raycaster ?? new Raycaster();
  }

  /**
   * Cast a ray from `camera` through normalised device coordinates (`x`, `y` in -1..1, y up).
   * Returns whether a mesh was hit; see {@link hit} and {@link point}.
   */
  pick(camera: Camera, x: number, y: number, epoch: number): boolean {
    if (!this.#shared) return this.#pick(camera, x, y, epoch);
    const raycaster = this.#raycaster;
    const savedCamera = raycaster.camera;
    this.#savedRay.copy(raycaster.ray);
    try {
      return this.#pick(camera, x, y, epoch);
    } finally {
      raycaster.ray.copy(this.#savedRay);
      raycaster.camera = savedCamera;
    }
  }

  #pick(camera: Camera, x: number, y: number, epoch: number): boolean {
    this.hit = null;
    this.raycasts = 0;
    const entries = this.#index.entries;
    if (entries.length === 0) return false;
    if (this.#candidates.length < entries.length) {
      this.#candidates = new Int32Array(entries.length);
      this.#distances = new Float64Array(entries.length);
    }
    this.#ndc.set(x, y);
    this.#raycaster.setFromCamera(this.#ndc, camera);
    const ray = this.#raycaster.ray;
    const ox = ray.origin.x;
    const oy = ray.origin.y;
    const oz = ray.origin.z;
    const rx = ray.direction.x;
    const ry = ray.direction.y;
    const rz = ray.direction.z;
    this.#index.refresh(epoch);
    const spheres = this.#index.spheres;
    let n = 0;
    for (let i = 0, o = 0; i < entries.length; i++, o += 4) {
      // The ray against the sphere, inline (cheapest test first; most meshes stop here).
      const r = spheres[o + 3] as number;
      if (r < 0) continue;
      const dx = (spheres[o] as number) - ox;
      const dy = (spheres[o + 1] as number) - oy;
      const dz = (spheres[o + 2] as number) - oz;
      const along = dx * rx + dy * ry + dz * rz;
      if (along + r < 0) continue;
      const d2 = dx * dx + dy * dy + dz * dz - along * along;
      if (d2 > r * r) continue;
      const entry = entries[i] as MeshEntry;
      // Then the world box, for the few meshes whose sphere the ray meets: a tighter fit (a
      // sphere around a long, thin part is mostly empty) and the distance where the ray enters.
      const enter = this.#boxEntry(entry, ox, oy, oz, rx, ry, rz);
      if (enter < 0 || !SceneIndex.drawable(entry, camera)) continue;
      this.#candidates[n] = i;
      this.#distances[n] = enter;
      n++;
    }
    let best = Infinity;
    let bestEntry: MeshEntry | null = null;
    // Nearest sphere first; stop when the nearest remaining sphere starts beyond the best hit.
    for (let left = n; left > 0; left--) {
      let k = 0;
      for (let j = 1; j < left; j++) if ((this.#distances[j] as number) < (this.#distances[k] as number)) k = j;
      const near = this.#distances[k] as number;
      if (near > best) break;
      const entry = entries[this.#candidates[k] as number] as MeshEntry;
      // Swap the chosen candidate out of the live range.
      this.#candidates[k] = this.#candidates[left - 1] as number;
      this.#distances[k] = this.#distances[left - 1] as number;
      this.#hits.length = 0;
      this.raycasts++;
      entry.object.raycast(this.#raycaster, this.#hits);
      for (const hit of this.#hits) {
        if (hit.distance < best) {
          best = hit.distance;
          bestEntry = entry;
          this.point.copy(hit.point);
        }
      }
    }
    this.#hits.length = 0;
    this.hit = bestEntry;
    return bestEntry !== null;
  }
}

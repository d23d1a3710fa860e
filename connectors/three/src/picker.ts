/**
 * What is under a point of the screen: the nearest drawn mesh of the index and the world point
 * where the ray meets it. Bounding spheres are tested first (from the index, refreshed once per
 * frame), and candidates are raycast nearest-sphere-first, stopping as soon as no remaining
 * sphere can hold a nearer hit — so most meshes never see a triangle test. The buffers are
 * preallocated; only three's own `Mesh.raycast` allocates its intersection records.
 */
import { Raycaster, Vector2, Vector3, type Camera, type Intersection, type Object3D } from 'three';
import { SceneIndex, type MeshEntry } from './scene-index.js';

export class Picker {
  /** The mesh hit by the last {@link pick}, or `null`. */
  hit: MeshEntry | null = null;
  /** The world hit point of the last {@link pick} (valid when {@link hit} is set). */
  readonly point = new Vector3();
  /** Meshes raycast by the last pick (for tests and diagnostics). */
  raycasts = 0;
  readonly #raycaster = new Raycaster();
  readonly #ndc = new Vector2();
  readonly #hits: Array<Intersection<Object3D>> = [];
  #candidates = new Int32Array(64);
  #distances = new Float64Array(64);

  readonly #index: SceneIndex;

  constructor(index: SceneIndex) {
    this.#index = index;
  }

  /**
   * Cast a ray from `camera` through normalised device coordinates (`x`, `y` in -1..1, y up).
   * Returns whether a mesh was hit; see {@link hit} and {@link point}.
   */
  pick(camera: Camera, x: number, y: number, epoch: number): boolean {
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
      if (d2 > r * r || !SceneIndex.drawable(entries[i] as MeshEntry, camera)) continue;
      this.#candidates[n] = i;
      this.#distances[n] = Math.max(0, along - r);
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

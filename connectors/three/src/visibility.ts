/**
 * The `mesh_visibility` channel: per mesh id, time inside the view frustum, time near the
 * centre of the screen and the largest share of the screen it covered, summed over a window and
 * sent as one event per mesh at the window's end (the meshes seen longest first, up to a cap).
 *
 * Measured from world bounding spheres at a fixed step (not every frame): each step adds the time
 * since the previous one to every mesh it finds on screen. Spheres overestimate a mesh's extent,
 * so "visible" means "its bounding sphere is in view", and the screen share is the sphere's
 * projected disc clamped to the screen.
 */
import { Frustum, Matrix4, type Camera, type PerspectiveCamera, type OrthographicCamera } from 'three';
import { SceneIndex, type MeshEntry } from './scene-index.js';

/** Half-extent of "the centre of the screen" in normalised device coordinates: the middle fifth. */
export const CENTRE_NDC = 0.2;
/** A step longer than this (a frozen or hidden tab) counts as this long. */
export const MAX_STEP_MS = 1000;

/** One mesh's totals for a window. */
export interface VisibilityTotals {
  id: string;
  visibleMs: number;
  centreMs: number;
  maxScreenPermille: number;
}

export class VisibilityMeter {
  #visible = new Float64Array(0);
  #centre = new Float64Array(0);
  #permille = new Uint16Array(0);
  #ids: string[] = [];
  #version = -1;
  #lastStep = -1;
  readonly #frustum = new Frustum();
  readonly #viewProjection = new Matrix4();
  readonly #planes = new Float64Array(24);
  #seenThisStep = new Uint8Array(0);

  readonly #index: SceneIndex;

  constructor(index: SceneIndex) {
    this.#index = index;
  }

  /** Keep the slots in line with the index (after a rebuild the window starts over). */
  #sync(): void {
    if (this.#version === this.#index.version) return;
    this.#version = this.#index.version;
    const n = this.#index.ids.length;
    this.#visible = new Float64Array(n);
    this.#centre = new Float64Array(n);
    this.#permille = new Uint16Array(n);
    this.#seenThisStep = new Uint8Array(n);
    this.#ids = this.#index.ids;
  }

  /** Forget the step clock (after a pause, the gap is not viewing time). */
  pause(): void {
    this.#lastStep = -1;
  }

  /**
   * One step at `now` with the camera of this frame and the drawing buffer's aspect ratio:
   * adds the time since the previous step to what is on screen. Allocates nothing (unless the
   * index was rebuilt since the last step).
   */
  step(now: number, camera: Camera, aspect: number, epoch: number): void {
    this.#sync();
    const last = this.#lastStep;
    this.#lastStep = now;
    if (last < 0) return;
    const dt = Math.min(MAX_STEP_MS, now - last);
    if (dt <= 0) return;
    this.#viewProjection.multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse);
    this.#frustum.setFromProjectionMatrix(this.#viewProjection);
    const planes = this.#planes;
    for (let p = 0; p < 6; p++) {
      const plane = this.#frustum.planes[p]!;
      planes[p * 4] = plane.normal.x;
      planes[p * 4 + 1] = plane.normal.y;
      planes[p * 4 + 2] = plane.normal.z;
      planes[p * 4 + 3] = plane.constant;
    }
    const m = this.#viewProjection.elements;
    const seen = this.#seenThisStep;
    seen.fill(0);
    const entries = this.#index.entries;
    const perspective = (camera as PerspectiveCamera).isPerspectiveCamera === true;
    const tanHalf = perspective ? Math.tan(((camera as PerspectiveCamera).fov * Math.PI) / 360) : 1;
    const ortho = camera as OrthographicCamera;
    const orthoHalfHeight = perspective ? 1 : Math.abs(ortho.top - ortho.bottom) / 2 / (ortho.zoom || 1);
    const camX = camera.matrixWorld.elements[12] as number;
    const camY = camera.matrixWorld.elements[13] as number;
    const camZ = camera.matrixWorld.elements[14] as number;
    this.#index.refresh(epoch);
    const spheres = this.#index.spheres;
    for (let i = 0, o = 0; i < entries.length; i++, o += 4) {
      const entry = entries[i] as MeshEntry;
      const slot = entry.slot;
      const radius = spheres[o + 3] as number;
      if (slot >= seen.length || radius < 0) continue;
      const cx = spheres[o] as number;
      const cy = spheres[o + 1] as number;
      const cz = spheres[o + 2] as number;
      // The sphere against the six frustum planes, inline.
      let inside = true;
      for (let p = 0; p < 24; p += 4) {
        if ((planes[p] as number) * cx + (planes[p + 1] as number) * cy + (planes[p + 2] as number) * cz + (planes[p + 3] as number) < -radius) {
          inside = false;
          break;
        }
      }
      if (!inside || !SceneIndex.drawable(entry, camera)) continue;
      // Screen share of the sphere's disc (NDC spans 2 × 2; the screen's area is 4).
      let ry: number;
      if (perspective) {
        const dx = cx - camX;
        const dy = cy - camY;
        const dz = cz - camZ;
        const distance = Math.sqrt(dx * dx + dy * dy + dz * dz);
        ry = distance <= radius ? 2 : radius / (distance * tanHalf);
      } else {
        ry = radius / orthoHalfHeight;
      }
      const rx = ry / (aspect > 0 ? aspect : 1);
      const share = Math.min(1, (Math.PI * Math.min(rx, 1) * Math.min(ry, 1)) / 4);
      const permille = Math.round(share * 1000);
      if (permille > (this.#permille[slot] as number)) this.#permille[slot] = permille;
      if (seen[slot] === 1) continue;
      seen[slot] = 1;
      this.#visible[slot] = (this.#visible[slot] as number) + dt;
      // The centre in clip space through the view-projection matrix, inline.
      const w = m[3]! * cx + m[7]! * cy + m[11]! * cz + m[15]!;
      const nx = (m[0]! * cx + m[4]! * cy + m[8]! * cz + m[12]!) / w;
      const ny = (m[1]! * cx + m[5]! * cy + m[9]! * cz + m[13]!) / w;
      if (w > 0 && Math.abs(nx) <= CENTRE_NDC && Math.abs(ny) <= CENTRE_NDC) {
        this.#centre[slot] = (this.#centre[slot] as number) + dt;
      }
    }
  }

  /** Close the window: the totals of up to `max` meshes seen longest, and start a new window. */
  take(max: number): VisibilityTotals[] {
    this.#sync();
    const out: VisibilityTotals[] = [];
    for (let slot = 0; slot < this.#visible.length; slot++) {
      const visibleMs = Math.round(this.#visible[slot] as number);
      if (visibleMs <= 0) continue;
      out.push({
        id: this.#ids[slot] as string,
        visibleMs,
        centreMs: Math.min(visibleMs, Math.round(this.#centre[slot] as number)),
        maxScreenPermille: Math.min(1000, this.#permille[slot] as number),
      });
    }
    this.#visible.fill(0);
    this.#centre.fill(0);
    this.#permille.fill(0);
    out.sort((a, b) => b.visibleMs - a.visibleMs || (a.id < b.id ? -1 : 1));
    return out.length > max ? out.slice(0, max) : out;
  }
}

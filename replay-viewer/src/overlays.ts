/**
 * What the replay draws over the scene: the visitor's pointer ray (from the camera through the
 * pointer's NDC position) ending at its hit point, the gaze hit, and a ripple at each active
 * click or pick. A scene of its own, drawn after the model without clearing depth, and updated
 * in place every frame (no allocation).
 */
import {
  BufferAttribute,
  BufferGeometry,
  Line,
  LineBasicMaterial,
  Mesh,
  MeshBasicMaterial,
  Scene,
  SphereGeometry,
  TorusGeometry,
  Vector3,
  type PerspectiveCamera,
} from 'three';
import type { ReplayIndex } from './replay-index.js';
import { MAX_ACTIVE_MARKERS, type ReplayState } from './replay-state.js';

/** Colours: pointer (rose), gaze (green), click/pick ripples (amber), errors (red), custom events (violet). */
export const OVERLAY_COLOURS = { pointer: 0xe11d48, gaze: 0x16a34a, click: 0xf59e0b, pick: 0xf59e0b, error: 0xdc2626, custom: 0x7c3aed } as const;

/** The overlay scene and its update. */
export interface Overlays {
  readonly scene: Scene;
  /** Place everything for `state`; `camera` must already hold the state's pose. `size` is the marker radius (metres). */
  update(state: ReplayState, index: ReplayIndex, camera: PerspectiveCamera, size: number, markerHoldMs: number): void;
  dispose(): void;
}

const origin = new Vector3();
const direction = new Vector3();
const end = new Vector3();

/** Create the overlays. */
export function createOverlays(): Overlays {
  const scene = new Scene();
  const sphere = new SphereGeometry(1, 20, 14);
  const ring = new TorusGeometry(1, 0.12, 8, 32);
  const positions = new Float32Array(6);
  const rayGeometry = new BufferGeometry();
  rayGeometry.setAttribute('position', new BufferAttribute(positions, 3));
  const onTop = { depthTest: false, depthWrite: false, transparent: true } as const;
  const ray = new Line(rayGeometry, new LineBasicMaterial({ color: OVERLAY_COLOURS.pointer, ...onTop, opacity: 0.9 }));
  ray.frustumCulled = false;
  const pointerHit = new Mesh(sphere, new MeshBasicMaterial({ color: OVERLAY_COLOURS.pointer, ...onTop, opacity: 0.95 }));
  const gazeHit = new Mesh(ring, new MeshBasicMaterial({ color: OVERLAY_COLOURS.gaze, ...onTop, opacity: 0.9 }));
  const gazeDot = new Mesh(sphere, new MeshBasicMaterial({ color: OVERLAY_COLOURS.gaze, ...onTop, opacity: 0.9 }));
  const ripples: Mesh<TorusGeometry, MeshBasicMaterial>[] = [];
  for (let i = 0; i < MAX_ACTIVE_MARKERS; i++) {
    const ripple = new Mesh(ring, new MeshBasicMaterial({ color: OVERLAY_COLOURS.click, ...onTop }));
    ripple.visible = false;
    ripples.push(ripple);
    scene.add(ripple);
  }
  for (const o of [ray, pointerHit, gazeHit, gazeDot]) {
    o.renderOrder = 1;
    scene.add(o);
  }

  return {
    scene,
    update(state, index, camera, size, markerHoldMs) {
      const m = state.memory;
      // The pointer ray: it starts just in front of the camera, so from the visitor's own view
      // it is the cursor; from any other view, a line to what the cursor was over.
      ray.visible = state.pointerVisible;
      pointerHit.visible = state.pointerVisible && m.pointerHit;
      if (state.pointerVisible) {
        origin.setFromMatrixPosition(camera.matrixWorld);
        direction.set(m.pointerX, m.pointerY, 0.5).unproject(camera).sub(origin).normalize();
        if (m.pointerHit) end.set(m.pointerHx, m.pointerHy, m.pointerHz);
        else end.copy(origin).addScaledVector(direction, Math.min(camera.far, size * 400));
        origin.addScaledVector(direction, camera.near * 1.5);
        origin.toArray(positions, 0);
        end.toArray(positions, 3);
        rayGeometry.attributes.position!.needsUpdate = true;
        pointerHit.position.set(m.pointerHx, m.pointerHy, m.pointerHz);
        pointerHit.scale.setScalar(size);
      }
      gazeHit.visible = gazeDot.visible = state.gazeVisible;
      if (state.gazeVisible) {
        gazeHit.position.set(m.gazeHx, m.gazeHy, m.gazeHz);
        gazeHit.quaternion.copy(camera.quaternion); // the ring faces the camera
        gazeHit.scale.setScalar(size * 2.2);
        gazeDot.position.copy(gazeHit.position);
        gazeDot.scale.setScalar(size * 0.6);
      }
      // A ripple per active marker with a 3D point: it grows and fades over the hold time.
      let used = 0;
      for (let i = 0; i < state.activeMarkerCount; i++) {
        const marker = index.markers[state.activeMarkers[i]!]!;
        if (Number.isNaN(marker.x)) continue;
        const ripple = ripples[used++]!;
        const age = Math.min(1, Math.max(0, (state.t - marker.t) / markerHoldMs));
        ripple.visible = true;
        ripple.position.set(marker.x, marker.y, marker.z);
        ripple.quaternion.copy(camera.quaternion);
        ripple.scale.setScalar(size * (1.2 + 3 * age));
        ripple.material.color.setHex(OVERLAY_COLOURS[marker.kind]);
        ripple.material.opacity = 1 - age;
      }
      for (let i = used; i < ripples.length; i++) ripples[i]!.visible = false;
    },
    dispose() {
      sphere.dispose();
      ring.dispose();
      rayGeometry.dispose();
      scene.traverse((o) => {
        const material = (o as Mesh).material as MeshBasicMaterial | undefined;
        material?.dispose();
      });
    },
  };
}

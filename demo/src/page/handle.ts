/**
 * `window.vantageDemo`: the demo's parts, for tests and for developers curious in the console
 * (`vantageDemo.client.stats`, `vantageDemo.setVariant('Gray')`).
 */
import type { PerspectiveCamera, Scene, WebGLRenderer } from 'three';
import type { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { VantageClient } from '@vantage/sdk-core';
import type { SceneTracker } from '@vantage/three';

/** What the page exposes once the sofa is loaded. */
export interface VantageDemo {
  /** The Vantage client; `undefined` when the page has no publishable key. */
  client: VantageClient | undefined;
  /** The scene tracker of `@vantage/three`; `undefined` without a client. */
  tracker: SceneTracker | undefined;
  scene: Scene;
  camera: PerspectiveCamera;
  controls: OrbitControls;
  renderer: WebGLRenderer;
  /** Fabric variant names, in the model's order. */
  variants: readonly string[];
  /** The variant shown now. */
  readonly variant: string | undefined;
  /** What a click on a variant button does: send `variant_selected`, then switch the fabric. Rejects on an unknown name. */
  setVariant(name: string): Promise<void>;
  /** What three.js's own raycaster finds first at a point of the page (CSS px): the object's name and the world hit point. */
  meshAt(clientX: number, clientY: number): { name: string; point: [number, number, number] } | null;
}

declare global {
  interface Window {
    /** Set by the demo page once its model is loaded. */
    vantageDemo?: VantageDemo;
  }
}

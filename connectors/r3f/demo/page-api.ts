/** What the R3F demo page (`main.tsx`) reads and exposes. */
import type { PerspectiveCamera, Scene, WebGLRenderer } from 'three';
import type { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { VantageClient } from '@vantage/sdk-core';

/** The page's settings, JSON in `#vantage-r3f-demo-config`. */
export interface R3fDemoConfig {
  endpoint: string;
  publishableKey: string;
  sceneId: string;
  modelUrl: string;
}

/** `window.vantageR3fDemo`, set once the sofa is loaded and capture runs. */
export interface VantageR3fDemo {
  client: VantageClient;
  scene: Scene;
  camera: PerspectiveCamera;
  gl: WebGLRenderer;
  controls: OrbitControls | null;
  variants: readonly string[];
  readonly variant: string | undefined;
  setVariant(name: string): Promise<void>;
  /** What three's own raycaster hits first at a page point (CSS px). */
  meshAt(clientX: number, clientY: number): { name: string; point: [number, number, number] } | null;
}

/** The page's HTML: a full-window stage, a side panel, the config. */
export function renderR3fDemoPage(config: R3fDemoConfig, scriptPath: string): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vantage — R3F sofa configurator</title>
<style>
  html, body { margin: 0; height: 100%; font: 15px system-ui, sans-serif; background: #eeece8; color: #222; }
  #root { display: flex; height: 100%; }
  #stage { flex: 1; position: relative; min-width: 0; }
  #panel { width: 260px; padding: 16px; box-sizing: border-box; background: #fff; }
  #panel h1 { font-size: 18px; margin: 0 0 12px; }
  #variants { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 16px; }
  button { font: inherit; padding: 6px 10px; border: 1px solid #999; border-radius: 6px; background: #f6f6f6; cursor: pointer; }
  button[aria-pressed="true"] { background: #333; color: #fff; }
  #add-to-cart { width: 100%; background: #1a6b3c; color: #fff; border-color: #1a6b3c; }
</style></head><body><div id="root"></div>
<script type="application/json" id="vantage-r3f-demo-config">${json}</script>
<script type="module" src="${scriptPath}"></script></body></html>`;
}

declare global {
  interface Window {
    vantageR3fDemo?: VantageR3fDemo;
  }
}

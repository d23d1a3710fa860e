/**
 * What the server-rendered demo page hands to its script, and the names both sides agree on.
 * Shared by the Node side (`render-page.ts` writes it) and the browser side (`page/` reads it):
 * no DOM, no Node.
 */

/** The scene id the demo reports under. */
export const DEMO_SCENE_ID = 'demo-sofa';

/** The version of `@vantage/demo` (kept equal to its package.json by a test); `session_start.sdk` is `demo/<version>`. */
export const DEMO_VERSION = '0.1.0';

/** `id` of the `<script type="application/json">` element that carries {@link DemoPageConfig}. */
export const CONFIG_ELEMENT_ID = 'vantage-demo-config';

/** File name of the page's bundle inside the demo's assets directory. */
export const DEMO_SCRIPT_FILE = 'demo.js';

/** The page's settings, as JSON in the page. */
export interface DemoPageConfig {
  /** Collector base URL as the browser reaches it. */
  endpoint: string;
  /** The demo project's publishable key; `null` when the collector has none (unknown or revoked): then nothing is sent. */
  publishableKey: string | null;
  /** The scene id events are reported under. */
  sceneId: string;
  /** URL of the sofa model. */
  modelUrl: string;
}

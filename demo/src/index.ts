/**
 * `@vantage/demo` — the product-configurator demo the collector serves at `/demo`: a three.js
 * sofa whose fabric variants, camera moves and clicks reach the collector through
 * `@vantage/three`. This entry is the Node side (no DOM): the page's HTML and where its files are.
 * The browser side lives in `src/page/` and ships as one bundle in {@link demoAssetsDir}.
 */
export { renderDemoPage, type DemoPageOptions } from './render-page.js';
export { demoAssetsDir, demoModelPath } from './paths.js';
export { DEMO_SCENE_ID, DEMO_VERSION, DEMO_SCRIPT_FILE, type DemoPageConfig } from './page-config.js';

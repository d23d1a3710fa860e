/**
 * Where the demo's files are on disk, for the collector that serves them. Computed from this
 * module's own location, so they hold from the sources (tests) and from `dist/` alike.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the built static files: `demo.js` (the page's bundle, minified) and its
 * source map. Filled by this package's build (`node build.mjs`); empty before it.
 */
export const demoAssetsDir: string = fileURLToPath(new URL('../dist/assets/', import.meta.url)).replace(/[\\/]$/, '');

/**
 * Absolute path of the sofa model, `GlamVelvetSofa.glb` of `@vantage/fixtures`
 * (CC BY 4.0, © 2021 Wayfair, LLC — credited in `fixtures/models/README.md`). Resolved through
 * the fixtures' package exports, so it follows the package wherever npm installed it.
 */
export const demoModelPath: string = createRequire(import.meta.url).resolve('@vantage/fixtures/models/GlamVelvetSofa.glb');

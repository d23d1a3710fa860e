/**
 * Where the built dashboard app lives: `dist/app/` of this package (`index.html` and the hashed
 * files under `assets/`), written by `vite build`. The same folder whether this module runs from
 * `src/` (tests, `source` condition) or from `dist/`.
 */
import { fileURLToPath } from 'node:url';

/** The built app's folder (absolute path). */
export const dashboardAppDir: string = fileURLToPath(new URL('../dist/app/', import.meta.url));

/** Where the app's hashed files are, under {@link dashboardAppDir}. */
export const dashboardAssetsDir: string = fileURLToPath(new URL('../dist/app/assets/', import.meta.url));

/**
 * `@vantage/dashboard` — the web app served by the collector. This entry is the Node side: where
 * the built React app is (`dist/app/`, see `src/app/`), and the static landing page the collector
 * falls back to when the app has not been built.
 */
export { MODEL_ORIGINS_META, renderAppPage, renderLandingMain, renderLandingPage, type AppPageOptions, type LandingPageOptions } from './landing-page.js';
export { dashboardAppDir, dashboardAssetsDir } from './paths.js';

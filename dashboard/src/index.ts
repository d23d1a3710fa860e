/**
 * `@vantage/dashboard` — the web app served by the collector. For now: the landing page served
 * at `/` until the React dashboard arrives.
 */
export { renderLandingPage, type LandingPageOptions } from './landing-page.js';

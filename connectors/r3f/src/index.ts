/**
 * `@vantage/r3f` — the React Three Fiber connector. For now: declarative mesh tagging. The
 * `<Analytics>` component and hooks arrive with the connector issue. Safe to import during
 * server-side rendering: loading it touches no browser global.
 */
export { vantageTag, type VantageTagProps } from './vantage-tag.js';

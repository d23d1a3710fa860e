/**
 * `@vantage/r3f` — the React Three Fiber connector: `<VantageAnalytics>` inside `<Canvas>` runs
 * `@vantage/three`'s capture on R3F's own frame loop, pointer and raycaster; `<Tracked>`,
 * `useTracked` and `vantageTag` name what is tracked; `useVantage()` sends custom events.
 * Safe to import during server-side rendering: loading it reads no browser global of its own
 * (three.js and R3F only probe `typeof window`), and nothing starts until mounted in a browser.
 */
export { VantageAnalytics, type VantageAnalyticsProps, type ForwardedClientOptions, type ForwardedTrackOptions } from './vantage-analytics.js';
export { useVantage, VantageContext, type VantageHandle } from './use-vantage.js';
export { Tracked, useTracked, type TrackedProps } from './tracked.js';
export { vantageTag, type VantageTagProps } from './vantage-tag.js';
export { cameraModeOf, aimsAtCentre, type CameraMode } from './camera-mode.js';
export { R3F_CONNECTOR_VERSION } from './version.js';

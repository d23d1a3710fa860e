/**
 * Consent signals. Do Not Track or Global Privacy Control in the browser mean the client sends
 * nothing, queues nothing and stores nothing — unless the app passes `ignoreOptOut: true`
 * (for example because it collected consent itself).
 */
import type { BrowserGlobals } from './platform.js';

function isSet(value: string | null | undefined): boolean {
  return value === '1' || value === 'yes';
}

/**
 * Whether the browser asks not to be tracked: `navigator.globalPrivacyControl === true`, or
 * Do Not Track as `navigator.doNotTrack`, `window.doNotTrack` or `navigator.msDoNotTrack`
 * (`'1'`, or `'yes'` in old Firefox).
 */
export function isOptOutSignalled(g: Pick<BrowserGlobals, 'navigator' | 'doNotTrack'>): boolean {
  const nav = g.navigator;
  return nav?.globalPrivacyControl === true || isSet(nav?.doNotTrack) || isSet(g.doNotTrack) || isSet(nav?.msDoNotTrack);
}

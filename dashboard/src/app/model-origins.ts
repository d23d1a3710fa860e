/**
 * Scene models on other origins. The collector's Content-Security-Policy for a dashboard page
 * allows, besides its own origin, the origins of the signed-in operator's scene models, and names
 * them in `<meta name="vantage-model-origins">`. A page loaded before sign-in, or before a model
 * URL on a new origin was saved, does not allow that origin: the app reloads (after sign-in) or
 * says to (after a save), instead of failing to load the model.
 */

import { MODEL_ORIGINS_META } from '../landing-page.js';

/** The origins a page may load models from: its own and those its `<meta>` names. */
export function allowedOrigins(pageUrl: string, metaContent: string | null): ReadonlySet<string> {
  const origins = new Set((metaContent ?? '').split(/\s+/).filter((o) => o !== ''));
  origins.add(new URL(pageUrl).origin);
  return origins;
}

/** The origin of `modelUrl` (resolved against the page) when the page may not load from it, else null. */
export function blockedOrigin(modelUrl: string, allowed: ReadonlySet<string>, pageUrl: string): string | null {
  let origin: string;
  try {
    origin = new URL(modelUrl, pageUrl).origin;
  } catch {
    return null;
  }
  return allowed.has(origin) ? null : origin;
}

/** Whether some of `origins` are not allowed (a page loaded now would allow them). */
export function needsReload(origins: readonly string[], allowed: ReadonlySet<string>): boolean {
  return origins.some((origin) => !allowed.has(origin));
}

/** {@link allowedOrigins} of this page. */
export function pageAllowedOrigins(): ReadonlySet<string> {
  return allowedOrigins(location.href, document.querySelector(`meta[name="${MODEL_ORIGINS_META}"]`)?.getAttribute('content') ?? null);
}

/** {@link blockedOrigin} on this page. */
export function blockedOnThisPage(modelUrl: string): string | null {
  return blockedOrigin(modelUrl, pageAllowedOrigins(), location.href);
}

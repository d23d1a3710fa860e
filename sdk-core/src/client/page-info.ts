/**
 * What `session_start` says about the page. Minimised at the source: the URL keeps its origin,
 * path and `utm_*` parameters (no other query, no fragment); the referrer keeps its origin; no
 * GPU string (a connector may add a coarse class).
 */
import type { EventFields } from './types.js';
import type { BrowserGlobals } from './platform.js';

/** Longest URL the wire takes. */
const MAX_URL = 2048;

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** `href` reduced to origin + path + `utm_*` parameters; `undefined` when it is not a URL. */
export function minimiseUrl(g: Pick<BrowserGlobals, 'URL'>, href: string | undefined): string | undefined {
  if (!href || !g.URL) return undefined;
  try {
    const url = new g.URL(href);
    if (url.origin === 'null') return undefined;
    let query = '';
    url.searchParams.forEach((value, name) => {
      if (name.startsWith('utm_')) query += `${query ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
    });
    return (url.origin + url.pathname + query).slice(0, MAX_URL);
  } catch {
    return undefined;
  }
}

/** The origin of `href`, `undefined` when there is none. */
export function originOf(g: Pick<BrowserGlobals, 'URL'>, href: string | undefined): string | undefined {
  if (!href || !g.URL) return undefined;
  try {
    const origin = new g.URL(href).origin;
    return origin === 'null' ? undefined : origin.slice(0, MAX_URL);
  } catch {
    return undefined;
  }
}

/** The fields of a `session_start` for the page as it is now. */
export function sessionStartFields(g: BrowserGlobals, sdk: string, gpu: string | undefined): EventFields<'session_start'> {
  const fields: EventFields<'session_start'> = {
    url: minimiseUrl(g, g.location?.href) ?? 'about:blank',
    viewportW: clampInt(g.innerWidth, 1, 16384, 1),
    viewportH: clampInt(g.innerHeight, 1, 16384, 1),
    dpr100: clampInt((g.devicePixelRatio ?? 1) * 100, 25, 1600, 100),
    sdk,
  };
  const referrer = originOf(g, g.document?.referrer);
  if (referrer !== undefined) fields.referrer = referrer;
  const lang = g.navigator?.language;
  if (typeof lang === 'string' && lang !== '') fields.lang = lang.slice(0, 35);
  if (gpu !== undefined) fields.gpu = gpu;
  return fields;
}

/**
 * What `session_start` says about the page. Minimised at the source: the URL keeps its origin,
 * path and `utm_*` parameters (no other query, no fragment); the referrer keeps its origin; no
 * GPU string (a connector may add a coarse class).
 */
import type { EventFields } from './types.js';
import type { BrowserGlobals, UrlLike } from './platform.js';

/** Longest URL the wire takes. */
const MAX_URL = 2048;

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** `href` parsed, when it is a URL with an origin. */
function parse(g: Pick<BrowserGlobals, 'URL'>, href: string | undefined): UrlLike | undefined {
  try {
    const url = href && g.URL ? new g.URL(href) : undefined;
    return url?.origin === 'null' ? undefined : url;
  } catch {
    return undefined;
  }
}

/** `href` reduced to origin + path + `utm_*` parameters; `undefined` when it is not a URL. */
export function minimiseUrl(g: Pick<BrowserGlobals, 'URL'>, href: string | undefined): string | undefined {
  const url = parse(g, href);
  if (!url) return undefined;
  let query = '';
  url.searchParams.forEach((value, name) => {
    if (name.startsWith('utm_')) query += `${query ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  });
  return (url.origin + url.pathname + query).slice(0, MAX_URL);
}

/** The origin of `href`, `undefined` when there is none. */
export function originOf(g: Pick<BrowserGlobals, 'URL'>, href: string | undefined): string | undefined {
  return parse(g, href)?.origin.slice(0, MAX_URL);
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

/**
 * What may be kept of a page URL and a referrer: the page's origin and path plus its `utm_*`
 * campaign parameters, and the referrer's origin. No other query parameter (they carry search
 * terms, e-mail addresses, tokens), no fragment, no user name or password.
 */

/** Longest URL read, in characters; a longer one is treated as unusable. */
export const MAX_URL_CHARS = 8192;

function parseHttpUrl(value: string | null | undefined): URL | null {
  if (typeof value !== 'string' || value === '' || value.length > MAX_URL_CHARS) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Node's invalid-URL error quotes its input; it stays here.
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

/**
 * `url` reduced to origin + path + its `utm_*` query parameters, in the order they came, with no
 * fragment and no credentials: `https://shop.example/sofa/3?utm_source=news&q=me#x` becomes
 * `https://shop.example/sofa/3?utm_source=news`. Parameter names match `utm_` in any case. Null
 * for anything but an absolute `http:` or `https:` URL (a `file:` URL's path can name a local
 * user).
 */
export function reduceUrl(url: string | null | undefined): string | null {
  const parsed = parseHttpUrl(url);
  if (!parsed) return null;
  const kept = new URLSearchParams();
  for (const [name, value] of parsed.searchParams) {
    if (name.toLowerCase().startsWith('utm_')) kept.append(name, value);
  }
  const query = kept.toString();
  return `${parsed.origin}${parsed.pathname}${query ? `?${query}` : ''}`;
}

/**
 * The origin of `referrer` (`https://news.example`), or null when there is none or it is not an
 * `http:`/`https:` URL (`android-app://…`, `about:blank`…).
 */
export function referrerOrigin(referrer: string | null | undefined): string | null {
  return parseHttpUrl(referrer)?.origin ?? null;
}

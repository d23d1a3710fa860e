/**
 * `GET /favicon.svg` (and `/favicon.ico`, which browsers and tools ask for by habit): the
 * product's mark, so the dashboard and the demo page have an icon and no request ends in a
 * `404` in a developer's console. The pages link it with `<link rel="icon">`.
 */
import type { Context } from 'koa';

/** The mark: a slate tile with an isometric cube outline and a point of attention. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#0f172a"/>
<path d="M16 5 26 10.5v11L16 27 6 21.5v-11z M6 10.5 16 16l10-5.5M16 16v11" fill="none" stroke="#e2e8f0" stroke-width="2" stroke-linejoin="round"/>
<circle cx="16" cy="16" r="3.2" fill="#f97316"/>
</svg>
`;

/** Serves {@link FAVICON_SVG}, cached for a day. */
export function favicon(ctx: Context): void {
  ctx.type = 'image/svg+xml';
  ctx.set('Cache-Control', 'public, max-age=86400');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = FAVICON_SVG;
}

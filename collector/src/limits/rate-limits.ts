/**
 * Which limit applies to a (project, route): the collector's defaults by class, overridden per
 * project by `projects.rate_limits` (`{ "collect": { "perSecond": n, "burst": n }, "api": {…} }`).
 * An override that is not valid is ignored (the default applies) and reported through
 * `onInvalid`, so a typo in a project's settings never turns into "no limit" or "no traffic".
 */
import type { RateLimit, RateLimitClass } from '../config.js';

export type { RateLimit, RateLimitClass } from '../config.js';

/** The rate-limit classes, in the order they appear in `projects.rate_limits`. */
export const RATE_LIMIT_CLASSES: readonly RateLimitClass[] = ['collect', 'api'];

/**
 * Routes that browsers call with a publishable key, once per page load or flush: their traffic
 * grows with a site's visitors, so they get the `collect` limits; every other route is `api`.
 *
 * `proxy` (`PUT /api/v1/scenes/:sceneId/proxy`, also pk) stays `api` on purpose: a client sends
 * its proxy only when `GET /api/v1/config` answers another hash, so a scene costs one write per
 * version, not one per visitor; a body may be 1 MiB, and browser limits would let a leaked key
 * rewrite proxies a thousand times a second. A client retries a `429` after `Retry-After`.
 */
const BROWSER_ROUTES: ReadonlySet<string> = new Set(['collect', 'config']);

/** The class of a route name as given to `limits.take(key, route)`. */
export function rateLimitClassOf(route: string): RateLimitClass {
  return BROWSER_ROUTES.has(route) ? 'collect' : 'api';
}

/** Largest `perSecond` or `burst` an override may set (the same bound as the variables). */
const MAX_OVERRIDE = 1_000_000_000;

function validNumber(value: unknown, min: number, minInclusive: boolean): value is number {
  return typeof value === 'number' && Number.isFinite(value) && (minInclusive ? value >= min : value > min) && value <= MAX_OVERRIDE;
}

/**
 * Merge a project's stored overrides onto `defaults`. Each class is taken or ignored as a whole:
 * an entry must be an object whose `perSecond` (> 0) and `burst` (>= 1), where present, are
 * finite numbers up to 10^9; a missing field keeps the default. `onInvalid` hears about each
 * entry that was ignored, with the reason (never the whole settings object).
 */
export function resolveRateLimits(
  defaults: Readonly<Record<RateLimitClass, RateLimit>>,
  stored: Readonly<Record<string, unknown>>,
  onInvalid: (entry: string, reason: string) => void,
): Record<RateLimitClass, RateLimit> {
  const limits: Record<RateLimitClass, RateLimit> = { collect: { ...defaults.collect }, api: { ...defaults.api } };
  for (const [entry, value] of Object.entries(stored)) {
    if (!(RATE_LIMIT_CLASSES as readonly string[]).includes(entry)) {
      onInvalid(entry, `unknown class (known: ${RATE_LIMIT_CLASSES.join(', ')})`);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      onInvalid(entry, 'not an object like {"perSecond": n, "burst": n}');
      continue;
    }
    const { perSecond, burst } = value as { perSecond?: unknown; burst?: unknown };
    if (perSecond !== undefined && !validNumber(perSecond, 0, false)) {
      onInvalid(entry, 'perSecond must be a number > 0 and <= 1e9');
      continue;
    }
    if (burst !== undefined && !validNumber(burst, 1, true)) {
      onInvalid(entry, 'burst must be a number >= 1 and <= 1e9');
      continue;
    }
    const cls = entry as RateLimitClass;
    limits[cls] = { perSecond: perSecond ?? defaults[cls].perSecond, burst: burst ?? defaults[cls].burst };
  }
  return limits;
}

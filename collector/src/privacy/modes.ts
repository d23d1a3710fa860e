/**
 * Privacy modes: what of a session's context (who sent it, from where, on what) may be stored.
 * `minimiseSession` is the one place that decides; ingest stores its answer and nothing else
 * from the raw context.
 *
 * | field            | standard | strict | paranoid |
 * | ---------------- | -------- | ------ | -------- |
 * | `url`            | ✓        | ✓      | –        |
 * | `referrerOrigin` | ✓        | ✓      | –        |
 * | `gpuClass`       | ✓        | ✓      | –        |
 * | `lang`           | ✓        | ✓      | –        |
 * | `browser`        | ✓        | ✓      | –        |
 * | `os`             | ✓        | ✓      | –        |
 * | `deviceType`     | ✓        | ✓      | –        |
 * | `country`        | ✓        | –      | –        |
 *
 * In every mode the visitor hash (`createVisitorHasher`), the scene and the events are kept;
 * the raw IP address and user agent never are.
 */
import type { PrivacyMode } from '../config.js';
import { countryOf } from './country.js';
import { gpuClass, type GpuClass } from './gpu.js';
import { reduceUrl, referrerOrigin } from './url.js';
import { parseUserAgent, type DeviceType, type UserAgentFamilies } from './user-agent.js';

/** A session's raw context as the collector received it. Never stored as such. */
export interface RawSessionContext {
  /** Client address (`clientAddress`), or null. */
  ip: string | null;
  /** `User-Agent` header. */
  userAgent: string | null | undefined;
  /** `session_start.url`: the page's full URL. */
  url?: string | null | undefined;
  /** `session_start.referrer`. */
  referrer?: string | null | undefined;
  /** `session_start.gpu`: the WebGL renderer string. */
  gpu?: string | null | undefined;
  /** `session_start.lang`: a BCP 47 tag such as `en-GB`. */
  lang?: string | null | undefined;
  /** `parseUserAgent(userAgent)` when the caller has it already (it caches them per agent). */
  families?: UserAgentFamilies | undefined;
}

/** What `strict` keeps. Null where the input said nothing usable. */
export interface StrictSession {
  /** Origin + path + `utm_*` parameters (`reduceUrl`). */
  url: string | null;
  /** The referrer's origin (`referrerOrigin`). */
  referrerOrigin: string | null;
  gpuClass: GpuClass;
  /**
   * The language without its region (`en-GB` → `en`): the region subtag would tell the
   * country, which `strict` does not keep.
   */
  lang: string | null;
  browser: string | null;
  os: string | null;
  deviceType: DeviceType;
}

/** What `standard` keeps: `strict` plus the country. */
export interface StandardSession extends StrictSession {
  /** ISO 3166-1 alpha-2 (`countryOf`); null for private addresses and unknown ones. */
  country: string | null;
}

/** What `paranoid` keeps of the context: nothing. */
export type ParanoidSession = Record<string, never>;

/** The stored context of a session in a given mode. */
export type MinimisedSession<M extends PrivacyMode = PrivacyMode> = M extends 'standard'
  ? StandardSession
  : M extends 'strict'
    ? StrictSession
    : ParanoidSession;

/**
 * The exact record of `raw` that may be stored under `mode`: fields a mode does not keep are
 * absent (not null), and nothing is copied from `raw` unreduced. Never throws for visitor input;
 * in `standard` mode the first call loads the country database (see `loadCountryDatabase`).
 */
export function minimiseSession<M extends PrivacyMode>(mode: M, raw: RawSessionContext): MinimisedSession<M>;
export function minimiseSession(mode: PrivacyMode, raw: RawSessionContext): StandardSession | StrictSession | ParanoidSession {
  if (mode === 'paranoid') return {};
  const families = raw.families ?? parseUserAgent(raw.userAgent);
  const strict: StrictSession = {
    url: reduceUrl(raw.url),
    referrerOrigin: referrerOrigin(raw.referrer),
    gpuClass: gpuClass(raw.gpu),
    lang: primaryLanguage(raw.lang),
    browser: families.browser,
    os: families.os,
    deviceType: families.deviceType,
  };
  if (mode === 'strict') return strict;
  return { ...strict, country: countryOf(raw.ip) };
}

/** The primary language subtag of a BCP 47 tag, lower-case (`en-GB` → `en`), or null. */
export function primaryLanguage(tag: string | null | undefined): string | null {
  if (typeof tag !== 'string') return null;
  const match = /^([a-zA-Z]{2,3})(?:[-_]|$)/.exec(tag.trim());
  return match?.[1]?.toLowerCase() ?? null;
}

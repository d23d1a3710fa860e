/**
 * What may be kept of a user agent: browser family, OS family and device type, parsed with
 * `bowser` (MIT); never a version or the string itself. Bots are recognised with `isbot`.
 */
import Bowser from 'bowser';
import { isbot } from 'isbot';

/** Coarse device type. `other`: TVs, consoles, wearables, bots, anything unrecognised. */
export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'other';

/** The families of a user agent; null where the parser does not know. */
export interface UserAgentFamilies {
  /** Browser family as `bowser` names it (`Chrome`, `Firefox`, `Safari`, `Microsoft Edge`…), no version. */
  browser: string | null;
  /** OS family as `bowser` names it (`Windows`, `macOS`, `iOS`, `Android`, `Linux`, `Chrome OS`…), no version. */
  os: string | null;
  deviceType: DeviceType;
}

/**
 * Longest user agent parsed, in characters; longer ones are cut first. Real browsers send a few
 * hundred characters; this bounds the parser's work on a hostile header.
 */
export const MAX_USER_AGENT_CHARS = 1024;

/** Operating systems that only run on desktops and laptops, for agents that name no platform. */
const DESKTOP_OS = new Set(['Windows', 'macOS', 'Linux', 'Chrome OS']);

/** Browser, OS and device type of `userAgent`. Never throws; an empty or missing agent knows nothing. */
export function parseUserAgent(userAgent: string | null | undefined): UserAgentFamilies {
  const text = typeof userAgent === 'string' ? userAgent.slice(0, MAX_USER_AGENT_CHARS).trim() : '';
  if (text === '') return { browser: null, os: null, deviceType: 'other' };
  let parsed: Bowser.Parser.ParsedResult;
  try {
    parsed = Bowser.parse(text);
  } catch {
    return { browser: null, os: null, deviceType: 'other' };
  }
  const browser = parsed.browser.name || null;
  const os = parsed.os.name || null;
  return { browser, os, deviceType: deviceTypeOf(parsed.platform.type, os) };
}

function deviceTypeOf(platform: string | undefined, os: string | null): DeviceType {
  if (platform === 'desktop' || platform === 'mobile' || platform === 'tablet') return platform;
  if (platform === undefined && os !== null && DESKTOP_OS.has(os)) return 'desktop';
  return 'other';
}

/**
 * Whether `userAgent` is a bot, crawler, monitor or headless browser (per `isbot`, including
 * `HeadlessChrome`, `curl`, `python-requests` and `node`). The collector drops such a batch with
 * reason `bot`. A missing or empty agent is not counted as a bot here.
 */
export function isBot(userAgent: string | null | undefined): boolean {
  if (typeof userAgent !== 'string' || userAgent === '') return false;
  try {
    return isbot(userAgent);
  } catch {
    return false;
  }
}

import { describe, expect, it } from 'vitest';
import { isBot, parseUserAgent } from './user-agent.js';

/** Real user agents of current browsers. */
const USER_AGENTS = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  firefoxMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  safariIpad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  chromeAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  chromeAndroidTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  chromeOs: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  samsungTv: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
} as const;

describe('parseUserAgent', () => {
  it.each([
    ['chromeWindows', { browser: 'Chrome', os: 'Windows', deviceType: 'desktop' }],
    ['edgeWindows', { browser: 'Microsoft Edge', os: 'Windows', deviceType: 'desktop' }],
    ['firefoxMac', { browser: 'Firefox', os: 'macOS', deviceType: 'desktop' }],
    ['safariIphone', { browser: 'Safari', os: 'iOS', deviceType: 'mobile' }],
    ['safariIpad', { browser: 'Safari', os: 'iOS', deviceType: 'tablet' }],
    ['chromeAndroid', { browser: 'Chrome', os: 'Android', deviceType: 'mobile' }],
    ['chromeAndroidTablet', { browser: 'Chrome', os: 'Android', deviceType: 'tablet' }],
    ['chromeOs', { browser: 'Chrome', os: 'Chrome OS', deviceType: 'desktop' }],
    ['samsungTv', { browser: 'Samsung Internet for Android', os: 'Tizen', deviceType: 'other' }],
  ] as const)('%s → families without versions', (name, expected) => {
    expect(parseUserAgent(USER_AGENTS[name])).toEqual(expected);
  });

  it('knows nothing of an empty, missing or unknown agent and never throws', () => {
    const nothing = { browser: null, os: null, deviceType: 'other' };
    expect(parseUserAgent('')).toEqual(nothing);
    expect(parseUserAgent(undefined)).toEqual(nothing);
    expect(parseUserAgent(null)).toEqual(nothing);
    expect(parseUserAgent('   ')).toEqual(nothing);
    expect(parseUserAgent('x'.repeat(100_000))).toEqual(nothing);
  });
});

describe('isBot', () => {
  it.each([
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
    'curl/8.5.0',
    'python-requests/2.31.0',
    'node',
    'Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
  ])('recognises %s', (ua) => {
    expect(isBot(ua)).toBe(true);
  });

  it('lets real browsers through, and an empty agent', () => {
    for (const ua of Object.values(USER_AGENTS)) expect(isBot(ua)).toBe(false);
    expect(isBot('')).toBe(false);
    expect(isBot(undefined)).toBe(false);
  });
});

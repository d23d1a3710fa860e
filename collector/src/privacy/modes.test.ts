import { describe, expect, it } from 'vitest';
import { minimiseSession, primaryLanguage, type RawSessionContext } from './modes.js';

const raw: RawSessionContext = {
  ip: '193.0.6.139',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  url: 'https://bob:pw@shop.example/configurator/sofa?utm_source=newsletter&email=alice%40mail.example&utm_campaign=winter#colour',
  referrer: 'https://news.example/article/123?reader=alice',
  gpu: 'ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)',
  lang: 'en-GB',
};

/** Every raw value, and the parts of them that must not survive. */
const secrets = ['193.0.6.139', 'iPhone OS 17_1', '17.1', 'bob', 'pw@', 'alice', 'email=', '#colour', '/article/', 'Apple M2', 'ANGLE', 'en-GB', 'GB'];

function expectNoRawValue(record: object): void {
  const text = JSON.stringify(record);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('minimiseSession', () => {
  it('standard keeps country, browser, OS, device type and the reduced URL, referrer, GPU class and language', () => {
    const record = minimiseSession('standard', raw);
    expect(record).toStrictEqual({
      url: 'https://shop.example/configurator/sofa?utm_source=newsletter&utm_campaign=winter',
      referrerOrigin: 'https://news.example',
      gpuClass: 'integrated',
      lang: 'en',
      browser: 'Safari',
      os: 'iOS',
      deviceType: 'mobile',
      country: 'NL',
    });
    expectNoRawValue(record);
  });

  it('strict keeps the same but no country (not even as null)', () => {
    const record = minimiseSession('strict', raw);
    expect(record).toStrictEqual({
      url: 'https://shop.example/configurator/sofa?utm_source=newsletter&utm_campaign=winter',
      referrerOrigin: 'https://news.example',
      gpuClass: 'integrated',
      lang: 'en',
      browser: 'Safari',
      os: 'iOS',
      deviceType: 'mobile',
    });
    expect('country' in record).toBe(false);
    expectNoRawValue(record);
  });

  it('paranoid keeps nothing of the context', () => {
    expect(minimiseSession('paranoid', raw)).toStrictEqual({});
  });

  it('standard answers null for what it cannot tell, and never copies raw input', () => {
    const record = minimiseSession('standard', { ip: '10.0.0.7', userAgent: 'curl/8.5.0', url: 'file:///Users/alice/x.html', referrer: 'android-app://x', gpu: 'Some Renderer 9000', lang: 'klingon!' });
    expect(record).toStrictEqual({ url: null, referrerOrigin: null, gpuClass: 'unknown', lang: null, browser: null, os: null, deviceType: 'other', country: null });
    expect(minimiseSession('standard', { ip: null, userAgent: undefined })).toStrictEqual({
      url: null,
      referrerOrigin: null,
      gpuClass: 'unknown',
      lang: null,
      browser: null,
      os: null,
      deviceType: 'other',
      country: null,
    });
  });
});

describe('primaryLanguage', () => {
  it.each([
    ['en-GB', 'en'],
    ['de', 'de'],
    ['zh_Hant_TW', 'zh'],
    ['FIL-PH', 'fil'],
    ['x', null],
    ['english', null],
    ['', null],
    [null, null],
  ])('%j → %j', (tag, lang) => {
    expect(primaryLanguage(tag)).toBe(lang);
  });
});

import { describe, expect, it } from 'vitest';
import { minimiseUrl, originOf, sessionStartFields } from './page-info.js';
import { compileFieldsCheck } from './validate.js';
import { specOf, type EventSpec } from './events.js';

describe('session_start page info', () => {
  it('keeps origin, path and utm_* of the URL, nothing else', () => {
    expect(minimiseUrl(globalThis, 'https://shop.example/sofa/green?utm_source=news&email=a%40b.c&utm_medium=mail#frag')).toBe(
      'https://shop.example/sofa/green?utm_source=news&utm_medium=mail',
    );
    expect(minimiseUrl(globalThis, 'https://shop.example/?token=secret')).toBe('https://shop.example/');
    expect(minimiseUrl(globalThis, 'not a url')).toBeUndefined();
    expect(originOf(globalThis, 'https://search.example/q?secret=1')).toBe('https://search.example');
    expect(originOf(globalThis, '')).toBeUndefined();
  });

  it('builds a valid session_start from what the page offers, clamped to the wire limits', () => {
    const fields = sessionStartFields(
      {
        URL: globalThis.URL,
        location: { href: 'https://shop.example/p?q=1' },
        innerWidth: 40_000,
        innerHeight: 0,
        devicePixelRatio: 0.1,
        document: { referrer: 'https://ref.example/path', addEventListener: () => undefined, removeEventListener: () => undefined },
        navigator: { language: 'en-GB' },
      },
      'core/0.1.0',
      undefined,
    );
    expect(fields).toEqual({ url: 'https://shop.example/p', viewportW: 16384, viewportH: 1, dpr100: 25, sdk: 'core/0.1.0', referrer: 'https://ref.example', lang: 'en-GB' });
    expect(compileFieldsCheck(specOf('session_start') as EventSpec)(fields as unknown as Record<string, unknown>)).toBeNull();
    const bare = sessionStartFields({}, 'core/0.1.0', 'software');
    expect(compileFieldsCheck(specOf('session_start') as EventSpec)(bare as unknown as Record<string, unknown>)).toBeNull();
    expect(bare).not.toHaveProperty('referrer');
  });
});

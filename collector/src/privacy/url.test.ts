import { describe, expect, it } from 'vitest';
import { reduceUrl, referrerOrigin } from './url.js';

describe('reduceUrl', () => {
  it.each([
    ['https://shop.example/sofa/3?utm_source=news&q=alice%40mail.example&utm_medium=email#reviews', 'https://shop.example/sofa/3?utm_source=news&utm_medium=email'],
    ['https://alice:secret@shop.example:8443/a?token=abc', 'https://shop.example:8443/a'],
    ['http://shop.example', 'http://shop.example/'],
    ['https://shop.example/?UTM_Campaign=winter&utm_content=a+b&utm_=x&utmx=1', 'https://shop.example/?UTM_Campaign=winter&utm_content=a+b&utm_=x'],
    ['https://shop.example/path%20with%20space?x=1#frag', 'https://shop.example/path%20with%20space'],
    ['HTTPS://SHOP.EXAMPLE/Case', 'https://shop.example/Case'],
  ])('%s → %s', (url, reduced) => {
    expect(reduceUrl(url)).toBe(reduced);
  });

  it.each(['', 'not a url', '/relative/path?q=1', 'file:///Users/alice/scene.html', 'javascript:alert(1)', 'data:text/html,hi', 'blob:https://shop.example/1', null, undefined])(
    'gives null for %j',
    (url) => {
      expect(reduceUrl(url)).toBeNull();
    },
  );

  it('gives null for an absurdly long URL', () => {
    expect(reduceUrl(`https://shop.example/${'a'.repeat(10_000)}`)).toBeNull();
  });
});

describe('referrerOrigin', () => {
  it.each([
    ['https://news.example/story/42?id=7#top', 'https://news.example'],
    ['http://user:pw@news.example:8080/x', 'http://news.example:8080'],
    ['android-app://com.google.android.gm/', null],
    ['about:blank', null],
    ['', null],
    [null, null],
    ['garbage', null],
  ])('%j → %j', (referrer, origin) => {
    expect(referrerOrigin(referrer)).toBe(origin);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyTrafficSource } from './traffic-source.js';

const page = 'https://shop.example/sofa';

describe('traffic source classifier', () => {
  it.each([
    [{ url: `${page}?utm_source=Google&utm_medium=cpc&utm_campaign=Spring`, referrerOrigin: 'https://www.google.com' }, ['google', 'cpc', 'spring', 'high', 'utm-paid']],
    [{ url: `${page}?utm_source=newsletter&utm_medium=email`, referrerOrigin: null }, ['newsletter', 'email', null, 'high', 'utm-source']],
    [{ url: `${page}?utm_medium=banner`, referrerOrigin: 'https://ads.example' }, ['ads.example', 'banner', null, 'high', 'utm-paid']],
    [{ url: `${page}?utm_medium=print`, referrerOrigin: null }, ['(not set)', 'print', null, 'medium', 'utm-medium']],
    [{ url: page, referrerOrigin: 'https://www.google.de' }, ['google', 'organic', null, 'high', 'search-engine']],
    [{ url: page, referrerOrigin: 'https://duckduckgo.com' }, ['duckduckgo', 'organic', null, 'high', 'search-engine']],
    [{ url: page, referrerOrigin: 'https://t.co' }, ['x', 'social', null, 'high', 'social']],
    [{ url: page, referrerOrigin: 'https://l.facebook.com' }, ['facebook', 'social', null, 'high', 'social']],
    [{ url: page, referrerOrigin: 'https://mail.google.com' }, ['mail.google.com', 'email', null, 'medium', 'webmail']],
    [{ url: page, referrerOrigin: 'https://shop.example' }, ['direct', '(none)', null, 'medium', 'internal']],
    [{ url: page, referrerOrigin: 'https://blog.example.org' }, ['blog.example.org', 'referral', null, 'medium', 'referral']],
    [{ url: page, referrerOrigin: null }, ['direct', '(none)', null, 'low', 'direct']],
    [{ url: null, referrerOrigin: null }, ['(unknown)', '(unknown)', null, 'low', 'no-context']],
  ])('%j', (input, [source, medium, campaign, confidence, rule]) => {
    expect(classifyTrafficSource(input)).toEqual({ source, medium, campaign, confidence, rule });
  });

  it('is pure: the same input gives the same answer', () => {
    const input = { url: `${page}?utm_source=a`, referrerOrigin: 'https://b.example' };
    expect(classifyTrafficSource(input)).toEqual(classifyTrafficSource({ ...input }));
  });
});

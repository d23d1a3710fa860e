import { describe, expect, it } from 'vitest';
import { createWireValidators, encodeBatch, type VantageEvent } from '@vantage/sdk-core/schema';
import { DEFAULT_CAPTURE_FLAGS } from '@vantage/sdk-core/schema';
import { validateEvents } from '../ingest/validate-events.js';
import { minimiseEvent, minimiseTuple } from './events.js';

const T0 = Date.UTC(2026, 10, 23, 10);
const start = (): VantageEvent => ({
  type: 'session_start', t: T0, url: 'https://shop.example/p/sofa?utm_medium=cpc&gclid=XYZ#top', viewportW: 800, viewportH: 600,
  dpr100: 200, sdk: 'three/0.1.0', referrer: 'https://search.example/q?q=velvet+sofa', lang: 'de-DE', gpu: 'NVIDIA GeForce RTX 3080',
});

describe('minimiseEvent', () => {
  it('reduces the page URL to origin, path and utm_*, the referrer to its origin and the GPU to a class', () => {
    const event = start();
    minimiseEvent(event, 'standard');
    expect(event).toMatchObject({ url: 'https://shop.example/p/sofa?utm_medium=cpc', referrer: 'https://search.example', gpu: 'discrete', lang: 'de-DE' });
  });

  it('keeps only the origin of the page and nothing of referrer, language and GPU in paranoid mode', () => {
    const event = start();
    minimiseEvent(event, 'paranoid');
    expect(event).toEqual({ type: 'session_start', t: T0, url: 'https://shop.example', viewportW: 800, viewportH: 600, dpr100: 200, sdk: 'three/0.1.0' });
  });

  it('drops query strings of asset and error source URLs, relative ones too', () => {
    const asset: VantageEvent = { type: 'asset_load', t: T0, url: '/models/sofa.glb?sig=abc', kind: 'model', durationMs: 5, ok: true };
    minimiseEvent(asset, 'strict');
    expect(asset).toMatchObject({ url: '/models/sofa.glb' });
    const error: VantageEvent = { type: 'runtime_error', t: T0, message: 'boom', source: 'https://cdn.example/app.js?v=9&utm_source=a' };
    minimiseEvent(error, 'standard');
    expect(error).toMatchObject({ source: 'https://cdn.example/app.js?utm_source=a' });
  });

  it('replaces custom properties over 8 KB of JSON by the marker, and keeps smaller ones', () => {
    const small: VantageEvent = { type: 'custom', t: T0, name: 'a', props: { colour: 'navy' } };
    minimiseEvent(small, 'standard');
    expect(small).toMatchObject({ props: { colour: 'navy' } });
    const big: VantageEvent = { type: 'custom', t: T0, name: 'a', props: { s: 'é'.repeat(4_100) } };
    minimiseEvent(big, 'standard');
    expect(big).toMatchObject({ props: { __truncated: true, original_bytes: 8_208 } });
  });
});

describe('minimiseTuple (dead letters)', () => {
  it('minimises the fields it can read and leaves what is not an event as it is', () => {
    expect(minimiseTuple([1, 0, 'https://a.example/x?secret=1', 800, 600, 100, 'x', 'https://r.example/y?z=1'])).toEqual([1, 0, 'https://a.example/x', 800, 600, 100, 'x', 'https://r.example']);
    expect(minimiseTuple([10, 0, 'n', { s: 'x'.repeat(9_000) }])).toEqual([10, 0, 'n', { __truncated: true, original_bytes: 9_008 }]);
    expect(minimiseTuple('not a tuple')).toBe('not a tuple');
    expect(minimiseTuple([999, 0, 'https://a.example/?q=1'])).toEqual([999, 0, 'https://a.example/?q=1']);
  });
});

describe('validateEvents', () => {
  it('hands on accepted events already minimised', () => {
    const batch = encodeBatch({ sid: 'minimise-1', seq: 0, scene: 'sofa', sentAt: T0 }, [start(), { type: 'custom', t: T0 + 1, name: 'big', props: { s: 'x'.repeat(9_000) } }]);
    const { batch: accepted } = validateEvents(batch, {
      projectId: '11111111-2222-4333-8444-555555555555', capture: DEFAULT_CAPTURE_FLAGS, validators: createWireValidators(),
      receivedAt: T0, contentType: 'application/msgpack', privacyMode: 'strict',
    });
    expect(accepted.events).toHaveLength(2);
    expect(accepted.events[0]).toMatchObject({ url: 'https://shop.example/p/sofa?utm_medium=cpc', referrer: 'https://search.example' });
    expect(accepted.events[1]).toMatchObject({ props: { __truncated: true, original_bytes: 9_008 } });
  });
});

import { describe, expect, it } from 'vitest';
import { limitProps, MAX_PROPS_BYTES } from './props.js';

describe('limitProps', () => {
  it('keeps properties of up to 8192 bytes of JSON as they are', () => {
    const props = { note: 'x'.repeat(MAX_PROPS_BYTES - '{"note":""}'.length) };
    expect(Buffer.byteLength(JSON.stringify(props))).toBe(8192);
    expect(limitProps(props)).toBe(props);
    expect(limitProps({ a: 1 })).toEqual({ a: 1 });
    expect(limitProps(undefined)).toBeUndefined();
  });

  it('replaces larger ones with a marker and their size', () => {
    const props = { note: 'x'.repeat(MAX_PROPS_BYTES - '{"note":""}'.length + 1) };
    expect(limitProps(props)).toEqual({ __truncated: true, original_bytes: 8193 });
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 3000 × "€" is 3000 characters but 9000 bytes.
    const props = { price: '€'.repeat(3000) };
    expect(limitProps(props)).toEqual({ __truncated: true, original_bytes: Buffer.byteLength(JSON.stringify(props)) });
    expect(limitProps({ price: '€'.repeat(2000) })).toEqual({ price: '€'.repeat(2000) });
  });
});

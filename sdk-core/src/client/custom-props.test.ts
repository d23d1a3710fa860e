import { describe, expect, it } from 'vitest';
import { MAX_PROPS_BYTES, normaliseProps } from './custom-props.js';

describe('normaliseProps', () => {
  it('copies properties as JSON, so the app may reuse its object', () => {
    const props = { variant: 'green', at: new Date(0), skip: undefined, n: 1 };
    const result = normaliseProps(props);
    expect(result).toEqual({ ok: true, props: { variant: 'green', at: '1970-01-01T00:00:00.000Z', n: 1 } });
    props.variant = 'red';
    expect(result.ok && result.props?.variant).toBe('green');
  });

  it('replaces properties over 8 KB of JSON by the truncation marker', () => {
    const atLimit = { s: 'x'.repeat(MAX_PROPS_BYTES - 8) };
    expect(JSON.stringify(atLimit).length).toBe(MAX_PROPS_BYTES);
    expect(normaliseProps(atLimit)).toEqual({ ok: true, props: atLimit });
    const over = { s: 'é'.repeat(5000) };
    expect(normaliseProps(over)).toEqual({ ok: true, props: { __truncated: true, original_bytes: 10_008 } });
  });

  it('refuses what is not a JSON object', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(normaliseProps(cycle).ok).toBe(false);
    expect(normaliseProps([1]).ok).toBe(false);
    expect(normaliseProps('x').ok).toBe(false);
    expect(normaliseProps({ big: 1n }).ok).toBe(false);
    expect(normaliseProps(undefined)).toEqual({ ok: true, props: undefined });
  });
});

import { describe, expect, it } from 'vitest';
import { isOptOutSignalled } from './consent.js';

describe('isOptOutSignalled', () => {
  it('hears Global Privacy Control and every spelling of Do Not Track', () => {
    expect(isOptOutSignalled({ navigator: { globalPrivacyControl: true } })).toBe(true);
    expect(isOptOutSignalled({ navigator: { doNotTrack: '1' } })).toBe(true);
    expect(isOptOutSignalled({ navigator: { doNotTrack: 'yes' } })).toBe(true);
    expect(isOptOutSignalled({ navigator: { msDoNotTrack: '1' } })).toBe(true);
    expect(isOptOutSignalled({ navigator: {}, doNotTrack: '1' })).toBe(true);
  });

  it('does not read an unset or negative signal as opt-out', () => {
    expect(isOptOutSignalled({})).toBe(false);
    expect(isOptOutSignalled({ navigator: { doNotTrack: null, globalPrivacyControl: false } })).toBe(false);
    expect(isOptOutSignalled({ navigator: { doNotTrack: '0' }, doNotTrack: 'unspecified' })).toBe(false);
  });
});

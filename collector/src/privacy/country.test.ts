import { describe, expect, it } from 'vitest';
import { countryOf, loadCountryDatabase } from './country.js';

describe('countryOf (DB-IP country lite, offline)', () => {
  it('loads the database shipped in node_modules', () => {
    const { builtAt } = loadCountryDatabase();
    expect(builtAt.getUTCFullYear()).toBeGreaterThanOrEqual(2024);
  });

  it.each([
    ['8.8.8.8', 'US'],
    ['193.0.6.139', 'NL'], // RIPE NCC, Amsterdam
    ['81.2.69.160', 'GB'],
    ['::ffff:193.0.6.139', 'NL'],
    ['2a00:1450:4001::1', 'DE'],
  ])('%s → %s', (ip, country) => {
    expect(countryOf(ip)).toBe(country);
  });

  it.each(['10.1.2.3', '192.168.0.1', '172.16.5.4', '127.0.0.1', '::1', 'fe80::1', 'fd00::1', '100.64.0.1', '169.254.1.1', '0.0.0.0', '2001:db8::1', '::ffff:10.0.0.1'])(
    'gives null for the non-public address %s',
    (ip) => {
      expect(countryOf(ip)).toBeNull();
    },
  );

  it('gives null for what is not an address, and never anything below a country', () => {
    for (const value of ['', 'localhost', '999.1.1.1', 'unknown', null, undefined]) expect(countryOf(value)).toBeNull();
    expect(countryOf('8.8.8.8')).toMatch(/^[A-Z]{2}$/);
  });
});

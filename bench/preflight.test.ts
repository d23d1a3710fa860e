import { describe, expect, it } from 'vitest';
import { installedTools, missingTools } from './preflight.js';

describe('missingTools', () => {
  it('names each missing program with how to install it, and nothing when all are there', () => {
    expect(missingTools({ connector: true }, { postgres: true, chromium: true })).toEqual([]);
    const both = missingTools({ connector: true }, { postgres: false, chromium: false });
    expect(both).toHaveLength(2);
    expect(both[0]).toMatch(/^PostgreSQL's server binaries .*apt-get install postgresql/);
    expect(both[1]).toMatch(/^Chromium is not at .*apt-get install chromium.*BENCH_CONNECTOR=false/);
  });

  it('does not ask for Chromium when the connector sections are off', () => {
    expect(missingTools({ connector: false }, { postgres: true, chromium: false })).toEqual([]);
    expect(missingTools({ connector: false }, { postgres: false, chromium: false })).toHaveLength(1);
  });

  it('finds both on this machine, where .ci/run installed them', async () => {
    expect(await installedTools()).toEqual({ postgres: true, chromium: true });
  });
});

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { THREE_CONNECTOR_VERSION } from './version.js';

describe('THREE_CONNECTOR_VERSION', () => {
  it("is the version in @vantage/three's package.json (session_start says three/<version>)", async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(THREE_CONNECTOR_VERSION).toBe(pkg.version);
  });
});

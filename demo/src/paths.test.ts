import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readGlbJson } from '@vantage/fixtures';
import { DEMO_VERSION } from './page-config.js';
import { demoAssetsDir, demoModelPath } from './paths.js';

describe('the demo files', () => {
  it('demoModelPath is the fixtures sofa, a real GLB with its fabric variants', async () => {
    expect(demoModelPath).toBe(fileURLToPath(new URL('../../fixtures/models/GlamVelvetSofa.glb', import.meta.url)));
    const json = readGlbJson(await readFile(demoModelPath));
    const variants = (json.extensions?.KHR_materials_variants as { variants: Array<{ name: string }> }).variants;
    expect(variants.map((v) => v.name)).toEqual(['Champagne', 'Navy', 'Gray', 'Black', 'Pale Pink']);
  });

  it('demoAssetsDir is the build output folder, an absolute path without a trailing slash', () => {
    expect(demoAssetsDir).toBe(fileURLToPath(new URL('../dist/assets', import.meta.url)));
  });

  it('DEMO_VERSION is the package version (session_start says demo/<version>)', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(DEMO_VERSION).toBe(pkg.version);
  });
});

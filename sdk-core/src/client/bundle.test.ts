import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { SDK_VERSION } from './version.js';

const root = new URL('../index.ts', import.meta.url).pathname;

/** Bundle `contents` (which imports sdk-core's root entry) for the browser, minified. */
function bundle(contents: string) {
  return build({
    stdin: { contents, resolveDir: '.', loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

describe("sdk-core's root entry in a browser bundle", () => {
  it('bundles for the browser without any Node module or global', async () => {
    const result = await bundle(`export * from ${JSON.stringify(root)};`);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => p.startsWith('node:') || /(^|\/)node_modules\/msgpackr\//.test(p))).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/\bprocess\.env\b|\brequire\(|\bBuffer\.from\b/);
    expect(code).not.toMatch(/new Function|\beval\(/);
  });

  it('reports the version of its package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
  });

  it('keeps the client small (createClient alone, minified and gzipped)', async () => {
    const result = await bundle(`export { createClient } from ${JSON.stringify(root)};`);
    const gzipped = gzipSync(result.outputFiles[0]?.contents ?? new Uint8Array(), { level: 9 }).byteLength;
    console.log(`createClient bundle: ${result.outputFiles[0]?.contents.byteLength} bytes minified, ${gzipped} gzipped`);
    // About 15 KB today; the schema's TypeBox builders are imported by name (schema/builders.ts).
    expect(gzipped).toBeLessThan(18_000);
  });
});

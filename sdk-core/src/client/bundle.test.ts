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

/** Inputs a page must never carry: TypeBox, and the schema modules built on it (all but its plain scalars and the id table). */
function heavyInputs(result: Awaited<ReturnType<typeof bundle>>): string[] {
  return Object.keys(result.metafile.inputs).filter(
    (p) => /(^|\/)node_modules\/@sinclair\/typebox\//.test(p) || (/sdk-core\/src\/schema\//.test(p) && !/\/schema\/(scalars|id-table)\.ts$/.test(p)),
  );
}

describe("sdk-core's root entry in a browser bundle", () => {
  it('bundles for the browser without any Node module or global, and without TypeBox', async () => {
    const result = await bundle(`export * from ${JSON.stringify(root)};`);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => p.startsWith('node:') || /(^|\/)node_modules\/msgpackr\//.test(p))).toEqual([]);
    expect(inputs.some((p) => p.endsWith('sdk-core/src/client/event-table.ts'))).toBe(true);
    expect(heavyInputs(result)).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/\bprocess\.env\b|\brequire\(|\bBuffer\.from\b/);
    expect(code).not.toMatch(/new Function|\beval\(/);
  });

  it('gives connectors the wire units without TypeBox or the client', async () => {
    const names = 'toMm, toQuat, toNdc, MAX_COORD_MM, MAX_MESH_ID_LENGTH, MAX_MESH_IDS, NDC_SCALE, QUAT_SCALE, MAX_DURATION_MS';
    const result = await bundle(`export { ${names} } from ${JSON.stringify(root)};`);
    expect(heavyInputs(result)).toEqual([]);
    const bytes = result.outputFiles[0]?.contents.byteLength ?? Infinity;
    // The nine names and three one-line functions, nothing of the client.
    expect(bytes).toBeLessThan(600);
  });

  it('reports the version of its package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
  });

  it('keeps the client small (createClient alone, minified and gzipped)', async () => {
    const result = await bundle(`export { createClient } from ${JSON.stringify(root)};`);
    const gzipped = gzipSync(result.outputFiles[0]?.contents ?? new Uint8Array(), { level: 9 }).byteLength;
    console.log(`createClient bundle: ${result.outputFiles[0]?.contents.byteLength} bytes minified, ${gzipped} gzipped`);
    // 10.36 KB measured (from 15.2 KB with TypeBox): no TypeBox, the registry as the generated
    // event table (client/event-table.ts, ~0.65 KB of it) and registerProxy (~0.75 KB). 3 % headroom.
    expect(gzipped).toBeLessThan(10_700);
  });
});

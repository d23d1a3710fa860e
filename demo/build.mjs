// Bundles the demo page (src/page/main.ts) into dist/assets/demo.js: one minified ES module with
// a source map, three.js and the Vantage packages inside, nothing fetched from a CDN.
// Workspace packages resolve through their default export condition, i.e. their built dist/
// files (turbo builds them first: they are this package's dependencies), as a published build
// would; the `source` condition is for tests and type-checking only.
import { mkdir, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const outdir = new URL('./dist/assets/', import.meta.url).pathname;
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

const result = await build({
  entryPoints: { demo: new URL('./src/page/main.ts', import.meta.url).pathname },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});

// The browser bundle must not carry TypeBox (the wire schema's validator): warn if a dependency
// pulled it in, with what it costs.
const inputs = Object.entries(result.metafile.inputs);
const typebox = inputs.filter(([path]) => path.includes('node_modules/@sinclair/typebox/'));
if (typebox.length > 0) {
  const bytes = typebox.reduce((sum, [, input]) => sum + input.bytes, 0);
  console.warn(`demo: warning: the page bundle includes TypeBox (${typebox.length} files, ${Math.round(bytes / 1024)} KiB before minifying)`);
}

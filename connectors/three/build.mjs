// The single-file builds of sdk-core + the three.js connector (see src/standalone.ts), after tsc.
import { build } from 'esbuild';

const common = {
  entryPoints: ['src/standalone.ts'],
  bundle: true,
  minify: true,
  sourcemap: true,
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
};

await build({ ...common, format: 'esm', outfile: 'dist/vantage.js', external: ['three'] });

/** `import … from 'three'` → the page's `window.THREE`, for the classic script. */
const threeGlobal = {
  name: 'three-global',
  setup(b) {
    b.onResolve({ filter: /^three$/ }, () => ({ path: 'three', namespace: 'three-global' }));
    b.onLoad({ filter: /.*/, namespace: 'three-global' }, () => ({
      contents: "if (!globalThis.THREE) throw new Error('Vantage: load three.js (window.THREE) before vantage.global.js'); module.exports = globalThis.THREE;",
      loader: 'js',
    }));
  },
};
await build({ ...common, format: 'iife', globalName: 'Vantage', outfile: 'dist/vantage.global.js', plugins: [threeGlobal] });

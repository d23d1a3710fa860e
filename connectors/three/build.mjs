// The single-file builds of sdk-core + the three.js connector (see src/standalone.ts), after tsc.
// esbuild bundles and minifies; terser then compresses again, renames by frequency and shortens
// the internal property names listed below, which gzips about 6 % smaller than esbuild's output
// alone (the source map follows both steps).
import { readFile, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { minify } from 'terser';

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

/**
 * Property names that only the bundle's own modules read and write, renamed by terser in the
 * single files (saves about 0.25 KB gzipped). A name belongs here only when no page, no collector
 * answer, no three.js or DOM object and no public type uses it: never an option, a field of the
 * wire or of the config answer, a member of `VantageClient`, `SceneTracker` or `VantageError`.
 * `checkInternalNames` below refuses a name that appears in a public declaration, and terser
 * never renames DOM names (its `domprops` list) even when they match.
 */
export const INTERNAL_PROPS = [
  // sdk-core: the event table, the queue, batches, the reporter and the delivery pipeline
  'intern', 'optIn', 'fields', 'ownerAt', 'itemAt', 'nextSeq', 'maxEvents', 'maxBytes', 'payload', 'batch', 'timeoutMs',
  'retryAfterMs', 'guard', 'report', 'reporter', 'internal', 'intake', 'capacity', 'takeOverflow', 'onIdle', 'collectUrl',
  'beaconAll', 'retryNow', 'idle', 'invalid', 'reportOverflow',
  // sdk-core: sessions and the page lifecycle
  'inactivityMs', 'startedAt', 'lastActivityAt', 'tuple', 'idled', 'renewed', 'current', 'checkIdle', 'setInfo', 'pageHide',
  'pageShow', 'online', 'stopAll', 'stopInput',
  // the connector: the camera sampler, the scene index, the picker
  'minIntervalMs', 'maxIntervalMs', 'motionMm', 'motionQuat', 'restMs', 'sent', 'settle', 'fovChanged', 'dirty', 'rebuild',
  'slack', 'spheres', 'drawable', 'boxes', 'raycasts', 'hit',
];

/**
 * The public types, by declaration file: a member declared in one of them is part of an API (an
 * option, a handle's method, a field of the wire or of the config answer) and keeps its name.
 */
const PUBLIC_TYPES = {
  '../../sdk-core/dist/client/types.d.ts': ['ClientOptions', 'VantageClient', 'ClientStats', 'Identity', 'SessionInfo'],
  '../../sdk-core/dist/client/errors.d.ts': ['ErrorExtra', 'VantageError'],
  '../../sdk-core/dist/client/remote-config.d.ts': ['RemoteConfig'],
  '../../sdk-core/dist/client/scene-proxy.d.ts': ['SceneProxyMesh', 'SceneProxy'],
  'dist/track-scene.d.ts': ['TrackSceneTuning', 'TrackSceneOptions', 'SceneTracker'],
  'dist/assets.d.ts': ['AssetLoad'],
  'dist/visibility.d.ts': ['VisibilityTotals'],
};

/** Fail the build when an internal name is a member of a public type (or the wire envelope). */
async function checkInternalNames() {
  const blocks = [await readFile(new URL('../../sdk-core/dist/schema/envelope.d.ts', import.meta.url), 'utf8')];
  for (const [file, types] of Object.entries(PUBLIC_TYPES)) {
    const text = await readFile(new URL(file, import.meta.url), 'utf8');
    for (const type of types) {
      const block = new RegExp(`(interface|class|type) ${type}\\b[^]*?\\n}`).exec(text);
      if (!block) throw new Error(`build.mjs: no declaration of ${type} in ${file}`);
      blocks.push(block[0]);
    }
  }
  for (const name of INTERNAL_PROPS) {
    const member = new RegExp(`^\\s*(readonly\\s+)?(get\\s+)?${name}\\??\\s*[:(]`, 'm');
    if (blocks.some((block) => member.test(block))) throw new Error(`build.mjs: '${name}' is a member of a public type: take it out of INTERNAL_PROPS`);
  }
}

/** Run terser over an esbuild output file in place, chaining the source maps. */
async function squeeze(outfile, module) {
  const code = await readFile(outfile, 'utf8');
  const map = await readFile(`${outfile}.map`, 'utf8');
  const name = outfile.slice(outfile.lastIndexOf('/') + 1);
  const result = await minify(code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, ''), {
    module,
    ecma: 2022,
    compress: { passes: 3, hoist_funs: true },
    mangle: { properties: { regex: new RegExp(`^(${INTERNAL_PROPS.join('|')})$`) } },
    format: { comments: false },
    sourceMap: { content: map, url: `${name}.map` },
  });
  if (result.code === undefined || typeof result.map !== 'string') throw new Error(`terser gave no output for ${outfile}`);
  await writeFile(outfile, `${result.code}\n`);
  await writeFile(`${outfile}.map`, result.map);
}

await checkInternalNames();
await build({ ...common, format: 'esm', outfile: 'dist/vantage.js', external: ['three'] });
await squeeze('dist/vantage.js', true);

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
await squeeze('dist/vantage.global.js', false);

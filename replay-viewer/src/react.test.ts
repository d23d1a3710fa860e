import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BROWSER_GLOBALS = ['window', 'document', 'self', 'navigator', 'requestAnimationFrame'];

/**
 * Runs in a separate, plain Node process (no test runner, no DOM shim): traps every read of a
 * browser global, imports the React entry from its TypeScript source, renders `<Replay>` to a
 * string as a server would, and reports what it read.
 */
const probe = `
const touched = [];
for (const name of ${JSON.stringify(BROWSER_GLOBALS)}) {
  if (name in globalThis && name !== 'navigator') throw new Error(name + ' is already defined in this Node process');
  Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); return undefined; } });
}
const mod = await import(process.env.VANTAGE_ENTRY);
const { createElement } = await import('react');
const { renderToString } = await import('react-dom/server');
const stream = { session: { id: 'ssr-session', scene: 'sofa', startedAt: '2026-03-02T14:30:00.000Z' }, events: [] };
const html = renderToString(createElement(mod.Replay, { stream, scene: { modelUrl: '/sofa.glb' }, className: 'replay' }));
console.log(JSON.stringify({ touched, exports: Object.keys(mod).sort(), html }));
`;

describe('@vantage/replay-viewer/react under server-side rendering', () => {
  it('imports and renders in plain Node without reading window, document or other browser globals', async () => {
    const entry = pathToFileURL(fileURLToPath(new URL('./react.ts', import.meta.url))).href;
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', pathToFileURL(tsx).href, '--input-type=module', '-e', probe],
      { env: { ...process.env, VANTAGE_ENTRY: entry }, cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { touched: string[]; exports: string[]; html: string };
    expect(report.exports).toEqual(['Replay']);
    expect(report.html).toBe('<div class="replay" style="width:100%;height:100%" data-vantage-replay=""></div>');
    expect(report.touched).toEqual([]);
  });
});

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BROWSER_GLOBALS = ['window', 'document', 'self'];

/**
 * Runs in a separate, plain Node process (no test runner, no DOM shim): traps every read of a
 * browser global, imports the package entry from its TypeScript source, and reports what read
 * them (Vantage's own code, or a dependency's `typeof window` probe: three.js and R3F check for a
 * browser at import, which is how a package stays SSR-safe), what it exported, and what server
 * rendering `<Canvas><VantageAnalytics …/></Canvas>` gave.
 */
const probe = `
const ours = [];
const dependencies = [];
for (const name of ${JSON.stringify(BROWSER_GLOBALS)}) {
  if (name in globalThis) throw new Error(name + ' is already defined in this Node process');
  Object.defineProperty(globalThis, name, { configurable: true, get() {
    const caller = (new Error().stack ?? '').split('\\n')[2] ?? '';
    (caller.includes('/node_modules/') ? dependencies : ours).push(name + ' ' + caller.trim());
    return undefined;
  } });
}
const mod = await import(process.env.VANTAGE_ENTRY);
const readAtImport = ours.length;
const tagged = mod.vantageTag('ssr-ok');
const { createElement } = await import('react');
const { renderToString } = await import('react-dom/server');
const { Canvas } = await import('@react-three/fiber');
const props = { endpoint: 'https://collect.example.com', publishableKey: 'pk_ssr', sceneId: 'ssr' };
const html = renderToString(createElement(Canvas, null, createElement(mod.VantageAnalytics, props, createElement(mod.Tracked, { id: 'part' }))));
let outside = '';
try { renderToString(createElement(mod.VantageAnalytics, props)); } catch (error) { outside = error.message; }
console.log(JSON.stringify({ touched: ours.slice(0, readAtImport), touchedRendering: ours.slice(readAtImport), dependencyProbes: dependencies.length, exports: Object.keys(mod).sort(), tagged, html, outside }));
`;

describe('@vantage/r3f under server-side rendering', () => {
  it('imports and server-renders in plain Node: its own code reads no window, document or self', async () => {
    const entry = pathToFileURL(fileURLToPath(new URL('./index.ts', import.meta.url))).href;
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', pathToFileURL(tsx).href, '--input-type=module', '-e', probe],
      { env: { ...process.env, VANTAGE_ENTRY: entry }, cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { touched: string[]; touchedRendering: string[]; dependencyProbes: number; exports: string[]; tagged: unknown; html: string; outside: string };
    expect(report.exports).toEqual(['R3F_CONNECTOR_VERSION', 'Tracked', 'VantageAnalytics', 'VantageContext', 'aimsAtCentre', 'cameraModeOf', 'useTracked', 'useVantage', 'vantageTag']);
    expect(report.tagged).toEqual({ userData: { vantageId: 'ssr-ok' } });
    expect(report.touched).toEqual([]);
    expect(report.touchedRendering).toEqual([]);
    // The server renders the Canvas's container; the scene (and capture) exist only in a browser.
    expect(report.html).toMatch(/^<div/);
    expect(report.outside).toBe('Vantage: <VantageAnalytics> must be inside <Canvas>');
  });
});

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BROWSER_GLOBALS = ['window', 'document', 'self'];

/**
 * Runs in a separate, plain Node process (no test runner, no DOM shim): traps every read of a
 * browser global, imports the package entry from its TypeScript source, and reports what it read
 * and what it exported.
 */
const probe = `
const touched = [];
for (const name of ${JSON.stringify(BROWSER_GLOBALS)}) {
  if (name in globalThis) throw new Error(name + ' is already defined in this Node process');
  Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); return undefined; } });
}
const mod = await import(process.env.VANTAGE_ENTRY);
const tagged = mod.vantageTag('ssr-ok');
console.log(JSON.stringify({ touched, exports: Object.keys(mod).sort(), tagged }));
`;

describe('@vantage/r3f under server-side rendering', () => {
  it('imports in plain Node without reading window, document or self', async () => {
    const entry = pathToFileURL(fileURLToPath(new URL('./index.ts', import.meta.url))).href;
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', pathToFileURL(tsx).href, '--input-type=module', '-e', probe],
      { env: { ...process.env, VANTAGE_ENTRY: entry } },
    );
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { touched: string[]; exports: string[]; tagged: unknown };
    expect(report.exports).toEqual(['vantageTag']);
    expect(report.tagged).toEqual({ userData: { vantageId: 'ssr-ok' } });
    expect(report.touched).toEqual([]);
  });
});

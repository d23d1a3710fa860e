/**
 * Serves test pages from 127.0.0.1: TypeScript entries bundled by esbuild (with the `source`
 * condition, so workspace packages resolve to their sources, as in vitest), HTML pages and static
 * files (models, textures). Everything is revalidated on each load (`no-cache`, not `no-store`,
 * which would keep pages out of the back/forward cache).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { build } from 'esbuild';

/** What a page server serves. */
export interface PageServerOptions {
  /** Scripts: URL path (e.g. `/app.js`) → TypeScript or JavaScript entry file, bundled as an ES module. */
  scripts: Record<string, string>;
  /**
   * HTML pages: URL path → markup. Default: `/` loads every script as a module, and `/blank`
   * is an empty page (somewhere to navigate away to).
   */
  pages?: Record<string, string>;
  /** Static files: URL path → file path on disk. */
  files?: Record<string, string>;
  /**
   * Extra headers on every answer, e.g. `Cross-Origin-Opener-Policy` and
   * `Cross-Origin-Embedder-Policy` for a cross-origin-isolated page (whose `performance.now()`
   * is precise to microseconds instead of 100 µs).
   */
  headers?: Record<string, string>;
  /** esbuild `define`s for the scripts (values are JavaScript expressions). */
  define?: Record<string, string>;
}

/** A running page server. */
export interface PageServer {
  /** `http://127.0.0.1:<port>` — the page origin to allow on the collector. */
  origin: string;
  /** Absolute URL of a path on this server. */
  url(path?: string): string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.hdr': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

/** Bundle each script entry for the browser (ES2022 modules, inline source maps). */
async function bundle(scripts: Record<string, string>, define: Record<string, string> | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [path, entry] of Object.entries(scripts)) {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['source'],
      sourcemap: 'inline',
      write: false,
      logLevel: 'silent',
      define,
    });
    out.set(path, result.outputFiles[0]?.text ?? '');
  }
  return out;
}

/** Bundle the scripts and serve them on an ephemeral port of 127.0.0.1. */
export async function servePages(options: PageServerOptions): Promise<PageServer> {
  const scripts = await bundle(options.scripts, options.define);
  const moduleTags = Object.keys(options.scripts).map((p) => `<script type="module" src="${p}"></script>`).join('\n');
  const pages: Record<string, string> = {
    '/': `<!doctype html><html><head><meta charset="utf-8"><title>test page</title></head><body>${moduleTags}</body></html>`,
    '/blank': '<!doctype html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>',
    ...options.pages,
  };
  const requests: string[] = [];

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-cache', ...options.headers });
      res.end(body);
    };
    const script = scripts.get(path);
    if (script !== undefined) return send(200, TYPES['.js'] as string, script);
    const page = pages[path];
    if (page !== undefined) return send(200, TYPES['.html'] as string, page);
    const file = options.files?.[path];
    if (file !== undefined) return send(200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
    // Browsers ask for an icon by habit, and pages served by the collector link its /favicon.svg.
    if (path === '/favicon.ico' || path === '/favicon.svg') return send(204, 'text/plain', '');
    send(404, 'text/plain', 'not found');
  }

  const server = createServer((req, res) => {
    respond(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path = '/') => `${origin}${path}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

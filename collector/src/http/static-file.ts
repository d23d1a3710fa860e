/**
 * Serving a file of a build (the demo's, the dashboard's): only plain file names with a known
 * extension, streamed with its content type, length, last-modified time and the given cache
 * policy; anything else is the caller's `404`. Files the caller marks are answered from their
 * kept brotli or gzip copies once those are made (`precompressed.ts`).
 */
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Context } from 'koa';
import { compressibleType } from './compression.js';
import type { HttpError } from './errors.js';
import { precompressedFiles } from './precompressed.js';

/** A plain file name: no directory part, no `..`, not hidden. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** The content type of a plain file name among `types` (by extension), or null when not served. */
export function servedType(file: string, types: Readonly<Record<string, string>>): string | null {
  const type = types[extname(file).toLowerCase()];
  return FILE_NAME.test(file) && !file.includes('..') && type ? type : null;
}

/**
 * Whether a build file is worth a kept compressed copy: text (scripts, styles, SVG), not a source
 * map (megabytes, and asked for only by a developer's tools) nor a binary.
 */
export function keptCompressed(file: string, type: string): boolean {
  return compressibleType(type) && !file.endsWith('.map');
}

/**
 * Stream the file at `path` (a regular file, else `notFound()` is thrown). With `precompress`,
 * a client that accepts brotli (else gzip) gets the file's kept copy when it is made.
 */
export async function sendFile(ctx: Context, path: string, type: string, cacheControl: string, notFound: () => HttpError, precompress = false): Promise<void> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch {
    throw notFound();
  }
  if (!info.isFile()) throw notFound();
  ctx.type = type;
  ctx.length = info.size;
  ctx.lastModified = info.mtime;
  ctx.set('Cache-Control', cacheControl);
  ctx.set('X-Content-Type-Options', 'nosniff');
  // A HEAD answer has no body: opening the file would leave its descriptor to the collector.
  if (ctx.method === 'HEAD') {
    ctx.status = 200;
    return;
  }
  const copies = precompress ? precompressedFiles.get(path, info) : null;
  if (copies) {
    const encoding = ctx.acceptsEncodings('br') === 'br' ? 'br' : ctx.acceptsEncodings('gzip') === 'gzip' ? 'gzip' : null;
    ctx.vary('Accept-Encoding');
    if (encoding) {
      ctx.set('Content-Encoding', encoding);
      ctx.body = copies[encoding];
      return;
    }
  }
  ctx.body = createReadStream(path);
}

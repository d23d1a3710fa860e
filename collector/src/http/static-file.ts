/**
 * Serving a file of a build (the demo's, the dashboard's): only plain file names with a known
 * extension, streamed with its content type, length, last-modified time and the given cache
 * policy; anything else is the caller's `404`.
 */
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Context } from 'koa';
import type { HttpError } from './errors.js';

/** A plain file name: no directory part, no `..`, not hidden. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** The content type of a plain file name among `types` (by extension), or null when not served. */
export function servedType(file: string, types: Readonly<Record<string, string>>): string | null {
  const type = types[extname(file).toLowerCase()];
  return FILE_NAME.test(file) && !file.includes('..') && type ? type : null;
}

/** Stream the file at `path` (a regular file, else `notFound()` is thrown). */
export async function sendFile(ctx: Context, path: string, type: string, cacheControl: string, notFound: () => HttpError): Promise<void> {
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
  ctx.body = createReadStream(path);
}

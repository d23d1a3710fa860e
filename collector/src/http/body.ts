/** Reading request bodies with a size cap (raw-body): over the cap is `413 payload_too_large`. */
import getRawBody from 'raw-body';
import type { Context } from 'koa';
import { HttpError } from './errors.js';

/** The raw body bytes, at most `limit` bytes. */
export async function readBody(ctx: Context, limit: number): Promise<Buffer> {
  return getRawBody(ctx.req, { limit, length: ctx.get('Content-Length') || undefined });
}

/** A small JSON body (settings), at most `limit` bytes (default 64 KiB). */
export async function readJson(ctx: Context, limit = 64 * 1024): Promise<unknown> {
  const bytes = await readBody(ctx, limit);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_payload', 'the body is not valid JSON');
  }
}

/**
 * Response compression (koa-compress): brotli at quality 4 when the client accepts it, else gzip,
 * for text and msgpack bodies of at least {@link COMPRESS_THRESHOLD_BYTES} — query answers,
 * replay streams (NDJSON, or msgpack: its maps repeat every key, and a session's stream shrinks
 * about fivefold), pages, and the build files' first requests (later ones get the kept copies of
 * `precompressed.ts`, which this middleware leaves alone: they carry their `Content-Encoding`).
 *
 * Left as they are:
 * - `POST /api/v1/collect`: its acknowledgements are a few dozen bytes, and ingest is the hot path;
 * - binary bodies (glTF models, images, fonts): already dense, compressing them costs CPU for nothing;
 * - answers that carry a secret (a session's CSRF token, a live token, a new key's token): they set
 *   `ctx.compress = false` through {@link noCompression}, so their size can never leak a secret
 *   byte by byte next to reflected input (BREACH);
 * - `HEAD` requests, empty bodies, and answers marked `Cache-Control: no-transform`.
 */
import type { Context, Middleware } from 'koa';
import compress from 'koa-compress';

/** Bodies smaller than this go out as they are: the headers would eat what compression saves. */
export const COMPRESS_THRESHOLD_BYTES = 1024;

/**
 * The types worth compressing the collector answers with: HTML, CSS, scripts, JSON (source maps
 * too), NDJSON, SVG, msgpack. Everything else it serves (glTF binaries, PNG, WOFF2) is dense already.
 */
const COMPRESSIBLE_TYPE = /^(text\/[a-z0-9.+-]+|application\/(json|javascript|x-ndjson|msgpack|[a-z0-9.-]+\+json)|image\/svg\+xml)$/;

/** Whether a response of MIME type `type` (parameters allowed) is compressed. */
export function compressibleType(type: string): boolean {
  return COMPRESSIBLE_TYPE.test(type.split(';', 1)[0]!.trim().toLowerCase());
}

/** Mark this answer as one that must go out uncompressed (it carries a secret). */
export function noCompression(ctx: Context): void {
  ctx.compress = false;
}

/** The middleware: every route but ingest. `thresholdBytes` is for tests. */
export function compression(thresholdBytes = COMPRESS_THRESHOLD_BYTES): Middleware {
  const compressing = compress({ filter: compressibleType, threshold: thresholdBytes, deflate: false });
  return async function compressResponse(ctx, next) {
    if (ctx.path === '/api/v1/collect') return next();
    return compressing(ctx, next);
  };
}

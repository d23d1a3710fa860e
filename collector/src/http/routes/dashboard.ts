/**
 * The dashboard app, served by the collector: `GET /` is its `index.html` (see `landing.ts`) and
 * `GET /assets/:file` its hashed files from `@vantage/dashboard`'s build (`dist/app/assets/`),
 * with their content types and a year-long immutable cache (a new build has new names). Only
 * plain file names with a known extension; anything else is `404`.
 */
import { join } from 'node:path';
import type { Context } from 'koa';
import { dashboardAssetsDir } from '@vantage/dashboard';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { keptCompressed, sendFile, servedType } from '../static-file.js';

/** Content types of the files the app's build holds; any other extension is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * The app's Content-Security-Policy: everything from this collector only, except the models of
 * the signed-in operator's scenes (`modelOrigins`, see `modelOriginsOfOperator`), which three.js
 * fetches from wherever the operator registered them. Styles may also be inline: the replay
 * viewer injects its own stylesheet; three.js's GLTFLoader reads a model's embedded textures
 * through `blob:` URLs.
 */
export function dashboardCsp(modelOrigins: readonly string[] = []): string {
  const models = modelOrigins.map((origin) => ` ${origin}`).join('');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' blob: data:${models}`,
    `connect-src 'self' blob: data:${models}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

const noSuchAsset = () => new HttpError(404, 'not_found', 'no such dashboard asset');

/** `GET /assets/:file`: a hashed file of the dashboard's build, cached for a year. */
export function dashboardAsset(_deps: AppDeps) {
  return async function dashboardAssetHandler(ctx: Context): Promise<void> {
    const file = String(ctx.params.file ?? '');
    const type = servedType(file, CONTENT_TYPES);
    if (!type) throw noSuchAsset();
    await sendFile(ctx, join(dashboardAssetsDir, file), type, 'public, max-age=31536000, immutable', noSuchAsset, keptCompressed(file, type));
  };
}

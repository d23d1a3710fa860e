/**
 * The demo scene, served by the collector: `GET /demo` (the page, with the demo project's
 * publishable key and this collector as its endpoint) and `GET /demo/assets/:file` (its bundle
 * and the sofa model). With `tenants/demo-page.ts` (the demo scene's id), the only module that
 * imports `@vantage/demo`.
 */
import { join } from 'node:path';
import type { Context } from 'koa';
import { DEMO_SCENE_ID, demoAssetsDir, demoModelPath, renderDemoPage } from '@vantage/demo';
import { DEMO_ASSET_BASE, DEMO_MODEL_FILE, DEMO_MODEL_URL, getDemoPage } from '../../tenants/demo-page.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { keptCompressed, sendFile, servedType } from '../static-file.js';


/** Content types of the files the demo may load; any other extension is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.glb': 'model/gltf-binary',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ktx2': 'image/ktx2',
  '.wasm': 'application/wasm',
};

/**
 * The page loads only its own bundle and model and talks only to this collector. three.js's
 * GLTFLoader reads the textures embedded in the .glb through `blob:` URLs (fetched, then
 * decoded as images); the page's styles are one inline `<style>`; its settings ride in a JSON
 * `<script>` that runs nothing.
 */
const DEMO_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self' blob: data:",
  "img-src 'self' blob: data:",
  "style-src 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const noSuchAsset = () => new HttpError(404, 'not_found', 'no such demo asset');

/** `GET /demo`: the demo page, or `404 not_found` on a store without a demo. */
export function demoPage(deps: AppDeps) {
  return async function demoPageHandler(ctx: Context): Promise<void> {
    const page = await getDemoPage(deps.store, deps.keys);
    if (!page) {
      throw new HttpError(404, 'not_found', 'this store has no demo: the demo exists only on a store whose first start created it (start on an empty store)');
    }
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', DEMO_PAGE_CSP);
    ctx.body = renderDemoPage({
      // The collector as this browser reached it (Koa 3's `ctx.origin` is the Origin header,
      // which a navigation does not send): the page sends its events back here.
      endpoint: `${ctx.protocol}://${ctx.host}`,
      publishableKey: page.publishableKey,
      sceneId: DEMO_SCENE_ID,
      assetBase: DEMO_ASSET_BASE,
      modelUrl: DEMO_MODEL_URL,
    });
  };
}

/** `GET /demo/assets/:file`: a file of the demo's build, or the sofa; streamed, cached 5 minutes. */
export function demoAsset(_deps: AppDeps) {
  return async function demoAssetHandler(ctx: Context): Promise<void> {
    const file = String(ctx.params.file ?? '');
    const type = servedType(file, CONTENT_TYPES);
    if (!type) throw noSuchAsset();
    const path = file === DEMO_MODEL_FILE ? demoModelPath : join(demoAssetsDir, file);
    await sendFile(ctx, path, type, 'public, max-age=300', noSuchAsset, keptCompressed(file, type));
  };
}

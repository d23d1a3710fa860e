/**
 * The demo page's HTML. Everything the page needs arrives in it: the collector's URL, the
 * publishable key and the model's URL as JSON in a `<script type="application/json">` tag, the
 * bundle from the assets prefix. No CDN, no external font: the page works offline.
 */
import { CONFIG_ELEMENT_ID, DEMO_SCRIPT_FILE, type DemoPageConfig } from './page-config.js';

/** Options of {@link renderDemoPage}. */
export interface DemoPageOptions {
  /** Collector base URL as the browser reaches it, e.g. `http://127.0.0.1:7315`. */
  endpoint: string;
  /** The demo project's publishable key; `undefined` when it is unknown or revoked: the page explains that and sends nothing. */
  publishableKey: string | undefined;
  /** The scene id, normally `DEMO_SCENE_ID` (`demo-sofa`). */
  sceneId: string;
  /** URL path prefix where `demoAssetsDir` is served, e.g. `/demo/assets` (a trailing slash is fine). */
  assetBase: string;
  /** URL of the sofa, e.g. `/demo/assets/GlamVelvetSofa.glb`. */
  modelUrl: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for an HTML text node or a quoted attribute value. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/**
 * JSON that is safe inside a `<script>` element: `<` becomes `\u003c`, so no value can close the
 * element (`</script>`) or open a comment (`<!--`). JSON.parse reads it back unchanged.
 */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The demo page's full HTML (the collector serves it at `/demo` with `Cache-Control: no-store`). */
export function renderDemoPage(options: DemoPageOptions): string {
  const config: DemoPageConfig = {
    endpoint: options.endpoint,
    publishableKey: options.publishableKey ?? null,
    sceneId: options.sceneId,
    modelUrl: options.modelUrl,
  };
  const scriptUrl = `${options.assetBase.replace(/\/+$/, '')}/${DEMO_SCRIPT_FILE}`;
  const status =
    options.publishableKey === undefined
      ? `<p class="warning" id="no-key">This collector has no active publishable key for the demo project (it is unknown or
        was revoked), so this page sends nothing. The scene still works.</p>`
      : `<p id="status-body" class="muted">Starting…</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vantage demo — product configurator</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>${STYLE}</style>
</head>
<body>
<main id="stage" aria-label="3D view of the sofa: drag to orbit, scroll to zoom"></main>
<aside id="panel">
  <header>
    <h1>Vantage demo</h1>
    <p>A product configurator in three.js. Orbit the sofa (drag, scroll), switch its fabric, add it to the cart:
    each move becomes an event on its way to the collector.</p>
  </header>
  <section id="configurator" aria-label="Configurator">
    <h2>Fabric</h2>
    <div id="variants" role="group" aria-label="Fabric variants"></div>
    <button type="button" id="add-to-cart" disabled>Add to cart</button>
  </section>
  <section id="status" aria-live="polite">
    <h2>What the client did</h2>
    <p class="muted">Scene <code>${escapeHtml(options.sceneId)}</code> → <code>${escapeHtml(options.endpoint)}</code></p>
    ${status}
    <p class="warning" id="opt-out" hidden>This browser sends Do Not Track or Global Privacy Control: the SDK sends
    nothing and stores nothing. Turn the signal off to see events flow.</p>
  </section>
  <footer>Model: <cite>Glam Velvet Sofa</cite>, © 2021 Wayfair, LLC, CC BY 4.0 (Khronos glTF Sample Assets).</footer>
</aside>
<noscript><p class="warning">The demo needs JavaScript and WebGL.</p></noscript>
<script type="application/json" id="${CONFIG_ELEMENT_ID}">${jsonForScript(config)}</script>
<script type="module" src="${escapeHtml(scriptUrl)}"></script>
</body>
</html>
`;
}

/** The page's styles: the 3D view on the left, the configurator and the client's status in a side panel. */
const STYLE = `
:root { color-scheme: light; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { display: grid; grid-template-columns: minmax(0, 1fr) 300px; background: #eeece8; overflow: hidden; }
#stage { position: relative; min-height: 0; }
#stage canvas { position: absolute; inset: 0; display: block; width: 100%; height: 100%; touch-action: none; }
#panel { overflow-y: auto; background: #fff; border-left: 1px solid #dedbd5; padding: 14px 16px; display: flex;
  flex-direction: column; gap: 14px; }
h1 { font-size: 18px; margin: 0 0 4px; }
h2 { font-size: 11.5px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: 0.05em; color: #666; }
p { margin: 0 0 6px; }
header p { color: #444; }
#variants { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 10px; }
button { font: inherit; border: 1px solid #c8c4bc; background: #fff; border-radius: 999px; padding: 5px 12px; cursor: pointer; }
button[aria-pressed="true"] { border-color: #1d1d1f; background: #1d1d1f; color: #fff; }
button:disabled { opacity: 0.5; cursor: default; }
#add-to-cart { width: 100%; background: #0b6e4f; border-color: #0b6e4f; color: #fff; font-weight: 600; padding: 8px 12px; }
#status { font-size: 12.5px; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0 0 6px; }
dt { color: #666; }
dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.muted { color: #666; }
.warning { color: #8a3b00; background: #fff3e0; border-radius: 6px; padding: 6px 8px; }
footer { margin-top: auto; font-size: 11px; color: #666; }
@media (max-width: 720px) {
  html, body { height: auto; }
  body { grid-template-columns: 1fr; grid-template-rows: 60vh auto; overflow: auto; }
  #panel { border-left: 0; border-top: 1px solid #dedbd5; }
}
`;

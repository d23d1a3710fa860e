/**
 * The landing content: what this server is, and how to send a first event from a three.js
 * scene. Rendered into the dashboard app's page (no-JavaScript fallback) and, when the app was
 * not built, as a page of its own.
 */
import { escapeHtml, jsString } from './escape.js';

/** The collector's icon (`GET /favicon.svg`). */
const ICON_LINK = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">';

/** What the landing page shows. */
export interface LandingPageOptions {
  /**
   * The project's display name, for a page shown to that project's own people. The collector's
   * public `/` leaves it out: a page anyone can load names no tenant.
   */
  readonly projectName?: string | undefined;
  /**
   * The project's publishable key (`pk_…`), filled into the snippet. Unknown once the first
   * start has printed it (keys are stored hashed): the snippet then carries a placeholder and
   * tells the operator to use the key printed at first start.
   */
  readonly publishableKey?: string | undefined;
  /** The collector's base URL as browsers reach it, e.g. `http://127.0.0.1:7315`. */
  readonly endpoint: string;
  /** The scene id the snippet uses; default `'my-scene'`. */
  readonly sceneId?: string | undefined;
}

/** The default scene id in the snippet. */
const DEFAULT_SCENE_ID = 'my-scene';
/** Stands for the key in the snippet when the page does not know it. */
const KEY_PLACEHOLDER = 'pk_…';

/**
 * The landing content as one `<main>` element: product name, project, a "send your first
 * events" snippet for `@vantage/three` with the endpoint, key and scene filled in, and links to
 * `/demo` and `/healthz`. Every interpolated value is escaped; it has no script.
 */
export function renderLandingMain(options: LandingPageOptions): string {
  const { projectName, publishableKey, endpoint } = options;
  const sceneId = options.sceneId ?? DEFAULT_SCENE_ID;
  const keyKnown = publishableKey !== undefined && publishableKey !== '';
  const keyLine = keyKnown
    ? `  key: ${jsString(publishableKey)},`
    : `  key: ${jsString(KEY_PLACEHOLDER)}, // the pk_… key printed when the collector first started`;
  const snippet = [
    `import { createClient } from '@vantage/sdk-core';`,
    `import { trackScene } from '@vantage/three';`,
    ``,
    `const client = createClient({`,
    `  endpoint: ${jsString(endpoint)},`,
    keyLine,
    `  sceneId: ${jsString(sceneId)},`,
    `});`,
    `// scene, camera and renderer: your three.js objects`,
    `const tracker = trackScene({ scene, camera, renderer, client });`,
    ``,
    `// when the scene goes away`,
    `tracker.stop();`,
    `client.stop();`,
  ].join('\n');

  const keyNote = keyKnown
    ? ''
    : `\n    <p class="note">This page does not know your publishable key: keys are stored hashed. Use the <code>pk_…</code> key the collector printed at its first start.</p>`;

  return `<main class="landing">
    <h1>Vantage</h1>
    <p class="project">Privacy-first spatial analytics for three.js scenes${projectName ? ` · project <strong>${escapeHtml(projectName)}</strong>` : ''}</p>
    <h2>Send your first events</h2>
    <p>This collector receives events at <code>${escapeHtml(endpoint)}</code>. Add the three.js connector to your scene:</p>
    <pre><code>${escapeHtml(snippet)}</code></pre>${keyNote}
    <p>See it working first: on a collector whose first start created the demo project, <a href="/demo">/demo</a> is a product configurator that sends its events here.</p>
    <p>The dashboard at <a href="/">/</a> needs JavaScript. <a href="/healthz">/healthz</a> shows whether this collector is up.</p>
  </main>`;
}

/**
 * Renders the landing page as a complete HTML document (the collector's `/` when the dashboard
 * app was not built): {@link renderLandingMain} with its own small stylesheet.
 */
export function renderLandingPage(options: LandingPageOptions): string {
  const { projectName } = options;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  ${ICON_LINK}
  <title>${projectName ? `Vantage — ${escapeHtml(projectName)}` : 'Vantage'}</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #1d2330; }
    h1 { margin-bottom: 0.25rem; }
    .project { color: #5a6478; margin-top: 0; }
    pre { background: #f3f5f9; padding: 1rem; overflow-x: auto; border-radius: 6px; }
    .note { background: #fff6df; padding: 0.5rem 0.75rem; border-radius: 6px; }
  </style>
</head>
<body>
  ${renderLandingMain(options)}
</body>
</html>
`;
}

/** Options of {@link renderAppPage}. */
export interface AppPageOptions extends LandingPageOptions {
  /**
   * The other origins this page's Content-Security-Policy lets it load scene models from (the
   * signed-in operator's), named in a `<meta name="vantage-model-origins">` for the app: it
   * reloads after sign-in, or after a model URL is saved, when a model's origin is not among them.
   */
  readonly modelOrigins?: readonly string[];
}

/** The `<meta>` that names the model origins a dashboard page may load from. */
export const MODEL_ORIGINS_META = 'vantage-model-origins';

/**
 * The dashboard app's `index.html` (from its build) with the landing content rendered into its
 * root element: what a browser without JavaScript, or before the app starts, shows. The app
 * replaces it when it mounts.
 */
export function renderAppPage(indexHtml: string, options: AppPageOptions): string {
  const root = '<div id="root"></div>';
  if (!indexHtml.includes(root)) throw new Error('Vantage: the dashboard index.html has no empty <div id="root"></div>');
  if (!indexHtml.includes('</head>')) throw new Error('Vantage: the dashboard index.html has no </head>');
  const meta = `<meta name="${MODEL_ORIGINS_META}" content="${escapeHtml((options.modelOrigins ?? []).join(' '))}">`;
  return indexHtml
    .replace('</head>', () => `  ${meta}\n  ${ICON_LINK}\n</head>`)
    .replace(root, () => `<div id="root">${renderLandingMain(options)}</div>`);
}

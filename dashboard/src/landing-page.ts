/**
 * The page the collector serves at `/` until the real dashboard exists: what this server is,
 * and how to send a first event from a three.js scene.
 */
import { escapeHtml, jsString } from './escape.js';

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
 * Renders the landing page as a complete HTML document: product name, project, a "send your
 * first events" snippet for `@vantage/three` with the endpoint, key and scene filled in, and a
 * link to `/healthz`. Every interpolated value is escaped; the page has no script.
 */
export function renderLandingPage(options: LandingPageOptions): string {
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

  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
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
  <main>
    <h1>Vantage</h1>
    <p class="project">Privacy-first spatial analytics for three.js scenes${projectName ? ` · project <strong>${escapeHtml(projectName)}</strong>` : ''}</p>
    <h2>Send your first events</h2>
    <p>This collector receives events at <code>${escapeHtml(endpoint)}</code>. Add the three.js connector to your scene:</p>
    <pre><code>${escapeHtml(snippet)}</code></pre>${keyNote}
    <p>See it working first: on a collector whose first start created the demo project, <a href="/demo">/demo</a> is a product configurator that sends its events here.</p>
    <p>The dashboard is on its way. Meanwhile: <a href="/healthz">/healthz</a> shows whether this collector is up.</p>
  </main>
</body>
</html>
`;
}

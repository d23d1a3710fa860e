/**
 * What a project without data shows: the snippet to drop into a three.js scene (the landing
 * page's content), with this collector as the endpoint. Keys are stored hashed, so the snippet
 * carries a placeholder for the publishable key: Settings creates one.
 */
import type { ReactElement } from 'react';

/** The empty state, for `scene` (default `my-scene`). */
export function EmptyState({ scene = 'my-scene' }: { scene?: string }): ReactElement {
  const snippet = [
    `import { createClient } from '@vantage/sdk-core';`,
    `import { trackScene } from '@vantage/three';`,
    ``,
    `const client = createClient({`,
    `  endpoint: ${JSON.stringify(location.origin)},`,
    `  key: 'pk_…', // a publishable key: Settings → Keys → Create`,
    `  sceneId: ${JSON.stringify(scene)},`,
    `});`,
    `// scene, camera and renderer: your three.js objects`,
    `const tracker = trackScene({ scene, camera, renderer, client });`,
    ``,
    `// when the scene goes away`,
    `tracker.stop();`,
    `client.stop();`,
  ].join('\n');
  return (
    <section className="card empty">
      <h2>No events yet: send your first ones</h2>
      <p>
        This collector receives events at <code>{location.origin}</code>. Add the three.js connector to your scene:
      </p>
      <pre>
        <code>{snippet}</code>
      </pre>
      <p>
        See it working first: on a collector whose first start created the demo project, <a href="/demo">/demo</a> is a product configurator that sends its
        events here.
      </p>
    </section>
  );
}

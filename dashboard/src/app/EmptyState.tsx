/**
 * What a project without data shows: the snippet to drop into a three.js scene (the landing
 * page's content), with this collector as the endpoint. Keys are stored hashed, so no existing
 * key can be shown: an admin creates a publishable key here and the snippet then carries it
 * (shown once, like every new key); otherwise it carries a placeholder.
 */
import { useState, type ReactElement } from 'react';
import { send } from './api.js';

/** The empty state of the page `title`, for `scene` (default `my-scene`); `canCreateKey` for admins. */
export function EmptyState({ title, scene = 'my-scene', canCreateKey = false }: { title: string; scene?: string; canCreateKey?: boolean }): ReactElement {
  const [token, setToken] = useState<string | null>(null);
  const [problem, setProblem] = useState('');
  async function createKey() {
    try {
      const answer = await send<{ token: string }>('POST', '/api/v1/keys', { kind: 'pk', label: `first scene (${scene})` });
      if (answer) setToken(answer.token);
      setProblem('');
    } catch (e) {
      setProblem(`No key was created: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const snippet = [
    `import { createClient } from '@vantage/sdk-core';`,
    `import { trackScene } from '@vantage/three';`,
    ``,
    `const client = createClient({`,
    `  endpoint: ${JSON.stringify(location.origin)},`,
    token ? `  key: ${JSON.stringify(token)},` : `  key: 'pk_…', // a publishable key: Settings → Keys → Create`,
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
    <>
    <h1>{title}</h1>
    <section className="card empty">
      <h2>No events yet: send your first ones</h2>
      <p>
        This collector receives events at <code>{location.origin}</code>. Add the three.js connector to your scene:
      </p>
      <pre>
        <code data-testid="first-snippet">{snippet}</code>
      </pre>
      {token ? (
        <p role="status">A publishable key for this snippet was created. It is shown this once; Settings → Keys lists and revokes it.</p>
      ) : canCreateKey ? (
        <p>
          <button type="button" onClick={createKey}>
            Create a publishable key for this snippet
          </button>
        </p>
      ) : null}
      {problem ? <p role="alert">{problem}</p> : null}
      <p>
        See it working first: on a collector whose first start created the demo project, <a href="/demo">/demo</a> is a product configurator that sends its
        events here.
      </p>
    </section>
    </>
  );
}

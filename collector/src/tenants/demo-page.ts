/**
 * The demo page's key. Keys are stored hashed and printed once, so a page served later could
 * not know the demo project's publishable key; the start that creates the demo project keeps
 * that one key in clear in `demo_pages`, in the same transaction.
 *
 * Why that is safe: a publishable (`pk_`) key is public by design. It rides in the HTML of every
 * page that sends events, and it may only send events, register a scene proxy and read capture
 * config. A secret key is never kept in clear: this module only writes `pk_` tokens and the
 * table's check refuses anything else. Revoking the key (`vantage keys revoke`) still works:
 * the page asks the key resolver, and a revoked key is not served.
 */
import { DEMO_SCENE_ID } from '@vantage/demo';
import type { SqlStatement, Store } from '../storage/types.js';
import { auditStatement, type Actor } from './audit.js';
import type { KeyResolver } from './key-resolver.js';
import type { CreatedKey } from './projects.js';
import { sceneUpdateStatements } from './scenes.js';

/** Where the collector serves the demo's static files (`GET /demo/assets/:file`). */
export const DEMO_ASSET_BASE = '/demo/assets';
/** The sofa's file name under {@link DEMO_ASSET_BASE}. */
export const DEMO_MODEL_FILE = 'GlamVelvetSofa.glb';
/**
 * The demo scene's model, as a path on this collector: the page loads it, and the demo scene is
 * registered with it, so the dashboard's heatmap and replay draw the real sofa, not only boxes.
 */
export const DEMO_MODEL_URL = `${DEMO_ASSET_BASE}/${DEMO_MODEL_FILE}`;

/** The demo page's project and the publishable key it embeds. */
export interface DemoPage {
  projectId: string;
  /** `undefined` when the key was revoked since: the page says so and sends nothing. */
  publishableKey: string | undefined;
}

/**
 * The statements that keep `pk` as the demo page's key (audited as `demo_page.create`) and
 * register the demo scene with its model (audited as `scene.update`); run them with the
 * project's creation.
 */
export function demoPageStatements(projectId: string, pk: CreatedKey, actor: Actor): SqlStatement[] {
  if (pk.kind !== 'pk') throw new Error('Vantage: only a publishable key may be kept in clear');
  return [
    { sql: 'INSERT INTO demo_pages (project_id, publishable_key) VALUES ($1, $2)', params: [projectId, pk.token] },
    auditStatement(projectId, actor, 'demo_page.create', pk.id, { kind: 'pk' }),
    ...sceneUpdateStatements(projectId, DEMO_SCENE_ID, { modelUrl: DEMO_MODEL_URL }, actor),
  ];
}

/** Whether this store has a demo page (the first start on it created the demo project). */
export async function hasDemoPage(store: Store): Promise<boolean> {
  return (await store.query('SELECT 1 FROM demo_pages LIMIT 1')).length > 0;
}

/**
 * The demo page, or null when the store has none. Its key is given only while it is live: the
 * resolver answers null for a revoked key (within its cache lifetime, 30 s).
 */
export async function getDemoPage(store: Store, keys: KeyResolver): Promise<DemoPage | null> {
  const rows = await store.query<{ project_id: string; publishable_key: string }>(
    'SELECT project_id, publishable_key FROM demo_pages ORDER BY created_at, project_id LIMIT 1',
  );
  const row = rows[0];
  if (!row) return null;
  const key = await keys.resolve(row.publishable_key);
  const live = key !== null && key.kind === 'pk' && key.projectId === row.project_id;
  return { projectId: row.project_id, publishableKey: live ? row.publishable_key : undefined };
}

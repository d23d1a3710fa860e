/**
 * The demo page's key on both stores: created with the demo project in one transaction, only a
 * publishable key is ever kept in clear, a revoked key is not handed out, and deleting a
 * project removes its demo page and scene proxies.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { ensureDemoProject } from '../server.js';
import { DRIVERS, useTestStore } from '../testing/harness.js';
import { DEMO_SCENE_ID } from '@vantage/demo';
import { DEMO_MODEL_URL, demoPageStatements, getDemoPage, hasDemoPage } from './demo-page.js';
import { createKeyResolver } from './key-resolver.js';
import { createProject, revokeKey } from './projects.js';
import { listScenes } from './scenes.js';

const config = loadConfig({ VANTAGE_DATA_DIR: '/tmp', PORT: '7399' });

describe.each(DRIVERS)('the demo page on the %s store', (driver) => {
  describe('on an empty store', () => {
    const db = useTestStore(driver);

    it('keeps the demo project publishable key with the project, audited, once', async () => {
      expect(await hasDemoPage(db.store)).toBe(false);
      const demo = await ensureDemoProject(config, db.store);
      if (!demo) throw new Error('no demo project on an empty store');
      const pk = demo.keys.find((k) => k.kind === 'pk');
      expect(await db.store.query('SELECT project_id, publishable_key FROM demo_pages')).toEqual([{ project_id: demo.project.id, publishable_key: pk?.token }]);
      const audit = await db.store.query("SELECT actor, target FROM audit_log WHERE project_id = $1 AND action = 'demo_page.create'", [demo.project.id]);
      expect(audit).toEqual([{ actor: 'system', target: pk?.id }]);
      expect(demo.project.allowedOrigins).toEqual(['http://127.0.0.1:7399', 'http://localhost:7399']);
      // The demo scene is registered with the sofa the page loads, so heatmap and replay draw it.
      expect((await listScenes(db.store, demo.project.id)).map(({ scene, modelUrl }) => ({ scene, modelUrl }))).toEqual([{ scene: DEMO_SCENE_ID, modelUrl: DEMO_MODEL_URL }]);
      expect(DEMO_MODEL_URL).toBe('/demo/assets/GlamVelvetSofa.glb');
      const sceneAudit = await db.store.query("SELECT actor, target, detail FROM audit_log WHERE project_id = $1 AND action = 'scene.update'", [demo.project.id]);
      expect(sceneAudit).toEqual([{ actor: 'system', target: DEMO_SCENE_ID, detail: { modelUrl: DEMO_MODEL_URL } }]);

      expect(await ensureDemoProject(config, db.store)).toBeNull();
      expect(await db.store.query('SELECT 1 FROM demo_pages')).toHaveLength(1);
      expect(await hasDemoPage(db.store)).toBe(true);

      const keys = createKeyResolver(db.store, { ttlMs: 0, negativeTtlMs: 0 });
      try {
        expect(await getDemoPage(db.store, keys)).toEqual({ projectId: demo.project.id, publishableKey: pk?.token });
        expect(await revokeKey(db.store, demo.project.id, pk?.id ?? '', 'cli')).toBe(true);
        expect(await getDemoPage(db.store, keys)).toEqual({ projectId: demo.project.id, publishableKey: undefined });
      } finally {
        await keys.stop();
      }
    });

    it('never keeps a secret key in clear: the code and the database refuse it', async () => {
      const { project, keys } = await createProject(db.store, { name: 'other', privacyMode: 'standard', retentionDays: 90 }, 'test');
      const sk = keys.find((k) => k.kind === 'sk');
      if (!sk) throw new Error('no sk');
      expect(() => demoPageStatements(project.id, sk, 'test')).toThrow(/only a publishable key/);
      await expect(db.store.query('INSERT INTO demo_pages (project_id, publishable_key) VALUES ($1, $2)', [project.id, sk.token])).rejects.toThrow(/demo_pages_publishable_key_check/);
      expect(await db.store.query('SELECT 1 FROM demo_pages WHERE project_id = $1', [project.id])).toEqual([]);
    });

    it("deleting a project removes its demo page and scene proxies (they hold no personal data, nothing else does)", async () => {
      const { project, keys } = await createProject(db.store, { name: 'gone', privacyMode: 'standard', retentionDays: 90 }, 'test', (id, k) => demoPageStatements(id, k.pk, 'test'));
      expect(keys).toHaveLength(2);
      await db.store.query("INSERT INTO scene_proxies (project_id, scene_id, hash, meshes, mesh_count) VALUES ($1, 'sofa', 'aa', '[]'::jsonb, 0)", [project.id]);
      await db.store.query('DELETE FROM projects WHERE id = $1', [project.id]);
      expect(await db.store.query('SELECT 1 FROM demo_pages WHERE project_id = $1', [project.id])).toEqual([]);
      expect(await db.store.query('SELECT 1 FROM scene_proxies WHERE project_id = $1', [project.id])).toEqual([]);
    });
  });

  describe('on a store that had projects before', () => {
    const db = useTestStore(driver);

    it('creates no demo project and has no demo page', async () => {
      await createProject(db.store, { name: 'existing', privacyMode: 'standard', retentionDays: 90 }, 'test');
      expect(await ensureDemoProject(config, db.store)).toBeNull();
      expect(await hasDemoPage(db.store)).toBe(false);
      const keys = createKeyResolver(db.store);
      try {
        expect(await getDemoPage(db.store, keys)).toBeNull();
      } finally {
        await keys.stop();
      }
    });
  });
});

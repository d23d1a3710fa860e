import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Store } from '../../storage/types.js';
import { DRIVERS, openTestStore, startTestCollector, type TestCollector } from '../../testing/harness.js';

async function put(c: TestCollector, sceneId: string, body: unknown, key: string): Promise<number> {
  const response = await fetch(`${c.url}/api/v1/scenes/${sceneId}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

describe.each(DRIVERS)('PUT /api/v1/scenes/:sceneId audit on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let c: TestCollector;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
    c = await startTestCollector(store);
  });

  afterAll(async () => {
    await c?.close();
    await cleanup?.();
  });

  it('audits each capture-flag change with the key, the scene and what was asked; refused changes write nothing', async () => {
    expect(await put(c, 'audit-scene', { capture: { gaze: true } }, c.pk)).toBe(403);
    expect(await put(c, 'audit-scene', { capture: { camera: false } }, c.sk)).toBe(400);
    expect(await put(c, 'audit-scene', { capture: { gaze: true, hover_dwell: true } }, c.sk)).toBe(200);
    expect(await put(c, 'audit-scene', { capture: { hover_dwell: false }, sampling: { camera: 0.5 } }, c.sk)).toBe(200);
    const rows = await store.query<{ actor: string; target: string; detail: Record<string, unknown> }>(
      "SELECT actor, target, detail FROM audit_log WHERE project_id = $1 AND action = 'scene.update' ORDER BY at, id",
      [c.project.id],
    );
    const actor = `key:${c.keys.find((k) => k.kind === 'sk')?.id}`;
    expect(rows).toEqual([
      { actor, target: 'audit-scene', detail: { capture: { gaze: true, hover_dwell: true } } },
      { actor, target: 'audit-scene', detail: { capture: { hover_dwell: false }, sampling: { camera: 0.5 } } },
    ]);
    const [scene] = await store.query<{ capture: Record<string, boolean> }>('SELECT capture FROM scenes WHERE project_id = $1 AND id = $2', [c.project.id, 'audit-scene']);
    expect(scene?.capture).toEqual({ gaze: true, hover_dwell: false });
  });

  it('stores bounds only as a box in scene space, refuses unknown fields and ignores a project id', async () => {
    const box = { min: [-1, 0, -0.5], max: [1, 0.9, 0.5] };
    for (const bounds of [[1, 2, 3], { min: [0, 0, 0] }, { min: [1, 0, 0], max: [0, 1, 1] }, { min: [0, 0, Number.MAX_VALUE], max: [1, 1, 1] }, { min: [0, 0, 0], max: [1, 1, 1], extra: 1 }]) {
      expect(await put(c, 'bounded', { bounds }, c.sk), JSON.stringify(bounds)).toBe(400);
    }
    expect(await put(c, 'bounded', { colour: 'red' }, c.sk)).toBe(400);
    expect(await put(c, 'bounded', { bounds: box, project_id: '5b0e7c1e-0000-4000-8000-000000000000' }, c.sk)).toBe(200);
    const [scene] = await store.query<{ bounds: unknown }>('SELECT bounds FROM scenes WHERE project_id = $1 AND id = $2', [c.project.id, 'bounded']);
    expect(scene?.bounds).toEqual(box);
    expect(await put(c, 'bounded', { bounds: null }, c.sk)).toBe(200);
    const [cleared] = await store.query<{ bounds: unknown }>('SELECT bounds FROM scenes WHERE project_id = $1 AND id = $2', [c.project.id, 'bounded']);
    expect(cleared?.bounds).toBeNull();
  });
  it('lists configured scenes and those with a proxy, with defaults for the unconfigured', async () => {
    expect(await put(c, 'listed-room', { capture: { gaze: true }, voxelSizeMm: 80 }, c.sk)).toBe(200);
    const proxy = await fetch(`${c.url}/api/v1/scenes/proxy-only/proxy`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${c.pk}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ hash: 'abc', meshes: [{ id: 'm', box: [0, 0, 0, 1000, 2000, 500] }] }),
    });
    expect(proxy.status).toBe(200);
    const res = await fetch(`${c.url}/api/v1/scenes`, { headers: { Authorization: `Bearer ${c.sk}` } });
    const { scenes } = (await res.json()) as { scenes: Array<Record<string, unknown> & { capture: Record<string, boolean> }> };
    const listed = scenes.find((s) => s.scene === 'listed-room');
    expect(listed).toMatchObject({ configured: true, voxelSizeMm: 80, heatmapVoxelMm: 80, proxyMeshes: null });
    expect(listed?.capture.gaze).toBe(true);
    const proxied = scenes.find((s) => s.scene === 'proxy-only');
    expect(proxied).toMatchObject({ configured: false, proxyMeshes: 1, heatmapVoxelMm: 100, modelUrl: null });
    expect(proxied?.capture.gaze).toBe(false);
    expect(proxied?.capture.camera).toBe(true);
    expect((await fetch(`${c.url}/api/v1/scenes`, { headers: { Authorization: `Bearer ${c.pk}` } })).status).toBe(403);
  });

});

/**
 * The scene's proxy for the collector: one world-space box per mesh id (the union of the boxes
 * of meshes sharing it), in integer millimetres, so replay and heatmaps can draw the scene
 * without the app's assets. At most {@link MAX_PROXY_MESHES} ids; beyond that the largest boxes
 * are kept (they matter most to a drawing of the scene).
 */
import type { SceneProxy, SceneProxyMesh } from '@vantage/sdk-core';
import type { SceneIndex } from './scene-index.js';
import { mm } from './wire.js';

/** Most meshes a proxy holds (the collector's limit). */
export const MAX_PROXY_MESHES = 5000;

/** A proxy of the index's meshes, and how many ids did not fit. */
export function buildProxy(index: SceneIndex, max = MAX_PROXY_MESHES): { proxy: SceneProxy; truncated: number } {
  const meshes: Array<SceneProxyMesh & { volume: number }> = [];
  for (const [id, box] of index.boxes()) {
    const b: SceneProxyMesh['box'] = [mm(box.min.x), mm(box.min.y), mm(box.min.z), mm(box.max.x), mm(box.max.y), mm(box.max.z)];
    const volume = Math.max(1, b[3] - b[0]) * Math.max(1, b[4] - b[1]) * Math.max(1, b[5] - b[2]);
    meshes.push({ id, box: b, volume });
  }
  let truncated = 0;
  if (meshes.length > max) {
    meshes.sort((a, b) => b.volume - a.volume);
    truncated = meshes.length - max;
    meshes.length = max;
  }
  meshes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { proxy: { meshes: meshes.map(({ id, box }) => ({ id, box })) }, truncated };
}

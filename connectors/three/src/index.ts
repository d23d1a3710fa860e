/**
 * `@vantage/three` — the three.js connector. For now: stable mesh ids (explicit tags, names,
 * scene-graph paths). `trackScene(...)` arrives with the connector issue.
 */
export {
  MESH_ID_KEY,
  tagObject,
  meshIdOf,
  invalidateMeshIds,
  isValidMeshId,
  assertMeshId,
} from './mesh-id.js';

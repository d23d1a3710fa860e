/**
 * `@vantage/three` — the three.js connector: `trackScene(...)` follows a scene and sends what
 * people do in it through an `@vantage/sdk-core` client; stable mesh ids come from explicit tags
 * (`tagObject`), names, or scene-graph paths.
 */
export { trackScene, type TrackSceneOptions, type TrackSceneTuning, type SceneTracker } from './track-scene.js';
export { gpuClassOf, type GpuClass } from './gpu-class.js';
export { THREE_CONNECTOR_VERSION } from './version.js';
export {
  MESH_ID_KEY,
  tagObject,
  meshIdOf,
  invalidateMeshIds,
  isValidMeshId,
  assertMeshId,
} from './mesh-id.js';

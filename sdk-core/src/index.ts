/**
 * `@vantage/sdk-core` — the framework-free browser runtime: `createClient(...)` (session, consent,
 * queue, transport, remote capture flags), and the wire's units for connectors. The wire schema
 * lives in the `@vantage/sdk-core/schema` subpath (with TypeBox, for servers). Nothing here
 * imports Node or TypeBox.
 */
export {
  createClient,
  CLIENT_DEFAULTS,
  VantageError,
  isOptOutSignalled,
  BEACON_LIMIT_BYTES,
  MAX_PROPS_BYTES,
  SDK_VERSION,
  type VantageErrorCode,
  type RemoteConfig,
  type ClientOptions,
  type VantageClient,
  type ClientStats,
  type BeforeSend,
  type EventFields,
  type TrackableType,
  type AutomaticEventType,
  type CustomProps,
  type Identity,
  type SessionInfo,
  type SceneProxy,
  type SceneProxyMesh,
  hashSceneProxy,
} from './client/index.js';
// The client's own encoder (msgpackr's bytes on every wire batch, without msgpackr in the page).
export { encodeBatchBytes, MSGPACK_CONTENT_TYPE } from './client/wire-bytes.js';
// The wire's units and limits, for connectors (no TypeBox; the schema subpath exports them too).
export {
  toMm,
  toQuat,
  toNdc,
  MAX_COORD_MM,
  MAX_MESH_ID_LENGTH,
  MAX_MESH_IDS,
  NDC_SCALE,
  QUAT_SCALE,
  MAX_DURATION_MS,
} from './schema/scalars.js';

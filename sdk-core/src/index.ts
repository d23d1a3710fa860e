/**
 * `@vantage/sdk-core` — the framework-free browser runtime: `createClient(...)` (session, consent,
 * queue, transport, remote capture flags). The wire schema lives in the `@vantage/sdk-core/schema`
 * subpath. Nothing here imports Node.
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
} from './client/index.js';
// The client's own encoder (msgpackr's bytes on every wire batch, without msgpackr in the page).
export { encodeBatchBytes, MSGPACK_CONTENT_TYPE } from './client/wire-bytes.js';

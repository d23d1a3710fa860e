/**
 * The browser client: `createClient(...)` and its types. See `client.ts` for how sessions,
 * consent, the queue, delivery and remote capture flags behave.
 */
export { createClient, CLIENT_DEFAULTS } from './client.js';
export { VantageError, type VantageErrorCode } from './errors.js';
export { isOptOutSignalled } from './consent.js';
export { BEACON_LIMIT_BYTES } from './batch.js';
export { MAX_PROPS_BYTES } from './custom-props.js';
export { SDK_VERSION } from './version.js';
export type { RemoteConfig } from './remote-config.js';
export { hashSceneProxy, type SceneProxy, type SceneProxyMesh } from './scene-proxy.js';
export type {
  ClientOptions,
  VantageClient,
  ClientStats,
  BeforeSend,
  EventFields,
  TrackableType,
  AutomaticEventType,
  CustomProps,
  Identity,
  SessionInfo,
} from './types.js';

/**
 * `@vantage/collector` — the Koa collector. The HTTP app is built by `createApp(deps)`,
 * separately from listening; `startCollector` wires a whole collector.
 */
export { createApp, type AppDeps } from './http/app.js';
export { HttpError, type ErrorCode } from './http/errors.js';
export { loadConfig, ConfigError, normaliseOrigin, type Config, type PrivacyMode, type TrustProxy } from './config.js';
export { startCollector, createDeps, ensureDemoProject, type RunningCollector, type StartOptions } from './server.js';
export { createWriteBuffer, type WriteBuffer, type WriteResult, type WriteBufferOptions, type WriteBufferStats } from './ingest/write-buffer.js';
export { createKeyResolver, type KeyResolver, type ResolvedKey } from './tenants/key-resolver.js';
export { createProject, createKey, listKeys, listProjects, revokeKey, getProject, type Project, type KeyInfo, type CreatedKey } from './tenants/projects.js';
export {
  updateProject, parseProjectPatch, projectSettings, ProjectSettingsError, SETTING_NAMES,
  type ProjectPatch, type ProjectSettings, type SettingChanges, type SettingName,
} from './tenants/update-project.js';
export {
  parseSceneProxy, putSceneProxy, getSceneProxy, SceneProxyError, MAX_PROXY_MESHES, MAX_PROXY_BYTES,
  type SceneProxyInput, type SceneProxyMesh, type StoredSceneProxy,
} from './tenants/scene-proxy.js';
export { getDemoPage, hasDemoPage, type DemoPage } from './tenants/demo-page.js';
export { forgetSubject, ERASED_TABLES, type ErasureCounts } from './erasure/forget.js';
export { parseSubject, subjectHash, SUBJECT_KINDS, type Subject, type SubjectKind } from './erasure/subject.js';
export { createToken, parseToken, hashToken, type KeyKind } from './tenants/tokens.js';
export { createLogger, type Logger } from './log.js';
export { runRetention, startRetentionJob, type RetentionOptions, type RetentionReport, type RetentionJob, type RetentionJobOptions } from './retention/index.js';
export { COLLECTOR_NODE_FLAGS } from './node-flags.js';

/**
 * The collector's storage: one drizzle schema and migration history on embedded PGlite or on
 * PostgreSQL. Open it with {@link openStore}; everything else codes against {@link Store}.
 */
export { openStore } from './open-store.js';
export type { Row, SqlStatement, Store, StoreKind, StoreOptions } from './types.js';
export { StoreError, storeErrorOf, type StoreErrorFields } from './errors.js';
export * as schema from './schema.js';
export { NIL_PROJECT_ID, apiKeys, auditLog, demoPages, dlq, eventCountsHourly, ingestBatches, projects, sceneProxies, scenes } from './schema.js';

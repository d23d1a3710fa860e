/**
 * The one drizzle schema of the collector. Migrations are generated from it
 * (`npx drizzle-kit generate --config collector/drizzle.config.ts`).
 *
 * Every table carries `project_id`, and every primary key and unique constraint includes it, so
 * the schema can later be distributed by project (Citus). SQL names are snake_case, TypeScript
 * names camelCase. The only foreign key is `api_keys.project_id → projects.id`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * `project_id` of DLQ rows whose project is unknown (the body could not be decoded, or its key
 * was invalid): the all-zero uuid.
 */
export const NIL_PROJECT_ID = '00000000-0000-0000-0000-000000000000';

/** `bytea`; both drivers return a Node `Buffer` (a `Uint8Array`), any `Uint8Array` is accepted. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/** `timestamptz` read and written as a JS `Date`. */
const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A project (tenant). Here `id` is the project id. */
export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** `standard`, `strict` or `paranoid`: what the collector keeps about a visitor. */
    privacyMode: text('privacy_mode').notNull().default('standard'),
    /** Days raw and per-session data are kept; aggregates outlive it. 1–3650. */
    retentionDays: integer('retention_days').notNull().default(90),
    /** Visitor-hash salt lifetime in hours, 1–8760; null means the global `HASH_ROTATION_HOURS`. */
    hashRotationHours: integer('hash_rotation_hours'),
    /** Browser origins allowed to send with this project's keys (besides the global list). */
    allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [
    check('projects_privacy_mode_check', sql`${t.privacyMode} in ('standard', 'strict', 'paranoid')`),
    check('projects_retention_days_check', sql`${t.retentionDays} between 1 and 3650`),
    check('projects_hash_rotation_hours_check', sql`${t.hashRotationHours} between 1 and 8760`),
  ],
);

/** API keys, stored hashed: `pk` (publishable, browsers) or `sk` (secret, servers). */
export const apiKeys = pgTable(
  'api_keys',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    kind: text('kind').notNull(),
    /** sha256 of the whole token, lowercase hex. */
    tokenHash: text('token_hash').notNull(),
    /** The first characters of the token, for display only. */
    prefix: text('prefix').notNull(),
    label: text('label').notNull().default(''),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    revokedAt: timestamptz('revoked_at'),
    lastUsedAt: timestamptz('last_used_at'),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    unique('api_keys_project_id_token_hash_unique').on(t.projectId, t.tokenHash),
    check('api_keys_kind_check', sql`${t.kind} in ('pk', 'sk')`),
  ],
);

/** Per-scene settings an operator controls: capture channels, sampling, model, bounds. */
export const scenes = pgTable(
  'scenes',
  {
    projectId: uuid('project_id').notNull(),
    id: text('id').notNull(),
    capture: jsonb('capture').notNull().default({}),
    sampling: jsonb('sampling').notNull().default({}),
    modelUrl: text('model_url'),
    bounds: jsonb('bounds'),
    voxelSizeMm: integer('voxel_size_mm'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] })],
);

/** The dedup ledger: one row per accepted batch, so a retried batch is never counted twice. */
export const ingestBatches = pgTable(
  'ingest_batches',
  {
    projectId: uuid('project_id').notNull(),
    sessionId: text('session_id').notNull(),
    seq: integer('seq').notNull(),
    sceneId: text('scene_id').notNull(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    /** Events accepted from the batch. */
    events: integer('events').notNull(),
    /** Events dropped from the batch (any reason). */
    dropped: integer('dropped').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.sessionId, t.seq] }),
    index('ingest_batches_project_id_received_at_idx').on(t.projectId, t.receivedAt),
  ],
);

/** Events per project, scene, hour (UTC, truncated) and event type. */
export const eventCountsHourly = pgTable(
  'event_counts_hourly',
  {
    projectId: uuid('project_id').notNull(),
    sceneId: text('scene_id').notNull(),
    hour: timestamptz('hour').notNull(),
    type: text('type').notNull(),
    events: bigint('events', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.sceneId, t.hour, t.type] })],
);

/** Dead letters: rejected events or bodies with their raw payload, replayable once fixed. */
export const dlq = pgTable(
  'dlq',
  {
    /** {@link NIL_PROJECT_ID} when the project is unknown. */
    projectId: uuid('project_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    reason: text('reason').notNull(),
    detail: text('detail').notNull().default(''),
    contentType: text('content_type').notNull(),
    sessionId: text('session_id'),
    seq: integer('seq'),
    /** Index of the event in its batch; null when the whole body was rejected. */
    eventIndex: integer('event_index'),
    envelope: jsonb('envelope'),
    payload: bytea('payload').notNull(),
    replayedAt: timestamptz('replayed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    index('dlq_project_id_received_at_idx').on(t.projectId, t.receivedAt),
  ],
);

/**
 * The audit trail. Append-only, enforced by the database: a trigger (migration
 * `0001_audit_log_append_only`) refuses UPDATE, DELETE and TRUNCATE with
 * `audit_log is append-only`.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    projectId: uuid('project_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    at: timestamptz('at').notNull().defaultNow(),
    /** Who acted: a key id, `system`, `cli`… */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target').notNull().default(''),
    detail: jsonb('detail').notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    index('audit_log_project_id_at_idx').on(t.projectId, t.at),
  ],
);

/**
 * Random salts of the privacy module (`collector/src/privacy/salts.ts`), one per project, kind
 * and rotation period. `visitor` salts key the visitor hash; a period lasts the project's
 * `hash_rotation_hours` (or `HASH_ROTATION_HOURS`), and a salt is kept through the following
 * period too, so a visit that spans a rotation is not split. `ip` salts key `ip_hash`; a period
 * is one UTC day and the salt is kept for that day only. A salt is deleted once `expires_at` has
 * passed, so hashes of earlier periods cannot be recomputed. `period_hours` is part of the key,
 * so a changed rotation setting starts new periods rather than reusing a salt past its lifetime.
 */
export const visitorSalts = pgTable(
  'visitor_salts',
  {
    projectId: uuid('project_id').notNull(),
    /** `visitor` (visitor hash) or `ip` (`ip_hash`, daily). */
    kind: text('kind').notNull(),
    /** Length of the rotation period in hours (1–8760). */
    periodHours: integer('period_hours').notNull(),
    /** Start of the period: a multiple of `period_hours` since the Unix epoch (UTC). */
    periodStart: timestamptz('period_start').notNull(),
    /** When the salt is deleted: the end of its period, plus one period for `visitor` salts. */
    expiresAt: timestamptz('expires_at').notNull(),
    /** 32 random bytes. */
    salt: bytea('salt').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.kind, t.periodHours, t.periodStart] }),
    check('visitor_salts_kind_check', sql`${t.kind} in ('visitor', 'ip')`),
    check('visitor_salts_period_hours_check', sql`${t.periodHours} between 1 and 8760`),
    check('visitor_salts_salt_length_check', sql`octet_length(${t.salt}) = 32`),
  ],
);

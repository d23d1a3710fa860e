/**
 * The one drizzle schema of the collector. Migrations are generated from it
 * (`npx drizzle-kit generate --config collector/drizzle.config.ts`).
 *
 * Every table carries `project_id`, and every primary key and unique constraint includes it, so
 * the schema can later be distributed by project (Citus). SQL names are snake_case, TypeScript
 * names camelCase. Foreign keys (`project_id → projects.id`, `ON DELETE CASCADE`) are on the
 * tables that belong to a project's configuration: `api_keys`, `scene_proxies`, `demo_pages`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  doublePrecision,
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
import { dailyVisitorRollup, visitorHashRollup } from '../aggregates/activity.js';
import { customRollup } from '../aggregates/custom-events.js';
import { errorRollup, errorSessionsRollup } from '../aggregates/errors.js';
import { voxelRollup } from '../aggregates/heatmaps.js';
import { histogramRollup } from '../aggregates/histograms.js';
import { meshAttentionRollup } from '../aggregates/mesh-attention.js';
import { perfTotalsRollup } from '../aggregates/performance.js';
import { trafficSourceRollup } from '../aggregates/traffic-source.js';
import { viewDirectionRollup } from '../aggregates/view-directions.js';

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
    /** Events accepted per calendar month (UTC) before collect answers `429`; null: no quota. */
    monthlyEventQuota: bigint('monthly_event_quota', { mode: 'number' }),
    /**
     * Per-project rate-limit overrides, `{ "<route>": { "perSecond": n, "burst": n } }`; routes
     * without an entry use the collector's defaults (see `collector/src/limits`).
     */
    rateLimits: jsonb('rate_limits').notNull().default({}),
  },
  (t) => [
    check('projects_privacy_mode_check', sql`${t.privacyMode} in ('standard', 'strict', 'paranoid')`),
    check('projects_retention_days_check', sql`${t.retentionDays} between 1 and 3650`),
    check('projects_hash_rotation_hours_check', sql`${t.hashRotationHours} between 1 and 8760`),
    check('projects_monthly_event_quota_check', sql`${t.monthlyEventQuota} >= 0`),
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

/**
 * One row per session: the session's context minimised for the project's privacy mode (see
 * `collector/src/privacy/modes.ts`), its visitor hash and the ids the app supplied. Written by
 * the flush that makes the session's first batch durable and updated by every later batch. This
 * is per-session data: `retention_days` applies (by `last_seen_at`) and erasure removes it.
 *
 * Columns a mode does not keep stay null: `strict` leaves `country` null; `paranoid` leaves every
 * context column, `ip_hash`, `anonymous_id` and `user_id` null.
 */
export const sessions = pgTable(
  'sessions',
  {
    projectId: uuid('project_id').notNull(),
    id: text('id').notNull(),
    sceneId: text('scene_id').notNull(),
    /** The privacy mode the row was written under. */
    privacyMode: text('privacy_mode').notNull(),
    /** First and latest batch receipt. */
    startedAt: timestamptz('started_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull(),
    /** HMAC-SHA256 of (project, IP, user agent) under the rotating salt: 64 hex characters. */
    visitorHash: text('visitor_hash').notNull(),
    /** HMAC of the IP under the day's salt, 32 hex characters; null in `paranoid`. */
    ipHash: text('ip_hash'),
    /** Origin + path + `utm_*` of the page. */
    url: text('url'),
    referrerOrigin: text('referrer_origin'),
    gpuClass: text('gpu_class'),
    lang: text('lang'),
    browser: text('browser'),
    os: text('os'),
    deviceType: text('device_type'),
    /** ISO 3166-1 alpha-2; `standard` only. */
    country: text('country'),
    /** The latest ids the app supplied (`identify`); every pair is in `identity_links`. */
    anonymousId: text('anonymous_id'),
    userId: text('user_id'),
    /** Accepted batches and events of the session. */
    batches: integer('batches').notNull().default(0),
    events: integer('events').notNull().default(0),
    /** Earliest and latest event time of the session, epoch ms (skew-corrected). */
    firstEventMs: bigint('first_event_ms', { mode: 'number' }),
    lastEventMs: bigint('last_event_ms', { mode: 'number' }),
    /** `session_end.durationMs` when the SDK sent one, else 0; the length read is the larger of it and last − first. */
    endedDurationMs: integer('ended_duration_ms').notNull().default(0),
    /** Event counts the sessions list shows. */
    clicks: integer('clicks').notNull().default(0),
    picks: integer('picks').notNull().default(0),
    customEvents: integer('custom_events').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    /**
     * Ordered funnel steps, newline-separated: `c:<mesh>` clicked, `e:<name>` custom event,
     * `s:<scene>` scene entered; at most 8000 characters (see `aggregates/session-summary.ts`).
     */
    steps: text('steps').notNull().default(''),
    /** Traffic source (`aggregates/traffic-source.ts`) and the rules version that classified it. */
    source: text('source'),
    medium: text('medium'),
    campaign: text('campaign'),
    sourceConfidence: text('source_confidence'),
    sourceRule: text('source_rule'),
    sourceRulesVersion: integer('source_rules_version'),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    // By start, not by last-seen: every batch updates `last_seen_at`, and an indexed column
    // would make each of those updates write a new entry in every index of the table; without
    // one, PostgreSQL updates the row in place (HOT, helped by fillfactor 70 set in migration
    // 0004). Retention goes by `started_at`.
    index('sessions_project_id_started_at_idx').on(t.projectId, t.startedAt),
    index('sessions_project_id_visitor_hash_idx').on(t.projectId, t.visitorHash),
    check('sessions_privacy_mode_check', sql`${t.privacyMode} in ('standard', 'strict', 'paranoid')`),
  ],
);

/**
 * Identity links kept when the app supplies ids (`identify`): which anonymous id and user id
 * appeared in which session (an empty string where the batch had none). Erasure follows them,
 * so erasing a user also reaches the sessions before `identify` that share an anonymous id.
 */
export const identityLinks = pgTable(
  'identity_links',
  {
    projectId: uuid('project_id').notNull(),
    sessionId: text('session_id').notNull(),
    anonymousId: text('anonymous_id').notNull().default(''),
    userId: text('user_id').notNull().default(''),
    linkedAt: timestamptz('linked_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.sessionId, t.anonymousId, t.userId] }),
    index('identity_links_project_id_anonymous_id_idx').on(t.projectId, t.anonymousId),
    index('identity_links_project_id_user_id_idx').on(t.projectId, t.userId),
    index('identity_links_project_id_linked_at_idx').on(t.projectId, t.linkedAt),
  ],
);

/**
 * Events dropped per project, UTC day and reason (`bot`, `invalid_field`, …): drops are counted
 * even when nothing of them is kept. An aggregate: retention does not delete it.
 */
export const dropsDaily = pgTable(
  'drops_daily',
  {
    projectId: uuid('project_id').notNull(),
    day: timestamptz('day').notNull(),
    reason: text('reason').notNull(),
    events: bigint('events', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.day, t.reason] })],
);

/**
 * Usage per project and calendar month (UTC), for quotas: accepted events and batches. Kept 13
 * months; the retention job deletes older months.
 */
export const usageMonthly = pgTable(
  'usage_monthly',
  {
    projectId: uuid('project_id').notNull(),
    /** First instant of the month, UTC. */
    month: timestamptz('month').notNull(),
    events: bigint('events', { mode: 'number' }).notNull().default(0),
    batches: bigint('batches', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.month] })],
);

/**
 * Token buckets of the rate limiter, shared by every collector process on one database. A bucket
 * is one (project, key, route); processes take tokens in small leases with one atomic UPDATE.
 */
export const rateBuckets = pgTable(
  'rate_buckets',
  {
    projectId: uuid('project_id').notNull(),
    /** `<key id>:<route>`. */
    bucket: text('bucket').notNull(),
    tokens: doublePrecision('tokens').notNull(),
    refilledAt: timestamptz('refilled_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.bucket] })],
);

/**
 * The latest scene proxy a connector registered per scene (`PUT /api/v1/scenes/:sceneId/proxy`):
 * per-mesh world-space boxes so replay and heatmaps can draw a scene without the app's assets.
 * `hash` is the client's version tag (FNV-1a of the canonical text, computed by sdk-core), stored
 * as sent and never recomputed; `GET /api/v1/config` answers it as `proxyHash` so a client sends
 * the proxy only when it changed.
 *
 * No personal data: mesh ids and boxes describe the app's scene, not a visitor. So neither
 * retention nor erasure touches this table; deleting the project removes it (cascade).
 */
export const sceneProxies = pgTable(
  'scene_proxies',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    sceneId: text('scene_id').notNull(),
    /** 1–64 characters of `[0-9a-z]`, as the client sent it. */
    hash: text('hash').notNull(),
    /** `[{ "id": "<mesh id>", "box": [minX, minY, minZ, maxX, maxY, maxZ] }]`, integer mm. */
    meshes: jsonb('meshes').notNull(),
    /** `jsonb_array_length(meshes)`, kept so listings do not read the meshes. */
    meshCount: integer('mesh_count').notNull(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.sceneId] }),
    check('scene_proxies_mesh_count_check', sql`${t.meshCount} between 0 and 5000`),
  ],
);

/**
 * The demo project's publishable key, kept in clear so the demo page (`GET /demo`) can embed it
 * after the first start printed it. Publishable keys are public by design: they ride in the
 * HTML of every page that sends events and may only send events, register a scene proxy and
 * read capture config. A secret key is never stored in clear: the check refuses anything but a
 * `pk_` token. Written once, by the start that creates the demo project, in the same
 * transaction; a store that had projects before has no row and serves no demo.
 */
export const demoPages = pgTable(
  'demo_pages',
  {
    projectId: uuid('project_id')
      .primaryKey()
      .references(() => projects.id, { onDelete: 'cascade' }),
    publishableKey: text('publishable_key').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [check('demo_pages_publishable_key_check', sql`left(${t.publishableKey}, 3) = 'pk_'`)],
);

/**
 * Raw session streams, written only with `ENABLE_RAW_SESSION_RETENTION=true`: one chunk per
 * accepted batch, its events compressed (`collector/src/streams/chunk-codec.ts`), with the time
 * range it covers so a range of a session is read without the rest. Per-session data:
 * `retention_days` (by `received_at`) and erasure apply.
 */
export const sessionChunks = pgTable(
  'session_chunks',
  {
    projectId: uuid('project_id').notNull(),
    sessionId: text('session_id').notNull(),
    /** The batch's sequence number: chunks of a session are in sending order. */
    seq: integer('seq').notNull(),
    sceneId: text('scene_id').notNull(),
    /** Earliest and latest event time in the chunk, epoch ms (skew-corrected). */
    startMs: bigint('start_ms', { mode: 'number' }).notNull(),
    endMs: bigint('end_ms', { mode: 'number' }).notNull(),
    events: integer('events').notNull(),
    /** msgpack of the wire-encoded events, raw DEFLATE. */
    data: bytea('data').notNull(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.sessionId, t.seq] }),
    index('session_chunks_project_id_received_at_idx').on(t.projectId, t.receivedAt),
  ],
);

/**
 * Saved funnels: ordered steps (`{kind: "mesh_click", mesh}`, `{kind: "custom", name}`,
 * `{kind: "scene", scene}`), evaluated over the session summaries' steps.
 */
export const funnels = pgTable(
  'funnels',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    steps: jsonb('steps').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] })],
);

// The rollup tables of the aggregates, declared once in `collector/src/aggregates/`.
export const aggActivityVisitorHashes = visitorHashRollup.pgTable;
export const aggDailyVisitors = dailyVisitorRollup.pgTable;
export const aggHistograms = histogramRollup.pgTable;
export const aggMeshAttention = meshAttentionRollup.pgTable;
export const aggVoxels = voxelRollup.pgTable;
export const aggViewDirections = viewDirectionRollup.pgTable;
export const aggPerfTotals = perfTotalsRollup.pgTable;
export const aggErrors = errorRollup.pgTable;
export const aggErrorSessions = errorSessionsRollup.pgTable;
export const aggCustomEvents = customRollup.pgTable;
export const aggTrafficSources = trafficSourceRollup.pgTable;

/**
 * Dashboard operators (people, not keys). Not keyed by a project — an operator may belong to
 * several — so on Citus this is a reference table. Passwords are scrypt hashes
 * (`collector/src/operators/password.ts`).
 */
export const operators = pgTable(
  'operators',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Lowercased. */
    email: text('email').notNull().unique('operators_email_unique'),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    disabledAt: timestamptz('disabled_at'),
  },
);

/** Which projects an operator belongs to, with a role (`admin` or `viewer`). */
export const operatorProjects = pgTable(
  'operator_projects',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    operatorId: uuid('operator_id').notNull(),
    role: text('role').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.operatorId] }), check('operator_projects_role_check', sql`${t.role} in ('admin', 'viewer')`)],
);

/** Dashboard sessions: the SHA-256 of the cookie token, its CSRF token, lifetime and last use. A reference table on Citus. */
export const operatorSessions = pgTable('operator_sessions', {
  id: text('id').primaryKey(),
  operatorId: uuid('operator_id').notNull(),
  csrfToken: text('csrf_token').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  expiresAt: timestamptz('expires_at').notNull(),
  lastSeenAt: timestamptz('last_seen_at').notNull(),
});

/** Sign-in failures per email address (its hash), for brute-force throttling. A reference table on Citus. */
export const signInFailures = pgTable('sign_in_failures', {
  emailHash: text('email_hash').primaryKey(),
  failures: integer('failures').notNull(),
  windowStart: timestamptz('window_start').notNull(),
  lockedUntil: timestamptz('locked_until'),
});

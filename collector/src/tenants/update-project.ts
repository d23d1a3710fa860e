/**
 * A project's settings as an operator sees and changes them, shared by `GET`/`PATCH
 * /api/v1/project` and `vantage projects show|set`, so both validate alike. Each setting is
 * defined once in {@link SETTINGS}: its wire name (snake_case, the column's name), how a value
 * is checked, and how it is compared and written.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError, normaliseOrigin, type PrivacyMode } from '../config.js';
import type { Store } from '../storage/types.js';
import type { Actor } from './audit.js';
import { getProject, type Project } from './projects.js';

/** A value a setting was given that cannot be used; the message names the setting. */
export class ProjectSettingsError extends Error {
  override readonly name = 'ProjectSettingsError';
}

/** Most origins one project may list. */
export const MAX_ALLOWED_ORIGINS = 100;

const PRIVACY_MODES: readonly PrivacyMode[] = ['standard', 'strict', 'paranoid'];

function fail(message: string): never {
  throw new ProjectSettingsError(message);
}

function integerIn(name: string, value: unknown, min: number, max: number, nullable: string | null): number | null {
  if (value === null && nullable !== null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer in ${min}..${max}${nullable === null ? '' : ` or null (${nullable})`}`);
  }
  return value;
}

function origins(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_ALLOWED_ORIGINS) fail(`allowed_origins must be an array of at most ${MAX_ALLOWED_ORIGINS} origins like "https://shop.example"`);
  const out = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string') fail('allowed_origins must hold strings like "https://shop.example"');
    try {
      out.add(normaliseOrigin(item));
    } catch (error) {
      if (error instanceof ConfigError) fail(`allowed_origins: ${error.message}`);
      throw error;
    }
  }
  return [...out];
}

/** One changeable setting. */
interface Setting<T> {
  /** The `projects` column and the wire name. */
  column: string;
  /** SQL type to cast its parameter to. */
  cast: string;
  /** Check a wire value; throws {@link ProjectSettingsError}. */
  parse(value: unknown): T;
  /** The current value of a project. */
  get(project: Project): T;
}

/** Every setting an operator can change, by wire name. */
const SETTINGS = {
  privacy_mode: {
    column: 'privacy_mode',
    cast: 'text',
    parse: (v: unknown): PrivacyMode => (PRIVACY_MODES.includes(v as PrivacyMode) ? (v as PrivacyMode) : fail(`privacy_mode must be one of ${PRIVACY_MODES.join(', ')}`)),
    get: (p: Project) => p.privacyMode,
  },
  retention_days: {
    column: 'retention_days',
    cast: 'integer',
    parse: (v: unknown) => integerIn('retention_days', v, 1, 3650, null) as number,
    get: (p: Project) => p.retentionDays,
  },
  hash_rotation_hours: {
    column: 'hash_rotation_hours',
    cast: 'integer',
    parse: (v: unknown) => integerIn('hash_rotation_hours', v, 1, 8760, 'the global HASH_ROTATION_HOURS'),
    get: (p: Project) => p.hashRotationHours,
  },
  allowed_origins: {
    column: 'allowed_origins',
    cast: 'text[]',
    parse: origins,
    get: (p: Project) => p.allowedOrigins,
  },
  monthly_event_quota: {
    column: 'monthly_event_quota',
    cast: 'bigint',
    parse: (v: unknown) => integerIn('monthly_event_quota', v, 0, Number.MAX_SAFE_INTEGER, 'no quota'),
    get: (p: Project) => p.monthlyEventQuota,
  },
} satisfies Record<string, Setting<unknown>>;

/** Wire name of a changeable setting. */
export type SettingName = keyof typeof SETTINGS;

/** Names of the changeable settings, in display order. */
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** A change of some settings, values already checked. */
export type ProjectPatch = { [K in SettingName]?: ReturnType<(typeof SETTINGS)[K]['parse']> };

/** Fields ignored rather than refused in a patch: the key (or the CLI argument) decides the project. */
const IGNORED_FIELDS = new Set(['project_id']);

/**
 * Check a patch as sent (`{"retention_days": 30, …}`): a JSON object of changeable settings, at
 * least one; unknown fields are refused (except `project_id`, ignored). Origins are normalised.
 */
export function parseProjectPatch(input: unknown): ProjectPatch {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail(`send a JSON object with any of ${SETTING_NAMES.join(', ')}`);
  const patch: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input as Record<string, unknown>)) {
    if (IGNORED_FIELDS.has(field)) continue;
    if (!Object.hasOwn(SETTINGS, field)) fail(`"${field.slice(0, 40)}" is not a setting that can be changed; these can: ${SETTING_NAMES.join(', ')}`);
    patch[field] = SETTINGS[field as SettingName].parse(value);
  }
  if (Object.keys(patch).length === 0) fail(`nothing to change; send any of ${SETTING_NAMES.join(', ')}`);
  return patch as ProjectPatch;
}

/** A project's settings as the API answers them and the CLI prints them. */
export interface ProjectSettings {
  id: string;
  name: string;
  privacy_mode: PrivacyMode;
  retention_days: number;
  /** Null: the global `HASH_ROTATION_HOURS`. */
  hash_rotation_hours: number | null;
  allowed_origins: string[];
  /** Null: no quota. */
  monthly_event_quota: number | null;
  /** ISO 8601. */
  created_at: string;
}

/** The settings view of a project. */
export function projectSettings(project: Project): ProjectSettings {
  return {
    id: project.id,
    name: project.name,
    privacy_mode: project.privacyMode,
    retention_days: project.retentionDays,
    hash_rotation_hours: project.hashRotationHours,
    allowed_origins: project.allowedOrigins,
    monthly_event_quota: project.monthlyEventQuota,
    created_at: project.createdAt.toISOString(),
  };
}

/** What a changed setting was and became (the audit row's detail). */
export type SettingChanges = Partial<Record<SettingName, { old: unknown; new: unknown }>>;

/** Attempts before giving up when the project keeps changing under an update. */
const ATTEMPTS = 5;

/**
 * Apply a checked patch to a project, audited as `actor` (`project.update`, detail = old and new
 * values of the settings that change). Settings already at the asked value are not changes; a
 * patch that changes nothing writes nothing. Returns null for an unknown project.
 *
 * Optimistic: the values are read, and one statement updates the project only if the changed
 * settings still hold what was read, appending the audit row only when it did; a concurrent
 * change makes it read again, so the audit row's old values are always the real ones.
 */
export async function updateProject(store: Store, projectId: string, patch: ProjectPatch, actor: Actor): Promise<{ project: Project; changes: SettingChanges } | null> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await getProject(store, projectId);
    if (!current) return null;
    const changes: SettingChanges = {};
    for (const name of SETTING_NAMES) {
      if (!(name in patch)) continue;
      const old = SETTINGS[name].get(current);
      const value = patch[name];
      if (JSON.stringify(old) !== JSON.stringify(value)) changes[name] = { old, new: value };
    }
    const names = Object.keys(changes) as SettingName[];
    if (names.length === 0) return { project: current, changes };

    const params: unknown[] = [projectId, randomUUID(), actor, JSON.stringify(changes)];
    const set: string[] = [];
    const unchanged: string[] = [];
    for (const name of names) {
      const { column, cast } = SETTINGS[name];
      params.push(changes[name]?.new, changes[name]?.old);
      set.push(`${column} = $${params.length - 1}::${cast}`);
      unchanged.push(`${column} IS NOT DISTINCT FROM $${params.length}::${cast}`);
    }
    const [rows] = await store.transaction([
      {
        sql: `WITH updated AS (
                UPDATE projects SET ${set.join(', ')} WHERE id = $1 AND ${unchanged.join(' AND ')} RETURNING id
              )
              INSERT INTO audit_log (project_id, id, actor, action, target, detail)
              SELECT $1, $2::uuid, $3, 'project.update', $1::text, $4::jsonb FROM updated RETURNING id`,
        params,
      },
    ]);
    if (rows?.length) {
      const project = await getProject(store, projectId);
      if (project) return { project, changes };
    }
  }
  throw new Error('Vantage: the project kept changing during the update; try again');
}

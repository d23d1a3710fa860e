#!/usr/bin/env node
/**
 * The `vantage` command: `serve` (default), `init`, `projects create|list|show|set`,
 * `keys create|list|revoke`, `scenes list|set`, `retention run`. Every command takes `--help`. Configuration comes from the same
 * environment variables as the server (DATABASE_URL, VANTAGE_DATA_DIR, …).
 */
import { parseArgs } from 'node:util';
import { OPT_IN_CHANNELS } from '@vantage/sdk-core/schema';
import { ConfigError, loadConfig, type Config, type PrivacyMode } from './config.js';
import { reclassifyTrafficSources, TRAFFIC_RULES_VERSION } from './aggregates/traffic-source.js';
import { createOperator, generatePassword, OperatorError } from './operators/operators.js';
import { serve } from './main.js';
import { formatRetentionReport } from './retention/format.js';
import { tryRetentionLock } from './retention/lock.js';
import { DEFAULT_BATCH_SIZE, emptyReport, runRetention, type RetentionReport } from './retention/run.js';
import { ensureDemoProject } from './server.js';
import { openStore } from './storage/index.js';
import type { Store } from './storage/types.js';
import { createKey, createProject, getProject, listKeys, listProjects, revokeKey } from './tenants/projects.js';
import { parseProjectPatch, projectSettings, ProjectSettingsError, updateProject, type ProjectSettings } from './tenants/update-project.js';
import { proxyMeshCounts } from './tenants/scene-proxy.js';
import { listScenes, parseSceneId, parseScenePatch, SceneSettingsError, updateScene, type SceneInfo } from './tenants/scenes.js';

const HELP: Record<string, string> = {
  main: `Usage: vantage <command> [options]

Commands:
  serve                 start the collector (default)
  init                  create the store and the demo project, print its keys, exit
  projects create       create a project with a pk and an sk key
  projects list         list projects
  projects show         show a project's settings
  projects set          change a project's settings
  keys create           create a key for a project
  keys list             list a project's keys
  keys revoke           revoke a key
  scenes list           list a project's scenes and their capture flags
  scenes set            switch a scene's opt-in channels, sampling, model URL, voxel size, bounds
  retention run         delete data past its retention now (the collector's job does it on a schedule)
  users create          create a dashboard operator for a project
  sources reclassify    re-classify kept sessions' traffic sources with the current rules

Run "vantage <command> --help" for a command's options. Configuration is read from the
environment (PORT, HOST, DATABASE_URL, VANTAGE_DATA_DIR, ...; see the README).`,
  serve: `Usage: vantage serve

Starts the collector on HOST:PORT (default 127.0.0.1:7315) with the embedded store in
VANTAGE_DATA_DIR, or PostgreSQL when DATABASE_URL is set. On the first start on an empty store it
creates a demo project and prints its keys once. SIGTERM drains accepted batches before exiting.`,
  init: `Usage: vantage init

Creates (migrates) the store and, when it holds no project, the demo project; prints its keys once.`,
  'projects create': `Usage: vantage projects create --name <name> [--origin <origin> ...]
                               [--privacy-mode standard|strict|paranoid] [--retention-days <n>]

Creates a project and prints its id, its publishable (pk_) and secret (sk_) keys, once.
  --origin          a browser origin allowed to send events (repeatable), e.g. https://shop.example
  --privacy-mode    default: PRIVACY_MODE (standard)
  --retention-days  default: RETENTION_DAYS (90)`,
  'projects list': `Usage: vantage projects list

Lists projects: id, name, privacy mode, retention days, allowed origins.`,
  'projects show': `Usage: vantage projects show <project-id>

Prints the project's settings: privacy mode, retention days, hash rotation hours, allowed
origins, monthly event quota.`,
  'projects set': `Usage: vantage projects set <project-id> [--privacy-mode standard|strict|paranoid]
                            [--retention-days <1-3650>] [--hash-rotation-hours <1-8760>|default]
                            [--origins <origin,origin,...>] [--monthly-event-quota <n>|none]

Changes the given settings in one audited transaction (actor "cli") and prints the result.
  --hash-rotation-hours default   use the collector's HASH_ROTATION_HOURS
  --origins                       replaces the list; "" allows no browser origin of its own
  --monthly-event-quota none      no quota
Running collectors apply the change within 5 seconds (their settings cache lifetime).`,
  'keys create': `Usage: vantage keys create --project <id> --kind pk|sk [--label <text>]

Creates a key and prints it once. pk_ keys go in browsers (send events, read capture config);
sk_ keys stay on servers (queries, replay, erasure, settings).`,
  'keys list': `Usage: vantage keys list --project <id>

Lists a project's keys (prefix, kind, label, created, last used, revoked). Tokens are never shown again.`,
  'keys revoke': `Usage: vantage keys revoke --project <id> --key <key id>

Revokes a key. Collectors stop accepting it within 30 seconds (their key cache lifetime).`,
  'scenes list': `Usage: vantage scenes list --project <id>

Lists the project's configured scenes: the opt-in channels switched on, sampling rates, model
URL, voxel size, bounds, and the size of the scene proxy a connector registered (meshes), if
any. A scene never configured gets the defaults (every opt-in channel off); one with a proxy is
listed as "not configured (defaults)".`,
  'scenes set': `Usage: vantage scenes set --project <id> --scene <scene-id> [--on <channel,...>] [--off <channel,...>]
                         [--sampling <name=rate,...>] [--model-url <url>|none]
                         [--voxel-size-mm <n>|none] [--bounds <minX,minY,minZ,maxX,maxY,maxZ>|none]

Changes a scene like PUT /api/v1/scenes/:sceneId, in one audited transaction (actor "cli"), and
prints the result. Channels: mesh_visibility, hover_dwell, gaze, resource_sample, runtime_error
(the always-on channels cannot be switched off). Bounds are in scene units (metres); write
--bounds=-1,0,-1,1,2,1 with "=" when the first number is negative. Running
collectors apply the change within 5 seconds (their settings cache lifetime).`,
  'users create': `Usage: vantage users create --email <address> --project <id> [--role admin|viewer]

Creates a dashboard operator who belongs to the project (or adds the project to an existing
operator, keeping its password). The password is VANTAGE_OPERATOR_PASSWORD when set (12 to 1024
characters), else generated and printed once. admin may change settings and keys; viewer reads.
Passwords are stored as scrypt hashes.`,
  'sources reclassify': `Usage: vantage sources reclassify --project <id>

Re-classifies the traffic source of the project's sessions that were classified by an earlier
version of the rules (from the URL utm_* and referrer origin they kept), and moves their counts in
the traffic-sources aggregate accordingly. Sessions past retention_days are gone; their hours keep
the classification they had.`,
  'retention run': `Usage: vantage retention run [--dry-run] [--project <id>]

Deletes what has outlived its retention, as the collector's retention job does every
RETENTION_JOB_INTERVAL_MINUTES: per-session data (sessions, identity links, the dedup ledger,
raw streams, the sessions each error was seen in) older than the project's retention_days, dead letters older than DLQ_RETENTION_DAYS (or the
project's retention_days if shorter), monthly usage older than the current month and the 12
before it, and expired visitor salts. Aggregates are kept. Prints the rows deleted per project
and table; each project something was deleted from gets an audit row (actor "cli").
  --dry-run   count what would be deleted; delete nothing
  --project   only this project (the nil uuid: only dead letters of unknown projects)

On the embedded store, stop "vantage serve" first (one process at a time owns it).`,
};

class UsageError extends Error {}

async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function requireUuid(value: string | undefined, flag: string): string {
  if (!value || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new UsageError(`${flag} needs a project or key id (a uuid)`);
  }
  return value.toLowerCase();
}

const out = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `retention run`: a real run takes the retention lock like the collector's job, so it never
 * runs beside one; a dry run writes nothing and needs no lock.
 */
async function retentionRun(config: Config, store: Store, projectId: string | undefined, dryRun: boolean): Promise<RetentionReport> {
  const options = { dryRun, projectId, actor: 'cli', dlqRetentionDays: config.dlqRetentionDays, hashRotationHours: config.hashRotationHours };
  if (dryRun) return runRetention(store, options);
  const lock = await tryRetentionLock(store, config.databaseUrl);
  if (!lock) return { ...emptyReport(new Date(), { dryRun, batchSize: DEFAULT_BATCH_SIZE, dlqRetentionDays: config.dlqRetentionDays }), skipped: 'locked' };
  try {
    return await runRetention(store, options);
  } finally {
    await lock.release();
  }
}

/** A registered proxy's size as listed: `proxy: 12 meshes`, or `proxy: -` when none. */
const proxyText = (meshes: number | undefined): string => `proxy: ${meshes === undefined ? '-' : `${meshes} mesh${meshes === 1 ? '' : 'es'}`}`;

function printScene(scene: SceneInfo, proxyMeshes: number | undefined): void {
  const on = Object.entries(scene.capture).filter(([channel, enabled]) => enabled && (OPT_IN_CHANNELS as readonly string[]).includes(channel)).map(([channel]) => channel);
  const sampling = Object.entries(scene.sampling).map(([name, rate]) => `${name}=${rate}`).join(',');
  const bounds = scene.bounds ? `${scene.bounds.min.join(',')}..${scene.bounds.max.join(',')}` : '-';
  out(`${scene.scene}  opt-in on: ${on.join(',') || 'none'}  sampling: ${sampling || '-'}  model: ${scene.modelUrl ?? '-'}  voxel_mm: ${scene.voxelSizeMm ?? '-'}  bounds: ${bounds}  ${proxyText(proxyMeshes)}`);
}

/** `a,b,c` as a list without empty items. */
const listFlag = (raw: string | undefined): string[] => (raw ?? '').split(',').map((v) => v.trim()).filter(Boolean);

/** The `scenes set` flags as the body `PUT /api/v1/scenes/:sceneId` takes. */
function scenePatchInput(values: Record<string, string | boolean | string[] | undefined>): Record<string, unknown> {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const input: Record<string, unknown> = {};
  const capture: Record<string, boolean> = {};
  for (const channel of listFlag(text('on'))) capture[channel] = true;
  for (const channel of listFlag(text('off'))) capture[channel] = false;
  if (Object.keys(capture).length > 0) input.capture = capture;
  const sampling = text('sampling');
  if (sampling !== undefined) {
    input.sampling = Object.fromEntries(listFlag(sampling).map((pair) => {
      const [name, rate] = pair.split('=');
      return [name ?? '', rate === undefined || rate.trim() === '' ? Number.NaN : Number(rate)];
    }));
  }
  const modelUrl = text('model-url');
  if (modelUrl !== undefined) input.modelUrl = modelUrl === 'none' ? null : modelUrl;
  const voxel = text('voxel-size-mm');
  if (voxel !== undefined) input.voxelSizeMm = voxel === 'none' ? null : Number(voxel);
  const bounds = text('bounds');
  if (bounds !== undefined) {
    const n = listFlag(bounds).map(Number);
    input.bounds = bounds === 'none' ? null : { min: n.slice(0, 3), max: n.slice(3) };
  }
  return input;
}

function printSettings(s: ProjectSettings, config: Config): void {
  out(`project ${s.id} "${s.name}"`);
  out(`  privacy_mode         ${s.privacy_mode}`);
  out(`  retention_days       ${s.retention_days}`);
  out(`  hash_rotation_hours  ${s.hash_rotation_hours ?? `default (${config.hashRotationHours})`}`);
  out(`  allowed_origins      ${s.allowed_origins.join(',') || '-'}`);
  out(`  monthly_event_quota  ${s.monthly_event_quota ?? 'none'}`);
}

/** A CLI flag as a setting's wire value: digits become numbers, `word` becomes null. */
function flagValue(raw: string, nullWord: string): unknown {
  if (raw === nullWord) return null;
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

async function run(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const [first, second] = words;
  const command = first === 'projects' || first === 'keys' || first === 'retention' || first === 'scenes' || first === 'sources' || first === 'users' ? `${first} ${second ?? ''}`.trim() : first ?? 'serve';
  if (argv.includes('--help') || argv.includes('-h')) {
    out((first === undefined ? HELP.main : HELP[command]) ?? HELP.main ?? '');
    return 0;
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'privacy-mode': { type: 'string' },
      'retention-days': { type: 'string' },
      project: { type: 'string' },
      kind: { type: 'string' },
      label: { type: 'string' },
      key: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'hash-rotation-hours': { type: 'string' },
      origins: { type: 'string' },
      'monthly-event-quota': { type: 'string' },
      scene: { type: 'string' },
      on: { type: 'string' },
      off: { type: 'string' },
      sampling: { type: 'string' },
      'model-url': { type: 'string' },
      'voxel-size-mm': { type: 'string' },
      bounds: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
    },
  });
  if (command === 'serve') {
    await serve();
    return -1;
  }
  const config = loadConfig();
  switch (command) {
    case 'init':
      return withStore(config, async (store) => {
        const demo = await ensureDemoProject(config, store);
        if (!demo) {
          out('The store is ready; it already has projects (keys are only shown when created).');
          return 0;
        }
        out(`Created the demo project "${demo.project.name}" (${demo.project.id}). Keys, shown once:`);
        for (const key of demo.keys) out(`  ${key.kind === 'pk' ? 'publishable' : 'secret     '} ${key.token}`);
        out(`Dashboard sign-in, shown once: ${demo.operator.email} / ${demo.operator.password}`);
        return 0;
      });
    case 'projects create': {
      if (!values.name) throw new UsageError('projects create needs --name');
      const mode = (values['privacy-mode'] ?? config.privacyMode) as PrivacyMode;
      if (!['standard', 'strict', 'paranoid'].includes(mode)) throw new UsageError('--privacy-mode is standard, strict or paranoid');
      const days = values['retention-days'] === undefined ? config.retentionDays : Number(values['retention-days']);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError('--retention-days is an integer in 1..3650');
      const name = values.name;
      return withStore(config, async (store) => {
        const { project, keys } = await createProject(store, { name, privacyMode: mode, retentionDays: days, allowedOrigins: values.origin ?? [] }, 'cli');
        out(`project ${project.id} "${project.name}"`);
        for (const key of keys) out(`  ${key.kind} ${key.token}`);
        out('The keys are shown this once.');
        return 0;
      });
    }
    case 'projects list':
      return withStore(config, async (store) => {
        for (const p of await listProjects(store)) {
          out(`${p.id}  ${p.name}  mode=${p.privacyMode}  retention=${p.retentionDays}d  origins=${p.allowedOrigins.join(',') || '-'}`);
        }
        return 0;
      });
    case 'projects show': {
      const projectId = requireUuid(positionals[2], 'projects show <project-id>');
      return withStore(config, async (store) => {
        const project = await getProject(store, projectId);
        if (!project) {
          process.stderr.write(`vantage: no project ${projectId}\n`);
          return 1;
        }
        printSettings(projectSettings(project), config);
        return 0;
      });
    }
    case 'scenes list': {
      const projectId = requireUuid(values.project, '--project');
      return withStore(config, async (store) => {
        if (!(await getProject(store, projectId))) {
          process.stderr.write(`vantage: no project ${projectId}\n`);
          return 1;
        }
        const scenes = await listScenes(store, projectId);
        const proxies = await proxyMeshCounts(store, projectId);
        for (const scene of scenes) printScene(scene, proxies.get(scene.scene));
        // Scenes a connector registered a proxy for but no operator configured.
        const configured = new Set(scenes.map((s) => s.scene));
        const unconfigured = [...proxies].filter(([scene]) => !configured.has(scene)).sort(([a], [b]) => (a < b ? -1 : 1));
        for (const [scene, meshes] of unconfigured) out(`${scene}  not configured (defaults)  ${proxyText(meshes)}`);
        if (scenes.length === 0 && unconfigured.length === 0) out('no scene configured: every scene gets the defaults (opt-in channels off)');
        return 0;
      });
    }
    case 'scenes set': {
      const projectId = requireUuid(values.project, '--project');
      let sceneId: string;
      let patch;
      try {
        sceneId = parseSceneId(values.scene);
        const input = scenePatchInput(values);
        if (Object.keys(input).length === 0) throw new UsageError('scenes set needs at least one change (see --help)');
        patch = parseScenePatch(input);
      } catch (error) {
        if (error instanceof SceneSettingsError) throw new UsageError(error.message);
        throw error;
      }
      return withStore(config, async (store) => {
        if (!(await getProject(store, projectId))) {
          process.stderr.write(`vantage: no project ${projectId}\n`);
          return 1;
        }
        const scene = await updateScene(store, projectId, sceneId, patch, 'cli');
        printScene(scene, (await proxyMeshCounts(store, projectId)).get(sceneId));
        return 0;
      });
    }
    case 'projects set': {
      const projectId = requireUuid(positionals[2], 'projects set <project-id>');
      const input: Record<string, unknown> = {};
      if (values['privacy-mode'] !== undefined) input.privacy_mode = values['privacy-mode'];
      if (values['retention-days'] !== undefined) input.retention_days = flagValue(values['retention-days'], '');
      if (values['hash-rotation-hours'] !== undefined) input.hash_rotation_hours = flagValue(values['hash-rotation-hours'], 'default');
      if (values.origins !== undefined) input.allowed_origins = values.origins.split(',').map((o) => o.trim()).filter(Boolean);
      if (values['monthly-event-quota'] !== undefined) input.monthly_event_quota = flagValue(values['monthly-event-quota'], 'none');
      if (Object.keys(input).length === 0) throw new UsageError('projects set needs at least one setting to change (see --help)');
      let patch;
      try {
        patch = parseProjectPatch(input);
      } catch (error) {
        if (error instanceof ProjectSettingsError) throw new UsageError(error.message);
        throw error;
      }
      return withStore(config, async (store) => {
        const updated = await updateProject(store, projectId, patch, 'cli');
        if (!updated) {
          process.stderr.write(`vantage: no project ${projectId}\n`);
          return 1;
        }
        const changed = Object.entries(updated.changes);
        for (const [name, change] of changed) out(`changed ${name}: ${JSON.stringify(change?.old)} -> ${JSON.stringify(change?.new)}`);
        if (changed.length === 0) out('nothing changed: the settings already had these values');
        printSettings(projectSettings(updated.project), config);
        return 0;
      });
    }
    case 'keys create': {
      const projectId = requireUuid(values.project, '--project');
      const kind = values.kind;
      if (kind !== 'pk' && kind !== 'sk') throw new UsageError('--kind is pk or sk');
      return withStore(config, async (store) => {
        const key = await createKey(store, projectId, kind, values.label ?? '', 'cli');
        out(`key ${key.id} (${key.kind}): ${key.token}`);
        out('The key is shown this once.');
        return 0;
      });
    }
    case 'keys list': {
      const projectId = requireUuid(values.project, '--project');
      return withStore(config, async (store) => {
        for (const k of await listKeys(store, projectId)) {
          const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
          out(`${k.id}  ${k.kind}  ${k.prefix}  ${state}  created ${k.createdAt.toISOString()}  last used ${k.lastUsedAt?.toISOString() ?? 'never'}  ${k.label}`);
        }
        return 0;
      });
    }
    case 'keys revoke': {
      const projectId = requireUuid(values.project, '--project');
      const keyId = requireUuid(values.key, '--key');
      return withStore(config, async (store) => {
        const done = await revokeKey(store, projectId, keyId, 'cli');
        out(done ? `revoked ${keyId}` : `no active key ${keyId} in project ${projectId}`);
        return done ? 0 : 1;
      });
    }
    case 'retention run': {
      const projectId = values.project === undefined ? undefined : requireUuid(values.project, '--project');
      const dryRun = values['dry-run'] === true;
      return withStore(config, async (store) => {
        const report = await retentionRun(config, store, projectId, dryRun);
        for (const line of formatRetentionReport(report)) out(line);
        return report.skipped ? 1 : 0;
      });
    }
    case 'users create': {
      const projectIds = (values.project ? [values.project] : []).map((p) => requireUuid(p, '--project'));
      if (projectIds.length === 0) throw new UsageError('users create needs --project <id>');
      const role = values.role ?? 'admin';
      if (role !== 'admin' && role !== 'viewer') throw new UsageError('--role must be admin or viewer');
      const given = process.env.VANTAGE_OPERATOR_PASSWORD;
      const password = given && given !== '' ? given : generatePassword();
      return withStore(config, async (store) => {
        for (const id of projectIds) {
          if (!(await getProject(store, id))) {
            process.stderr.write(`vantage: no project ${id}\n`);
            return 1;
          }
        }
        try {
          const { operator, created } = await createOperator(store, { email: String(values.email ?? ''), password, projects: projectIds.map((id) => ({ id, role })) }, 'cli');
          out(`${created ? 'created' : 'updated'} operator ${operator.email} (${operator.id}): ${operator.projects.map((p) => `${p.name} as ${p.role}`).join(', ')}`);
          if (created && !given) out(`password, shown once: ${password}`);
          if (!created) out('the existing password is unchanged');
          return 0;
        } catch (error) {
          if (error instanceof OperatorError) throw new UsageError(error.message);
          throw error;
        }
      });
    }
    case 'sources reclassify': {
      const projectId = requireUuid(values.project, '--project');
      return withStore(config, async (store) => {
        if (!(await getProject(store, projectId))) {
          process.stderr.write(`vantage: no project ${projectId}\n`);
          return 1;
        }
        const n = await reclassifyTrafficSources(store, projectId);
        out(`${n} session${n === 1 ? '' : 's'} re-classified with traffic rules version ${TRAFFIC_RULES_VERSION}`);
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`vantage: ${(error as Error).message}\nRun "vantage --help" for usage.\n`);
      process.exitCode = 2;
      return;
    }
    // Errors of the collector's modules start "Vantage: "; the command's own prefix says it already.
    process.stderr.write(`vantage: ${(error instanceof Error ? error.message : String(error)).replace(/^Vantage: /, '')}\n`);
    process.exitCode = 1;
  },
);

import { afterEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, DRIVERS, type TestDatabase } from './testing/harness.js';
import { printedKeys, runCli } from './testing/cli-process.js';
import { loadConfig } from './config.js';
import { tryRetentionLock } from './retention/lock.js';
import { countRows, daysBefore, seedAggregates, seedBatch, seedDeadLetter, seedLink, seedSession } from './testing/retention-seed.js';
import { NIL_PROJECT_ID } from './storage/schema.js';

const COMMANDS = ['serve', 'init', 'projects create', 'projects list', 'projects show', 'projects set', 'keys create', 'keys list', 'keys revoke', 'scenes list', 'scenes set', 'retention run'];

describe('vantage --help', () => {
  it('prints the overview with every command', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: vantage <command>');
    for (const command of COMMANDS) expect(result.stdout).toContain(command);
  });

  it.each(COMMANDS)('prints the usage of "%s"', async (command) => {
    const result = await runCli([...command.split(' '), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(`Usage: vantage ${command}`)).toBe(true);
  });

  it('refuses an unknown command with exit code 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });

  it('refuses a bad environment variable by name, before touching any store', async () => {
    const result = await runCli(['serve'], { PORT: 'seventy' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PORT must be an integer');
  });
});

describe.each(DRIVERS)('vantage commands on the %s store', (driver) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.cleanup();
    database = undefined;
  });

  it('init creates the demo project and shows its keys once', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const first = await runCli(['init'], database.env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const keys = printedKeys(first.stdout);
    expect(keys.pk).toMatch(/^pk_[A-Za-z0-9_-]{54}$/);
    expect(keys.sk).toMatch(/^sk_[A-Za-z0-9_-]{54}$/);

    const second = await runCli(['init'], database.env);
    expect(second.code).toBe(0);
    expect(printedKeys(second.stdout)).toEqual({ pk: undefined, sk: undefined });

    // Only hashes are stored: the printed tokens appear nowhere in the keys table.
    const store = await database.open();
    try {
      const rows = await store.query<{ dump: string }>('SELECT row_to_json(k)::text AS dump FROM api_keys k');
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.dump).not.toContain(keys.pk);
        expect(row.dump).not.toContain(keys.sk);
      }
      // The demo page keeps the publishable key in clear (public by design), never the secret one.
      const [project] = await store.query<{ id: string }>('SELECT id FROM projects');
      expect(await store.query('SELECT project_id, publishable_key FROM demo_pages')).toEqual([{ project_id: project?.id, publishable_key: keys.pk }]);
      const tables = await store.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
      for (const { name } of tables) {
        const [dump] = await store.query<{ text: string | null }>(`SELECT string_agg(row_to_json(t)::text, ' ') AS text FROM "${name}" t`);
        expect(dump?.text ?? '', name).not.toContain(keys.sk);
        if (name !== 'demo_pages') expect(dump?.text ?? '', name).not.toContain(keys.pk);
      }
    } finally {
      await store.close();
    }
  });

  it('creates a project, creates, lists and revokes keys, and audits each change', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const env = database.env;
    const created = await runCli(['projects', 'create', '--name', 'Configurator', '--origin', 'https://shop.example', '--privacy-mode', 'strict'], env);
    expect(created.code).toBe(0);
    const projectId = /project ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    expect(projectId).toBeDefined();
    expect(printedKeys(created.stdout).pk).toBeDefined();

    const listed = await runCli(['projects', 'list'], env);
    expect(listed.stdout).toContain(`${projectId}  Configurator  mode=strict  retention=90d  origins=https://shop.example`);

    const key = await runCli(['keys', 'create', '--project', projectId ?? '', '--kind', 'sk', '--label', 'ci'], env);
    expect(key.code).toBe(0);
    const keyId = /key ([0-9a-f-]{36}) \(sk\): sk_/.exec(key.stdout)?.[1];
    expect(keyId).toBeDefined();

    const before = await runCli(['keys', 'list', '--project', projectId ?? ''], env);
    expect(before.stdout.trim().split('\n')).toHaveLength(3);
    expect(before.stdout).toMatch(new RegExp(`${keyId}  sk  sk_\\S+  active .* ci`));

    const revoked = await runCli(['keys', 'revoke', '--project', projectId ?? '', '--key', keyId ?? ''], env);
    expect(revoked.code).toBe(0);
    const after = await runCli(['keys', 'list', '--project', projectId ?? ''], env);
    expect(after.stdout).toMatch(new RegExp(`${keyId}  sk  sk_\\S+  revoked `));
    const again = await runCli(['keys', 'revoke', '--project', projectId ?? '', '--key', keyId ?? ''], env);
    expect(again.code).toBe(1);

    const badKind = await runCli(['keys', 'create', '--project', projectId ?? '', '--kind', 'admin'], env);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain('--kind is pk or sk');

    const store = await database.open();
    try {
      const audit = await store.query<{ action: string; actor: string }>('SELECT action, actor FROM audit_log WHERE project_id = $1', [projectId]);
      expect(audit.map((a) => a.action).sort()).toEqual(['key.create', 'key.create', 'key.create', 'key.revoke', 'project.create']);
      expect(new Set(audit.map((a) => a.actor))).toEqual(new Set(['cli']));
    } finally {
      await store.close();
    }
  });
});

describe.each(DRIVERS)('vantage retention run on the %s store', (driver) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.cleanup();
    database = undefined;
  });

  async function shortProject(env: Record<string, string>): Promise<string> {
    const created = await runCli(['projects', 'create', '--name', 'Short', '--retention-days', '1'], env);
    const projectId = /project ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    if (!projectId) throw new Error(`no project id in ${created.stdout}`);
    return projectId;
  }

  it('counts in a dry run, then deletes the old per-session rows, prints them per project and audits them as cli', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const env = database.env;
    const projectId = await shortProject(env);
    const old = daysBefore(new Date(), 3);
    let store = await database.open();
    try {
      await seedSession(store, projectId, 'old-1', old);
      await seedSession(store, projectId, 'old-2', old);
      await seedSession(store, projectId, 'recent', new Date());
      await seedLink(store, projectId, 'old-1', old);
      await seedBatch(store, projectId, 'old-1', 0, old);
      await seedAggregates(store, projectId, old);
      await seedDeadLetter(store, NIL_PROJECT_ID, daysBefore(new Date(), 40));
    } finally {
      await store.close();
    }
    const row = new RegExp(`^${projectId}\\s+1d\\s+2\\s+1\\s+1\\s+0\\s+0\\s+0\\s+0\\s+0\\s+0$`, 'm');

    const dry = await runCli(['retention', 'run', '--dry-run'], env);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(row);
    expect(dry.stdout).toMatch(/^\(unknown projects\)\s+-\s+0\s+0\s+0\s+0\s+0\s+1\s+0\s+0\s+0$/m);
    expect(dry.stdout).toContain('5 rows would be deleted');
    expect(dry.stdout.trimEnd().endsWith('dry run: nothing deleted')).toBe(true);
    store = await database.open();
    try {
      expect(await countRows(store, 'sessions', projectId)).toBe(3);
      expect(await countRows(store, 'dlq', NIL_PROJECT_ID)).toBe(1);
    } finally {
      await store.close();
    }

    const real = await runCli(['retention', 'run', '--project', projectId], env);
    expect(real.stderr).toBe('');
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(row);
    expect(real.stdout).not.toContain('unknown projects');
    expect(real.stdout).toContain('4 rows deleted');
    expect(real.stdout).not.toContain('dry run');
    store = await database.open();
    try {
      expect(await countRows(store, 'sessions', projectId)).toBe(1);
      expect(await countRows(store, 'identity_links', projectId)).toBe(0);
      expect(await countRows(store, 'ingest_batches', projectId)).toBe(0);
      expect(await countRows(store, 'event_counts_hourly', projectId)).toBe(1);
      expect(await countRows(store, 'dlq', NIL_PROJECT_ID)).toBe(1);
      const audit = await store.query<{ actor: string; detail: { deleted: Record<string, number> } }>("SELECT actor, detail FROM audit_log WHERE project_id = $1 AND action = 'retention.run'", [projectId]);
      expect(audit).toHaveLength(1);
      expect(audit[0]?.actor).toBe('cli');
      expect(audit[0]?.detail.deleted).toMatchObject({ sessions: 2, identity_links: 1, ingest_batches: 1 });
    } finally {
      await store.close();
    }
  });

  it('refuses a project that does not exist and a malformed id', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const missing = await runCli(['retention', 'run', '--project', '11111111-2222-4333-8444-555555555555'], database.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('vantage: no project 11111111-2222-4333-8444-555555555555\n');
    const malformed = await runCli(['retention', 'run', '--project', 'shop'], database.env);
    expect(malformed.code).toBe(2);
  });

  it.runIf(driver === 'postgres')('does nothing while another process holds the retention lock', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const env = database.env;
    const projectId = await shortProject(env);
    const store = await database.open();
    try {
      await seedSession(store, projectId, 'old', daysBefore(new Date(), 3));
      const lock = await tryRetentionLock(store, env.DATABASE_URL);
      try {
        const result = await runCli(['retention', 'run'], env);
        expect(result.code).toBe(1);
        expect(result.stdout).toContain('Another collector process is running retention');
        expect(await countRows(store, 'sessions', projectId)).toBe(1);
      } finally {
        await lock?.release();
      }
    } finally {
      await store.close();
    }
  });
});

describe.each(DRIVERS)('vantage scenes list|set on the %s store', (driver) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.cleanup();
    database = undefined;
  });

  it('switches opt-in channels, sampling, model and bounds like the API, audited as cli, and lists them', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const env = database.env;
    const created = await runCli(['projects', 'create', '--name', 'Scenes'], env);
    const projectId = /project ([0-9a-f-]{36})/.exec(created.stdout)?.[1] ?? '';
    expect(projectId).not.toBe('');

    const empty = await runCli(['scenes', 'list', '--project', projectId], env);
    expect(empty).toMatchObject({ code: 0, stdout: expect.stringContaining('no scene configured') });

    const set = await runCli(
      ['scenes', 'set', '--project', projectId, '--scene', 'sofa', '--on', 'gaze,hover_dwell', '--sampling', 'camera=0.5',
        '--model-url', 'https://cdn.example/sofa.glb', '--voxel-size-mm', '50', '--bounds=-1,0,-1,1,1.2,1'],
      env,
    );
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^sofa {2}opt-in on: hover_dwell,gaze|^sofa {2}opt-in on: gaze,hover_dwell/m);
    const off = await runCli(['scenes', 'set', '--project', projectId, '--scene', 'sofa', '--off', 'gaze'], env);
    expect(off.code).toBe(0);
    const listed = await runCli(['scenes', 'list', '--project', projectId], env);
    expect(listed.stdout.trim()).toBe('sofa  opt-in on: hover_dwell  sampling: camera=0.5  model: https://cdn.example/sofa.glb  voxel_mm: 50  bounds: -1,0,-1..1,1.2,1  proxy: -');

    // The API's checks: an always-on channel cannot be switched, bounds must be a box.
    for (const bad of [['--off', 'camera'], ['--bounds', '1,1,1,0,0,0'], ['--sampling', 'camera=2'], ['--model-url', 'ftp://x']]) {
      const refused = await runCli(['scenes', 'set', '--project', projectId, '--scene', 'sofa', ...bad], env);
      expect(refused.code, bad.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(/^vantage: /);
    }
    expect((await runCli(['scenes', 'set', '--project', projectId, '--scene', 'bad scene!', '--on', 'gaze'], env)).code).toBe(2);
    expect((await runCli(['scenes', 'list', '--project', '5b0e7c1e-0000-4000-8000-000000000000'], env)).code).toBe(1);

    const store = await database.open();
    try {
      const audit = await store.query<{ actor: string; target: string; detail: Record<string, unknown> }>(
        "SELECT actor, target, detail FROM audit_log WHERE project_id = $1 AND action = 'scene.update' ORDER BY at",
        [projectId],
      );
      expect(audit).toEqual([
        { actor: 'cli', target: 'sofa', detail: { capture: { gaze: true, hover_dwell: true }, sampling: { camera: 0.5 }, modelUrl: 'https://cdn.example/sofa.glb', voxelSizeMm: 50, bounds: { min: [-1, 0, -1], max: [1, 1.2, 1] } } },
        { actor: 'cli', target: 'sofa', detail: { capture: { gaze: false } } },
      ]);
    } finally {
      await store.close();
    }
  });

  it('lists the mesh count of each registered scene proxy, configured scene or not', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const env = database.env;
    const created = await runCli(['projects', 'create', '--name', 'Proxies'], env);
    const projectId = /project ([0-9a-f-]{36})/.exec(created.stdout)?.[1] ?? '';
    expect((await runCli(['scenes', 'set', '--project', projectId, '--scene', 'sofa', '--on', 'gaze'], env)).code).toBe(0);
    const store = await database.open();
    try {
      const box = [0, 0, 0, 1, 1, 1];
      await store.query(
        "INSERT INTO scene_proxies (project_id, scene_id, hash, meshes, mesh_count) VALUES ($1, 'sofa', 'aa', $2::jsonb, 3), ($1, 'lamp', 'bb', $3::jsonb, 1)",
        [projectId, JSON.stringify([{ id: 'a', box }, { id: 'b', box }, { id: 'c', box }]), JSON.stringify([{ id: 'a', box }])],
      );
    } finally {
      await store.close();
    }
    const listed = await runCli(['scenes', 'list', '--project', projectId], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\n')).toEqual([
      'sofa  opt-in on: gaze  sampling: -  model: -  voxel_mm: -  bounds: -  proxy: 3 meshes',
      'lamp  not configured (defaults)  proxy: 1 mesh',
    ]);
  });
});

describe.each(DRIVERS)('vantage projects show|set on the %s store', (driver) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.cleanup();
    database = undefined;
  });

  it('shows and changes settings with the same checks as the API, audited as cli', async () => {
    database = await createTestDatabase(driver, inject('postgresUrl'));
    const env = database.env;
    const created = await runCli(['projects', 'create', '--name', 'Settings', '--origin', 'https://shop.example'], env);
    const projectId = /project ([0-9a-f-]{36})/.exec(created.stdout)?.[1] ?? '';
    expect(projectId).not.toBe('');

    const shown = await runCli(['projects', 'show', projectId], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`project ${projectId} "Settings"`);
    expect(shown.stdout).toMatch(/privacy_mode +standard/);
    expect(shown.stdout).toMatch(/hash_rotation_hours +default \(24\)/);
    expect(shown.stdout).toMatch(/monthly_event_quota +none/);

    const set = await runCli(
      ['projects', 'set', projectId, '--privacy-mode', 'paranoid', '--retention-days', '30', '--hash-rotation-hours', '48',
        '--origins', 'https://a.example, https://B.example:443', '--monthly-event-quota', '5000'],
      env,
    );
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('changed privacy_mode: "standard" -> "paranoid"');
    expect(set.stdout).toMatch(/allowed_origins +https:\/\/a\.example,https:\/\/b\.example/);

    const back = await runCli(['projects', 'set', projectId, '--hash-rotation-hours', 'default', '--monthly-event-quota', 'none'], env);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/hash_rotation_hours +default \(24\)/);

    for (const [args, message] of [
      [['--retention-days', '0'], 'retention_days must be an integer in 1..3650'],
      [['--privacy-mode', 'lax'], 'privacy_mode must be one of'],
      [['--origins', 'shop.example'], 'is not an origin'],
      [['--monthly-event-quota', 'lots'], 'monthly_event_quota must be an integer'],
      [[], 'needs at least one setting'],
    ] as Array<[string[], string]>) {
      const bad = await runCli(['projects', 'set', projectId, ...args], env);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toContain(message);
    }
    const missing = await runCli(['projects', 'set', '5b0e7c1e-0000-4000-8000-000000000000', '--retention-days', '5'], env);
    expect(missing.code).toBe(1);
    expect((await runCli(['projects', 'show', 'nope'], env)).code).toBe(2);

    const store = await database.open();
    try {
      const [project] = await store.query<{ privacy_mode: string; retention_days: number; hash_rotation_hours: number | null; allowed_origins: string[]; monthly_event_quota: unknown }>(
        'SELECT privacy_mode, retention_days, hash_rotation_hours, allowed_origins, monthly_event_quota FROM projects WHERE id = $1',
        [projectId],
      );
      expect(project).toEqual({ privacy_mode: 'paranoid', retention_days: 30, hash_rotation_hours: null, allowed_origins: ['https://a.example', 'https://b.example'], monthly_event_quota: null });
      const audit = await store.query<{ actor: string; detail: Record<string, unknown> }>(
        "SELECT actor, detail FROM audit_log WHERE project_id = $1 AND action = 'project.update' ORDER BY at, id",
        [projectId],
      );
      expect(audit).toEqual([
        {
          actor: 'cli',
          detail: {
            privacy_mode: { old: 'standard', new: 'paranoid' },
            retention_days: { old: 90, new: 30 },
            hash_rotation_hours: { old: null, new: 48 },
            allowed_origins: { old: ['https://shop.example'], new: ['https://a.example', 'https://b.example'] },
            monthly_event_quota: { old: null, new: 5000 },
          },
        },
        { actor: 'cli', detail: { hash_rotation_hours: { old: 48, new: null }, monthly_event_quota: { old: 5000, new: null } } },
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('TRUST_PROXY', () => {
  it('takes off, a hop count, or addresses and CIDRs of IPv4 and IPv6', () => {
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'off' });
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ kind: 'hops', hops: 2 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8' }).trustProxy).toEqual({ kind: 'cidrs', cidrs: ['10.0.0.0/8', '192.168.1.7', 'fd00::/8'] });
  });

  it.each(['10.0.0/8', '10.0.0.0/33', 'proxy.internal', '127.1'])('refuses "%s" at start, naming the variable', async (value) => {
    const result = await runCli(['serve'], { TRUST_PROXY: value });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TRUST_PROXY must be off, a hop count or CIDRs');
  });
});

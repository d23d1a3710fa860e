/**
 * What only the embedded store must do: keep commits through `kill -9`, keep the event loop
 * free while PGlite works, and start its worker from sources (tsx) and from a build (node).
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore, type Store } from './index.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const collectorDir = fileURLToPath(new URL('../../', import.meta.url));
const indexTs = new URL('./index.ts', import.meta.url).href;
const childEnv = { ...process.env, NODE_OPTIONS: '' };
/** Migrations in the history (meta/_journal.json), so adding one does not break this test. */
const MIGRATIONS: number = (JSON.parse(readFileSync(new URL('./migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] }).entries.length;

describe('embedded store', () => {
  let dataDir: string;
  let store: Store;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vantage-embedded-'));
    store = await openStore({ dataDir });
  });

  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('commits are acknowledged only after the WAL is written', async () => {
    const [setting] = await store.query<{ synchronous_commit: string }>('show synchronous_commit');
    expect(setting?.synchronous_commit).toBe('on');
  });

  test('the event loop keeps turning while PGlite runs a long statement', async () => {
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 10);
    const started = performance.now();
    try {
      await store.query('select count(*) from generate_series(1, 3000000) a, generate_series(1, 3) b where a % 7 = b');
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    // The statement must be long enough for the check to mean something.
    expect(elapsed).toBeGreaterThan(200);
    // Blocked, there would be one tick at the end; free, about one per 10 ms. Be generous.
    expect(gaps.length).toBeGreaterThan(elapsed / 100);
    expect(Math.max(...gaps)).toBeLessThan(elapsed * 0.75);
  });
});

describe('embedded store durability', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vantage-kill9-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('every acknowledged commit survives kill -9', async () => {
    // The child runs the sources through tsx (the `node --import tsx` path, outside vitest).
    const code = `
      import { openStore } from ${JSON.stringify(indexTs)};
      const store = await openStore({ dataDir: process.env.VANTAGE_TEST_DIR });
      for (let seq = 1; ; seq++) {
        await store.transaction([{
          sql: "insert into ingest_batches (project_id, session_id, seq, scene_id, events) values ($1, 'kill9', $2, 's', 1)",
          params: ['11111111-2222-4333-8444-555555555555', seq],
        }]);
        process.stdout.write('committed ' + seq + '\\n');
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: repoRoot,
      env: { ...childEnv, VANTAGE_TEST_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));

    let acknowledged = 0;
    for await (const line of createInterface({ input: child.stdout })) {
      acknowledged = Number(line.replace('committed ', ''));
      if (acknowledged >= 40) {
        child.kill('SIGKILL');
        break;
      }
    }
    expect(await exited, stderr).toBe('SIGKILL');
    expect(acknowledged).toBeGreaterThanOrEqual(40);

    const reopened = await openStore({ dataDir });
    try {
      const rows = await reopened.query<{ seq: number }>(`select seq from ingest_batches where session_id = 'kill9' order by seq`);
      const seqs = rows.map((r) => r.seq);
      // Everything acknowledged is there; a commit the child had not reported yet may be too.
      expect(seqs.slice(0, acknowledged)).toEqual(Array.from({ length: acknowledged }, (_, i) => i + 1));
    } finally {
      await reopened.close();
    }
  });
});

describe('embedded store from a compiled build', () => {
  let buildDir: string;

  beforeAll(async () => {
    // Compile only the storage sources, with the collector's compiler options, into a folder
    // beside src/ (as dist/ is), so the build finds the migrations as dist/ would.
    buildDir = await mkdtemp(join(collectorDir, '.storage-build-'));
    const tsconfig = {
      extends: '../tsconfig.json',
      compilerOptions: { rootDir: '../src', outDir: '.', composite: false, incremental: false, declaration: false, declarationMap: false, sourceMap: false, tsBuildInfoFile: null },
      include: ['../src/storage/**/*.ts'],
      exclude: ['../src/**/*.test.ts'],
      references: [],
    };
    await writeFile(join(buildDir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', join(buildDir, 'tsconfig.json')], { cwd: repoRoot });
  });

  afterAll(async () => {
    await rm(buildDir, { recursive: true, force: true });
  });

  test('plain node opens, migrates, writes and reads through the .js worker', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vantage-dist-'));
    const code = `
      import { openStore, schema } from ${JSON.stringify(new URL(`file://${buildDir}/storage/index.js`).href)};
      const store = await openStore({ dataDir: process.env.VANTAGE_TEST_DIR });
      await store.db.insert(schema.projects).values({ name: 'from dist' });
      const rows = await store.db.select({ name: schema.projects.name, createdAt: schema.projects.createdAt }).from(schema.projects);
      const [applied] = await store.query('select count(*) as n from drizzle.__drizzle_migrations');
      await store.close();
      console.log(JSON.stringify({ names: rows.map((r) => r.name), isDate: rows[0].createdAt instanceof Date, migrations: applied.n }));`;
    try {
      // No --import tsx: a .ts worker could not load here.
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], {
        cwd: repoRoot,
        env: { ...childEnv, VANTAGE_TEST_DIR: dataDir },
        timeout: 60_000,
      });
      expect(JSON.parse(stdout)).toEqual({ names: ['from dist'], isDate: true, migrations: MIGRATIONS });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

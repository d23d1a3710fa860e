/**
 * The parts of the repository that no package owns: compose.yaml (checked by Debian's
 * docker-compose, which knows the Compose schema and needs no engine), the Dockerfile, and the
 * README's configuration table, against the variables the collector really reads, and that
 * `npm test` type-checks every workspace's tests.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../collector/src/config.js';
import { COLLECTOR_NODE_FLAGS } from '../collector/src/node-flags.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFile(new URL(`../${path}`, import.meta.url), 'utf8');

/** Every environment variable `loadConfig` reads, found by watching it read an empty environment. */
function configVariables(): Set<string> {
  const seen = new Set<string>();
  const env = new Proxy<NodeJS.ProcessEnv>({}, {
    get(_target, name) {
      if (typeof name === 'string') seen.add(name);
      return undefined;
    },
  });
  loadConfig(env);
  return seen;
}

interface ComposeService {
  profiles?: string[];
  image?: string;
  volumes?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
}

async function composeConfig(): Promise<{ services: Record<string, ComposeService> }> {
  try {
    const { stdout } = await run('docker-compose', ['-f', 'compose.yaml', 'config'], { cwd: root, env: { PATH: process.env.PATH } });
    return parse(stdout) as { services: Record<string, ComposeService> };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error("docker-compose is not installed: install Debian's docker-compose package (.ci/run does)");
    }
    throw new Error(`docker-compose rejected compose.yaml: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
}

describe('compose.yaml', () => {
  it('is valid Compose, with PostgreSQL healthy before the collector, which uses it through DATABASE_URL', async () => {
    const { services } = await composeConfig();
    const byDefault = Object.entries(services).filter(([, s]) => !s.profiles?.length).map(([name]) => name);
    expect(byDefault.sort()).toEqual(['collector', 'postgres']);
    const collector = services.collector ?? {};
    expect(collector.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\/\w+$/);
    expect(collector.environment?.HOST).toBe('0.0.0.0');
    expect(collector.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(services.postgres?.healthcheck?.test?.join(' ')).toContain('pg_isready');
  });

  it('publishes every port on 127.0.0.1 only', async () => {
    const { services } = await composeConfig();
    const ports = Object.values(services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+/);
  });

  it('sets only variables the collector reads', async () => {
    const { services } = await composeConfig();
    const known = configVariables();
    for (const name of ['collector', 'collector-a', 'collector-b']) {
      const unknown = Object.keys(services[name]?.environment ?? {}).filter((variable) => !known.has(variable));
      expect([name, unknown]).toEqual([name, []]);
    }
  });

  it('has a citus profile: a coordinator, two workers, two collectors on the coordinator behind a load balancer', async () => {
    const { services } = await composeConfig();
    const citus = Object.entries(services).filter(([, s]) => s.profiles?.includes('citus')).map(([name]) => name);
    expect(citus.sort()).toEqual(['balancer', 'citus-coordinator', 'citus-setup', 'citus-worker-1', 'citus-worker-2', 'collector-a', 'collector-b']);
    for (const name of ['collector-a', 'collector-b']) {
      expect(services[name]?.environment?.DATABASE_URL).toMatch(/@citus-coordinator:5432\/vantage$/);
      expect(services[name]?.environment?.TRUST_PROXY).toBe('1');
    }
    expect(services['citus-coordinator']?.image).toMatch(/^citusdata\/citus:/);
    expect(services['collector-a']?.depends_on?.['citus-setup']?.condition).toBe('service_completed_successfully');
    const nginx = await read('deploy/collectors.nginx.conf');
    expect(nginx).toContain('server collector-a:7315');
    expect(nginx).toContain('server collector-b:7315');
    expect(services.balancer?.volumes?.join(' ')).toContain('collectors.nginx.conf');
  });
});

describe('Dockerfile', () => {
  it('copies the manifest of every workspace before npm ci, and starts the built CLI', async () => {
    const dockerfile = await read('Dockerfile');
    const { workspaces } = JSON.parse(await read('package.json')) as { workspaces: string[] };
    for (const workspace of workspaces) expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
    expect(dockerfile.indexOf('RUN npm ci')).toBeGreaterThan(dockerfile.lastIndexOf('/package.json'));
    const flags = COLLECTOR_NODE_FLAGS.map((flag) => `"${flag}", `).join('');
    expect(dockerfile).toContain(`CMD ["node", ${flags}"collector/dist/cli.js", "serve"]`);
    const { bin } = JSON.parse(await read('collector/package.json')) as { bin: Record<string, string> };
    expect(bin.vantage).toBe('./dist/cli.js');
  });
});

describe('README', () => {
  it('has a configuration table row for every variable the collector reads', async () => {
    const readme = await read('README.md');
    const rows = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    const missing = [...configVariables()].filter((name) => !rows.has(name));
    expect(missing).toEqual([]);
    expect(rows.size).toBeGreaterThanOrEqual(configVariables().size);
  });

  it('gives the two quickstart commands that package.json defines', async () => {
    const readme = await read('README.md');
    const { scripts } = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
    expect(scripts.start).toContain(`&& node ${COLLECTOR_NODE_FLAGS.join(' ')} collector/dist/cli.js serve`);
    const ci = await read('.ci/run');
    expect(ci.trim().split('\n').at(-1)).toBe('npm test');
  });
});

describe('npm test', () => {
  it('type-checks the tests of every workspace that has any (vitest itself does not)', async () => {
    const { workspaces, scripts } = JSON.parse(await read('package.json')) as { workspaces: string[]; scripts: Record<string, string> };
    const { stdout } = await run('git', ['ls-files', '*.test.ts', '*.test.tsx'], { cwd: root });
    const tested = workspaces.filter((w) => stdout.split('\n').some((file) => file.startsWith(`${w}/`)));
    expect(tested.length).toBeGreaterThan(5);
    for (const workspace of tested) expect(scripts['typecheck:tests'], workspace).toContain(`tsc -p ${workspace}/tsconfig.tests.json`);
    expect(scripts.test).toContain('npm run typecheck:tests');
  });
});

/**
 * A real, throwaway PostgreSQL server for tests: `initdb` into a fresh temporary directory,
 * start it on a free port of 127.0.0.1, and remove everything on `stop()`.
 *
 * Uses the highest version under `/usr/lib/postgresql/<v>/bin` (Debian's layout), else
 * `initdb`/`pg_ctl` on PATH. initdb and postgres refuse to run as root, so as root (tests and
 * CI run as root) they run as the `postgres` system user that Debian's package creates.
 * Missing binaries are an error, never a silent skip: install Debian's `postgresql` package.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running server; `url` connects as the superuser `postgres` to database `postgres`. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, no password). */
  url: string;
  /** Stops the server (fast shutdown) and deletes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL server in a temporary directory. fsync stays on (the default), so the
 * server behaves like production; initdb skips its own sync to start faster.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = await findBinDir();
  const asPostgres = process.getuid?.() === 0 ? await postgresUser() : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'vantage-pg-'));
  const data = join(dir, 'data');
  if (asPostgres) await chown(dir, asPostgres.uid, asPostgres.gid);

  const exec = (tool: string, args: string[]) => {
    const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    return run(file, argv, { cwd: dir });
  };

  try {
    await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const port = await startOnFreePort(exec, data, dir);
    let stopped = false;
    const stopSync = () => {
      // Last resort when the test process exits without calling stop(): do not leak servers.
      if (stopped) return;
      try {
        const args = ['stop', '-D', data, '-m', 'immediate'];
        if (asPostgres) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { cwd: dir, stdio: 'ignore' });
        else execFileSync(join(bin, 'pg_ctl'), args, { cwd: dir, stdio: 'ignore' });
        execFileSync('rm', ['-rf', dir]);
      } catch {
        // Nothing more can be done while the process exits.
      }
    };
    process.once('exit', stopSync);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      async stop() {
        if (stopped) return;
        stopped = true;
        process.off('exit', stopSync);
        await exec('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

type Exec = (tool: string, args: string[]) => Promise<unknown>;

/** Starts the server on a free port, retrying if another process took the port meanwhile. */
async function startOnFreePort(exec: Exec, data: string, dir: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const settings = [
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      `-p ${port}`,
      // Small and quiet: tests open a few dozen connections at most on a 2-core machine.
      '-c max_connections=50',
      '-c shared_buffers=32MB',
      '-c log_min_messages=warning',
      '-c log_min_error_statement=panic',
    ].join(' ');
    try {
      await exec('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', settings]);
      return port;
    } catch (error) {
      const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '');
      if (attempt >= 3 || !/could not bind|address already in use/i.test(log)) {
        throw new Error(`PostgreSQL did not start: ${String(error)}\n${log}`);
      }
    }
  }
}

/** A port of 127.0.0.1 free right now (the caller binds it soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** How to get PostgreSQL's server binaries, for every message that finds them missing. */
export const INSTALL_HINT = "install Debian's `postgresql` package (apt-get install postgresql)";

/** The folder of PostgreSQL's server binaries, or null when they are not installed. */
export async function postgresBinDir(): Promise<string | null> {
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => [] as string[]);
  const debian = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
  const path = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return [...debian, ...path].find((dir) => ['initdb', 'pg_ctl', 'postgres'].every((tool) => existsSync(join(dir, tool)))) ?? null;
}

async function findBinDir(): Promise<string> {
  const bin = await postgresBinDir();
  if (!bin) throw new Error(`PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: ${INSTALL_HINT}`);
  return bin;
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error(`Running as root, PostgreSQL must run as the \`postgres\` user, which does not exist: ${INSTALL_HINT}`);
  }
}

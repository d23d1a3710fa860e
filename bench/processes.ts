/**
 * Child processes of the benchmark: spawned or forked with their output captured line by line,
 * stopped with SIGTERM (then SIGKILL after a grace period), and killed on any exit of the
 * benchmark, so a failure or Ctrl-C never leaves a server running.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (the parent of `bench/`). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How a child ended. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process started by the benchmark. */
export interface BenchChild {
  readonly name: string;
  readonly pid: number | undefined;
  /** Output lines so far (the last {@link KEPT_LINES} of each stream). */
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  /** The first stdout line matching `pattern` (already printed or still to come). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Send an IPC message and wait for the next one back (forked children only). */
  ask<T>(message: unknown, timeoutMs: number): Promise<T>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 15 s); resolves with how it ended. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

/** Lines of output kept per stream. */
const KEPT_LINES = 2000;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

function track(name: string, child: ChildProcess): BenchChild {
  live.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const lineListeners = new Set<(line: string) => void>();
  const keep = (lines: string[], line: string) => {
    lines.push(line);
    if (lines.length > KEPT_LINES) lines.shift();
  };
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(stdout, line);
      for (const listener of lineListeners) listener(line);
    });
  }
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => keep(stderr, line));

  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      if (status) return;
      status = { code, signal };
      live.delete(child);
      resolve(status);
    };
    child.once('exit', done);
    child.once('error', () => {
      // Failed to start (no 'exit' follows); a running child's errors end in 'exit'.
      if (child.pid === undefined) done(-1, null);
    });
  });
  const failure = (what: string) =>
    exited.then((s) => {
      const tail = stderr.slice(-20).join('\n');
      throw new Error(`bench: ${name} exited (${describeExit(s)}) while ${what}${tail ? `:\n${tail}` : ''}`);
    });
  const timeout = (ms: number, what: string) =>
    new Promise<never>((_, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench: ${name} did not finish ${what} within ${ms} ms`)), ms);
      void exited.then(() => clearTimeout(timer));
    });

  return {
    name,
    pid: child.pid,
    stdout,
    stderr,
    exited,
    waitForLine(pattern, timeoutMs) {
      const seen = stdout.map((line) => pattern.exec(line)).find((m) => m !== null);
      if (seen) return Promise.resolve(seen);
      let listener: ((line: string) => void) | undefined;
      const found = new Promise<RegExpExecArray>((resolve) => {
        listener = (line) => {
          const match = pattern.exec(line);
          if (match) resolve(match);
        };
        lineListeners.add(listener);
      });
      return Promise.race([found, failure(`waiting for ${pattern}`), timeout(timeoutMs, `printing ${pattern}`)]).finally(() => {
        if (listener) lineListeners.delete(listener);
      });
    },
    ask<T>(message: unknown, timeoutMs: number) {
      if (!child.send) return Promise.reject(new Error(`bench: ${name} has no IPC channel`));
      const answer = new Promise<T>((resolve, reject) => {
        child.once('message', (reply: unknown) => resolve(reply as T));
        child.send?.(message as object, (error) => error && reject(error));
      });
      return Promise.race([answer, failure('answering'), timeout(timeoutMs, 'answering')]);
    },
    async stop(graceMs = 15_000) {
      if (status) return status;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Spawn `command` with captured stdout and stderr. */
export function spawnChild(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): BenchChild {
  return track(name, spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Fork a TypeScript module of `bench/` under tsx with an IPC channel (structured clone). */
export function forkBenchModule(name: string, file: string, env: NodeJS.ProcessEnv = process.env, nodeFlags: readonly string[] = []): BenchChild {
  const modulePath = fileURLToPath(new URL(file, import.meta.url));
  return track(
    name,
    fork(modulePath, [], { cwd: REPO_ROOT, env, execArgv: [...nodeFlags, '--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }),
  );
}

/** Kill every child still running (SIGKILL); for the last-resort cleanup. */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
}

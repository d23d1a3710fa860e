/**
 * Test harness for the built `vantage` command (collector/dist/cli.js), run as a real process:
 * what a user runs after `npm run build`. The test command builds before it tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The built CLI; tests fail with a clear message when it is missing. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "npm run build" first (npm test does)`);
}

/** What a finished CLI run printed. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `vantage <args>` to completion with `env` added to a minimal environment. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env };
}

/** A `vantage serve` process. */
export interface ServeProcess {
  child: ChildProcess;
  /** Base URL from the start line. */
  url: string;
  /** Everything printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/** Start `vantage serve` and wait for its start line ("Vantage collector on <url>"). */
export async function startServe(env: Record<string, string>, timeoutMs = 60_000): Promise<ServeProcess> {
  assertBuilt();
  const child = spawn(process.execPath, [CLI_PATH, 'serve'], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  let settled = false;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`vantage serve did not start in ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // The demo keys, when there are any, are printed before the start line.
      const match = /Vantage collector on (http:\/\/\S+)/.exec(stdout);
      if (!settled && match?.[1]) {
        settled = true;
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then((code) => fail(new Error(`vantage serve exited (${code}) before starting; stderr: ${stderr}`)));
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited };
}

/** The `pk_…` and `sk_…` tokens printed in `text`, if any. */
export function printedKeys(text: string): { pk?: string; sk?: string } {
  return { pk: /\bpk_[A-Za-z0-9_-]+/.exec(text)?.[0], sk: /\bsk_[A-Za-z0-9_-]+/.exec(text)?.[0] };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The child's side of a forked worker: take one job over IPC, answer with its result or its
 * error, and exit. A worker whose parent goes away exits too.
 */
import type { WorkerAnswer } from './worker-protocol.js';

/**
 * Run `handle` on the first IPC message and answer; then exit, unless `keepRunning` (a server
 * that answers once it listens, and runs until SIGTERM or until its parent goes away).
 */
export function serveOneJob<J, R>(handle: (job: J) => Promise<R> | R, options: { keepRunning?: boolean } = {}): void {
  if (!process.send) throw new Error('bench: this module runs as a forked worker of bench/run.ts');
  process.on('disconnect', () => process.exit(2));
  process.once('message', (message: unknown) => {
    void (async () => {
      let answer: WorkerAnswer<R>;
      try {
        answer = { ok: true, value: await handle(message as J) };
      } catch (error) {
        answer = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      }
      process.send?.(answer, undefined, {}, () => {
        if (!options.keepRunning || !answer.ok) process.exit(answer.ok ? 0 : 1);
      });
    })();
  });
}

/** The value of a worker's answer, or an error carrying the worker's message. */
export function unwrapAnswer<T>(worker: string, answer: WorkerAnswer<T>): T {
  if (!answer.ok) throw new Error(`bench: ${worker} failed: ${answer.error}`);
  return answer.value;
}

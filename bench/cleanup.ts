/**
 * What the benchmark must undo however it ends: servers to stop, temporary folders to remove.
 * Undone last-in first-out; one failing step does not skip the others; a step runs once, whether
 * early (its owner is done with it) or in the final sweep, and the sweep waits for steps that
 * are still running early, so nothing is left half-undone when the process exits.
 */

/** A stack of undo steps; see {@link createCleanup}. */
export interface Cleanup {
  /** Add a step; returns a function that runs it now (once) and resolves when it is done. */
  defer(name: string, step: () => unknown): () => Promise<void>;
  /** Run every remaining step, newest first, and wait for any still running; resolves with the failures' messages. */
  runAll(): Promise<string[]>;
}

interface Entry {
  readonly name: string;
  readonly step: () => unknown;
  /** The step's run once started: null when it succeeded, else the failure message. */
  running?: Promise<string | null>;
}

/** Create an empty cleanup stack. */
export function createCleanup(): Cleanup {
  const pending: Entry[] = [];
  const started: Entry[] = [];
  const run = (entry: Entry): Promise<string | null> => {
    if (!entry.running) {
      const at = pending.indexOf(entry);
      if (at >= 0) pending.splice(at, 1);
      started.push(entry);
      entry.running = (async () => {
        try {
          await entry.step();
          return null;
        } catch (error) {
          return `${entry.name}: ${error instanceof Error ? error.message : String(error)}`;
        }
      })();
    }
    return entry.running;
  };
  return {
    defer(name, step) {
      const entry: Entry = { name, step };
      pending.push(entry);
      return async () => {
        const failure = await run(entry);
        if (failure) throw new Error(failure);
      };
    },
    async runAll() {
      const failures: string[] = [];
      const report = (failure: string | null) => failure && !failures.includes(failure) && failures.push(failure);
      for (let entry = pending.at(-1); entry; entry = pending.at(-1)) report(await run(entry));
      for (const failure of await Promise.all(started.map((e) => e.running))) report(failure ?? null);
      started.length = 0;
      return failures;
    },
  };
}

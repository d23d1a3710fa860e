/**
 * One process at a time on an embedded store. PGlite is a single-process database: a second
 * process opening the same directory (say `vantage keys create` while `vantage serve` runs)
 * would corrupt it. The lock is a file holding the owner's pid, created exclusively; a lock
 * whose process is gone is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** A held lock; `release()` removes it. */
export interface EmbeddedLock {
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock of the embedded store in `dataDir`; throws a clear error when another process holds it. */
export async function lockEmbeddedStore(dataDir: string): Promise<EmbeddedLock> {
  const path = join(dataDir, 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(
          `Vantage: the embedded store in ${dataDir} is in use by process ${owner}. ` +
            'Stop that process first, or run every process against PostgreSQL with DATABASE_URL.',
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`Vantage: could not lock the embedded store in ${dataDir}`);
}

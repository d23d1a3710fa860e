import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './index.js';

describe('the embedded store lock', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second open of a directory in use, and allows it after close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vantage-lock-'));
    dirs.push(dir);
    const first = await openStore({ dataDir: dir });
    await expect(openStore({ dataDir: dir })).rejects.toThrow(/in use by process \d+/);
    await first.close();
    const again = await openStore({ dataDir: dir });
    await again.ping();
    await again.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vantage-lock-'));
    dirs.push(dir);
    await writeFile(join(dir, 'pglite.lock'), '2147483646');
    const store = await openStore({ dataDir: dir });
    await store.ping();
    await store.close();
  });
});

import { describe, expect, it } from 'vitest';
import { createCleanup } from './cleanup.js';

describe('createCleanup', () => {
  it('undoes newest first and keeps going past a failing step', async () => {
    const cleanup = createCleanup();
    const done: string[] = [];
    cleanup.defer('start server', () => done.push('server'));
    cleanup.defer('make folder', () => {
      throw new Error('busy');
    });
    cleanup.defer('open database', async () => {
      await Promise.resolve();
      done.push('database');
    });
    expect(await cleanup.runAll()).toEqual(['make folder: busy']);
    expect(done).toEqual(['database', 'server']);
    expect(await cleanup.runAll()).toEqual([]);
  });

  it('runs a step early at most once and then forgets it', async () => {
    const cleanup = createCleanup();
    let stops = 0;
    const stop = cleanup.defer('stop', () => stops++);
    await stop();
    await stop();
    await cleanup.runAll();
    expect(stops).toBe(1);
  });

  it('waits for a step that is still running early', async () => {
    const cleanup = createCleanup();
    let release = () => {};
    let stopped = false;
    const stop = cleanup.defer('stop PostgreSQL', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      stopped = true;
    });
    const early = stop();
    const sweep = cleanup.runAll();
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    expect(await sweep).toEqual([]);
    expect(stopped).toBe(true);
    await early;
  });

  it('reports the failure of a step run early', async () => {
    const cleanup = createCleanup();
    const stop = cleanup.defer('stop PostgreSQL', () => Promise.reject(new Error('pg_ctl failed')));
    await expect(stop()).rejects.toThrow('stop PostgreSQL: pg_ctl failed');
  });
});

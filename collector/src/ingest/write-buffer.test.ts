import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { VantageEvent } from '@vantage/sdk-core/schema';
import { DRIVERS, openTestStore, storedEventCount } from '../testing/harness.js';
import type { Store } from '../storage/types.js';
import { createProject } from '../tenants/projects.js';
import type { AcceptedBatch } from './types.js';
import { createWriteBuffer } from './write-buffer.js';

const T0 = Date.UTC(2026, 10, 23, 9, 30);

function accepted(projectId: string, sessionId: string, seq: number, events = 10): AcceptedBatch {
  const list: VantageEvent[] = [];
  for (let i = 0; i < events; i++) list.push({ type: 'camera', t: T0 + i * 100, px: i, py: 0, pz: 0, qx: 0, qy: 0, qz: 0, qw: 32767 });
  return { projectId, sessionId, seq, sceneId: 'sofa', events: list, dropped: 0, deadLetters: [] };
}

describe.each(DRIVERS)('the group-commit write buffer on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
  });
  afterAll(() => cleanup?.());

  async function newProject(): Promise<string> {
    return (await createProject(store, { name: 'buffer', privacyMode: 'standard', retentionDays: 90 }, 'test')).project.id;
  }

  it('commits many requests in one transaction and answers each once it is stored', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store, { maxDelayMs: 5 });
    const writes = Array.from({ length: 300 }, (_, i) => buffer.write(accepted(projectId, `s${i}`, 0)));
    const results = await Promise.all(writes);
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(buffer.stats()).toMatchObject({ flushes: 1, batches: 300, events: 3_000, pending: 0, inflight: 0 });
    expect(await storedEventCount(store, projectId)).toBe(3_000);
  });

  it('splits a flush into batches of at most maxBatches', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store, { maxBatches: 40 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => buffer.write(accepted(projectId, `m${i}`, 0, 1))));
    expect(buffer.stats().flushes).toBe(3);
    expect(await storedEventCount(store, projectId)).toBe(100);
  });

  it('stores a batch and its copy in the same flush once, and a later retry not at all', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store);
    const [a, b] = await Promise.all([buffer.write(accepted(projectId, 'dup', 7)), buffer.write(accepted(projectId, 'dup', 7))]);
    expect([a?.duplicate, b?.duplicate]).toEqual([false, true]);
    expect(await buffer.write(accepted(projectId, 'dup', 7))).toEqual({ duplicate: true });
    expect(await storedEventCount(store, projectId)).toBe(10);
  });

  it('fails only the poisoned batch of a flush; the others are stored', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store);
    const good = [buffer.write(accepted(projectId, 'ok1', 0)), buffer.write(accepted(projectId, 'ok2', 0))];
    // A sequence number beyond int4: the database refuses the statement with a data error.
    const bad = buffer.write(accepted(projectId, 'bad', 2 ** 40));
    await expect(bad).rejects.toMatchObject({ code: '22003' });
    expect(await Promise.all(good)).toEqual([{ duplicate: false }, { duplicate: false }]);
    expect(await storedEventCount(store, projectId)).toBe(20);
  });

  it('writes loose dead letters under the nil project when no key was readable', async () => {
    const buffer = createWriteBuffer(store);
    const payload = new Uint8Array([0xc1, 0x00, 0xff]);
    await buffer.writeDeadLetters([{ projectId: '00000000-0000-0000-0000-000000000000', reason: 'undecodable', detail: 'bad\u0000bytes', contentType: 'application/msgpack', payload }]);
    const rows = await store.query<{ detail: string; payload: Uint8Array }>("SELECT detail, payload FROM dlq WHERE project_id = '00000000-0000-0000-0000-000000000000' AND detail LIKE 'bad%'");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.detail).toBe('bad\ufffdbytes');
    expect([...(rows[0]?.payload ?? [])]).toEqual([0xc1, 0x00, 0xff]);
  });

  it('drain() resolves only after everything written is stored', async () => {
    const projectId = await newProject();
    const buffer = createWriteBuffer(store, { maxDelayMs: 1_000 });
    const pending = Array.from({ length: 20 }, (_, i) => buffer.write(accepted(projectId, `d${i}`, 0)));
    expect(buffer.stats().pending).toBe(20);
    await buffer.drain();
    expect(buffer.stats()).toMatchObject({ pending: 0, inflight: 0 });
    expect(await storedEventCount(store, projectId)).toBe(200);
    await Promise.all(pending);
  });
});

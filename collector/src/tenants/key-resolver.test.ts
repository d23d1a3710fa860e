import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DRIVERS, openTestStore } from '../testing/harness.js';
import type { Store } from '../storage/types.js';
import { createKeyResolver } from './key-resolver.js';
import { createProject, listKeys, revokeKey, type CreatedKey, type Project } from './projects.js';

describe.each(DRIVERS)('key resolution on the %s store', (driver) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let project: Project;
  let pk: CreatedKey;
  let sk: CreatedKey;

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(driver, inject('postgresUrl')));
    const created = await createProject(store, { name: 'keys', privacyMode: 'standard', retentionDays: 90 }, 'test');
    project = created.project;
    [pk, sk] = created.keys as [CreatedKey, CreatedKey];
  });
  afterAll(() => cleanup?.());

  it('resolves pk and sk keys to their project and kind', async () => {
    const keys = createKeyResolver(store);
    expect(await keys.resolve(pk.token)).toEqual({ projectId: project.id, keyId: pk.id, kind: 'pk' });
    expect(await keys.resolve(sk.token)).toEqual({ projectId: project.id, keyId: sk.id, kind: 'sk' });
    await keys.stop();
  });

  it('asks the store once for many look-ups of one key, also when they arrive together', async () => {
    const keys = createKeyResolver(store);
    const query = vi.spyOn(store, 'query');
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => keys.resolve(pk.token)));
      for (let i = 0; i < 500; i++) answers.push(await keys.resolve(pk.token));
      expect(new Set(answers.map((a) => a?.keyId))).toEqual(new Set([pk.id]));
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
      await keys.stop();
    }
  });

  it('refuses unknown, forged and mangled tokens; malformed ones without asking the store', async () => {
    const keys = createKeyResolver(store);
    const query = vi.spyOn(store, 'query');
    try {
      expect(await keys.resolve('pk_tooshort')).toBeNull();
      expect(await keys.resolve('')).toBeNull();
      expect(query).not.toHaveBeenCalled();
      // The project part of a real key with another secret: well-formed, unknown.
      const forged = `${pk.token.slice(0, 25)}${'A'.repeat(32)}`;
      expect(await keys.resolve(forged)).toBeNull();
      // A real secret presented as the other kind.
      expect(await keys.resolve(`sk_${pk.token.slice(3)}`)).toBeNull();
    } finally {
      query.mockRestore();
      await keys.stop();
    }
  });

  it('writes last_used_at in one statement per interval, not per request', async () => {
    const keys = createKeyResolver(store, { lastUsedIntervalMs: 3_600_000 });
    for (let i = 0; i < 100; i++) {
      await keys.resolve(pk.token);
      await keys.resolve(sk.token);
    }
    const before = await listKeys(store, project.id);
    const lastUsedBefore = new Map(before.map((k) => [k.id, k.lastUsedAt?.getTime() ?? null]));
    const query = vi.spyOn(store, 'query');
    try {
      await keys.flushLastUsed();
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }
    const after = await listKeys(store, project.id);
    for (const key of after.filter((k) => k.id === pk.id || k.id === sk.id)) {
      expect(key.lastUsedAt).not.toBeNull();
      expect(key.lastUsedAt?.getTime()).not.toBe(lastUsedBefore.get(key.id));
    }
    await keys.stop();
  });

  it('stops accepting a revoked key once its cache entry expires', async () => {
    const { keys: [extra] } = await createProject(store, { name: 'revoke me', privacyMode: 'standard', retentionDays: 90 }, 'test');
    const keys = createKeyResolver(store, { ttlMs: 100 });
    expect(await keys.resolve(extra?.token ?? '')).not.toBeNull();
    const projectId = (await keys.resolve(extra?.token ?? ''))?.projectId ?? '';
    expect(await revokeKey(store, projectId, extra?.id ?? '', 'test')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await keys.resolve(extra?.token ?? '')).toBeNull();
    await keys.stop();
  });
});

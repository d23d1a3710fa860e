import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../storage/index.js';
import type { Row, Store } from '../storage/types.js';
import { DRIVERS, openTestStore } from '../testing/harness.js';
import { PrivacyError } from './errors.js';
import { ipHmac, visitorHmac } from './hmac.js';
import { pruneSalts } from './salts.js';
import { createVisitorHasher, type VisitorInput } from './visitor-hash.js';

const HOUR = 3_600_000;
/** Noon UTC, so a few hours either way stay inside one 24-hour period. */
const NOON = Date.UTC(2026, 10, 23, 12, 0, 0);
const IP = '203.0.113.77';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';

interface SaltRow extends Row {
  kind: string;
  period_hours: number;
  period_start: Date;
  expires_at: Date;
  salt: Buffer;
}

describe('visitorHmac and ipHmac', () => {
  const salt = Buffer.alloc(32, 7);

  it('length-delimit their inputs, so shifting characters between fields changes the hash', () => {
    expect(visitorHmac(salt, 'p', 'ab', 'c')).not.toBe(visitorHmac(salt, 'p', 'a', 'bc'));
    expect(visitorHmac(salt, 'pa', 'b', 'c')).not.toBe(visitorHmac(salt, 'p', 'ab', 'c'));
    expect(visitorHmac(salt, 'p', '', 'abc')).not.toBe(visitorHmac(salt, 'p', 'abc', ''));
    expect(visitorHmac(salt, 'p', 'a', 'b')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('depend on the salt', () => {
    expect(visitorHmac(salt, 'p', IP, UA)).not.toBe(visitorHmac(Buffer.alloc(32, 8), 'p', IP, UA));
    expect(ipHmac(salt, IP)).not.toBe(ipHmac(Buffer.alloc(32, 8), IP));
  });

  it('ipHmac is the first 16 bytes of the HMAC, as 32 hex characters', () => {
    expect(ipHmac(salt, IP)).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe.each(DRIVERS)('visitor hashes and salts on the %s store', (driver) => {
  let store: Store;
  let databaseUrl: string | undefined;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, databaseUrl, cleanup } = await openTestStore(driver, inject('postgresUrl')));
  });
  afterAll(() => cleanup?.());

  function setup(defaultRotationHours = 24, start = NOON) {
    const clock = { now: start };
    const projectId = randomUUID();
    const hasher = createVisitorHasher(store, { defaultRotationHours, now: () => clock.now });
    const visitor: VisitorInput = { projectId, ip: IP, userAgent: UA };
    return { clock, projectId, hasher, visitor };
  }

  const salts = (projectId: string, kind = 'visitor') =>
    store.query<SaltRow>('SELECT kind, period_hours, period_start, expires_at, salt FROM visitor_salts WHERE project_id = $1 AND kind = $2 ORDER BY period_start', [projectId, kind]);

  it('gives one visitor one hash per period, from the salt stored for it', async () => {
    const { projectId, hasher, visitor } = setup();
    const hash = await hasher.visitorHash(visitor);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await hasher.visitorHash(visitor)).toBe(hash);
    // The same address as a dual-stack socket reports it.
    expect(await hasher.visitorHash({ ...visitor, ip: `::ffff:${IP}` })).toBe(hash);
    expect(await hasher.visitorHash({ ...visitor, ip: '203.0.113.78' })).not.toBe(hash);
    expect(await hasher.visitorHash({ ...visitor, userAgent: `${UA} ` })).not.toBe(hash);
    expect(await hasher.visitorHash({ ...visitor, projectId: randomUUID() })).not.toBe(hash);

    const rows = await salts(projectId);
    expect(rows).toHaveLength(1);
    const [row] = rows as [SaltRow];
    expect(row.salt).toHaveLength(32);
    expect(row.period_hours).toBe(24);
    expect(row.period_start).toEqual(new Date(Date.UTC(2026, 10, 23)));
    expect(row.expires_at).toEqual(new Date(Date.UTC(2026, 10, 25)));
    expect(visitorHmac(row.salt, projectId, IP, UA)).toBe(hash);
  });

  it('rotates: the previous hash links a visit across one rotation, and after two no salt left reproduces the first hash', async () => {
    const { clock, projectId, hasher, visitor } = setup();
    const first = await hasher.visitorHash(visitor);
    expect(await hasher.previousVisitorHash(visitor)).toBeNull();
    // The first hash is recomputable while its salt exists, so the check at the end means something.
    const reproduces = async (hash: string) => (await salts(projectId)).some((row) => visitorHmac(row.salt, projectId, IP, UA) === hash);
    expect(await reproduces(first)).toBe(true);

    clock.now += 24 * HOUR;
    const second = await hasher.visitorHashes(visitor);
    expect(second.current).not.toBe(first);
    expect(second.previous).toBe(first);
    // Another collector process (no cache) sees the same salts.
    const other = createVisitorHasher(store, { defaultRotationHours: 24, now: () => clock.now });
    expect(await other.visitorHashes(visitor)).toEqual(second);
    expect((await salts(projectId)).map((r) => r.period_start.getTime())).toEqual([NOON - 12 * HOUR, NOON + 12 * HOUR]);

    clock.now += 24 * HOUR;
    const third = await hasher.visitorHashes(visitor);
    expect(third.previous).toBe(second.current);
    const left = await salts(projectId);
    expect(left.map((r) => r.period_start.getTime())).toEqual([NOON + 12 * HOUR, NOON + 36 * HOUR]);
    expect(await reproduces(first)).toBe(false);
    // Nor does any salt of any project or kind.
    const everything = await store.query<SaltRow>('SELECT salt FROM visitor_salts');
    for (const row of everything) expect(visitorHmac(row.salt, projectId, IP, UA)).not.toBe(first);
    // And no hasher can produce it any more.
    const fresh = createVisitorHasher(store, { defaultRotationHours: 24, now: () => clock.now });
    const now = await fresh.visitorHashes(visitor);
    expect([now.current, now.previous]).not.toContain(first);
  });

  it('never creates a salt for a past period', async () => {
    const { clock, projectId, hasher, visitor } = setup();
    clock.now += 48 * HOUR;
    expect(await hasher.previousVisitorHash(visitor)).toBeNull();
    expect(await salts(projectId)).toEqual([]);
  });

  it('uses the per-project rotation override instead of the default', async () => {
    const { clock, projectId, hasher, visitor } = setup(24);
    const hourly = { ...visitor, rotationHours: 1 };
    const daily = { ...visitor, rotationHours: null };
    const [h1, d1] = [await hasher.visitorHash(hourly), await hasher.visitorHash(daily)];
    clock.now += HOUR;
    expect(await hasher.visitorHash(hourly)).not.toBe(h1);
    expect(await hasher.previousVisitorHash(hourly)).toBe(h1);
    expect(await hasher.visitorHash(daily)).toBe(d1);
    const rows = await salts(projectId);
    expect(rows.map((r) => [r.period_hours, r.expires_at.getTime() - r.period_start.getTime()])).toEqual([
      [24, 48 * HOUR],
      [1, 2 * HOUR],
      [1, 2 * HOUR],
    ]);
    // A 168-hour default (HASH_ROTATION_HOURS=168) applies to projects without an override.
    const weekly = createVisitorHasher(store, { defaultRotationHours: 168, now: () => clock.now });
    const w1 = await weekly.visitorHash(daily);
    clock.now += 24 * HOUR;
    expect(await weekly.visitorHash(daily)).toBe(w1);
  });

  it('ipHash uses its own salt of the UTC day, kept for that day only', async () => {
    const { clock, projectId, hasher } = setup(1);
    const first = await hasher.ipHash(projectId, IP);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(await hasher.ipHash(projectId, `::ffff:${IP}`)).toBe(first);
    expect(await hasher.ipHash(projectId, '203.0.113.78')).not.toBe(first);
    clock.now += 5 * HOUR; // the visitor period is 1 hour; ip_hash stays daily
    expect(await hasher.ipHash(projectId, IP)).toBe(first);
    const [day] = (await salts(projectId, 'ip')) as [SaltRow];
    expect([day.period_hours, day.period_start, day.expires_at]).toEqual([24, new Date(Date.UTC(2026, 10, 23)), new Date(Date.UTC(2026, 10, 24))]);
    expect(ipHmac(day.salt, IP)).toBe(first);
    // Not the visitor salt.
    expect(await salts(projectId, 'visitor')).toEqual([]);

    clock.now += 24 * HOUR;
    const next = await hasher.ipHash(projectId, IP);
    expect(next).not.toBe(first);
    const left = await salts(projectId, 'ip');
    expect(left).toHaveLength(1);
    expect(ipHmac((left[0] as SaltRow).salt, IP)).toBe(next);
  });

  it('pruneSalts deletes the expired salts of every project and keeps the rest', async () => {
    const a = setup();
    const b = setup();
    await a.hasher.visitorHash(a.visitor);
    await b.hasher.visitorHash(b.visitor);
    await b.hasher.ipHash(b.projectId, IP);
    // Day 1 ends: the ip salt expires, the visitor salts are now "previous" and stay.
    expect(await pruneSalts(store, { now: new Date(NOON + 12 * HOUR) })).toBeGreaterThanOrEqual(1);
    expect(await salts(b.projectId, 'ip')).toEqual([]);
    expect(await salts(a.projectId)).toHaveLength(1);
    // Day 2 ends: they expire too.
    const deleted = await pruneSalts(store, { now: new Date(NOON + 36 * HOUR) });
    expect(deleted).toBeGreaterThanOrEqual(2);
    expect([...(await salts(a.projectId)), ...(await salts(b.projectId))]).toEqual([]);
  });

  it('two collector processes racing for a new salt agree on one', async () => {
    const projectId = randomUUID();
    const visitor = { projectId, ip: IP, userAgent: UA };
    // On PostgreSQL, a second store is a second connection pool, as a second process has.
    const second = driver === 'postgres' ? await openStore({ databaseUrl, dataDir: '' }) : store;
    try {
      const processes = [store, second].map((s) => Array.from({ length: 4 }, () => createVisitorHasher(s, { defaultRotationHours: 24, now: () => NOON })));
      const hashes = await Promise.all(processes.flat().flatMap((h) => Array.from({ length: 5 }, () => h.visitorHash(visitor))));
      expect(new Set(hashes).size).toBe(1);
      expect(await salts(projectId)).toHaveLength(1);
    } finally {
      if (second !== store) await second.close();
    }
  });

  it('sends nothing of the visitor to the store', async () => {
    const sent: unknown[] = [];
    const recording: Store = {
      ...store,
      kind: store.kind,
      db: store.db,
      query: <T extends Row = Row>(sql: string, params: unknown[] = []) => {
        sent.push(sql, ...params.map((p) => (p instanceof Uint8Array ? Buffer.from(p).toString('latin1') : String(p))));
        return store.query<T>(sql, params);
      },
    };
    const clock = { now: NOON };
    const hasher = createVisitorHasher(recording, { defaultRotationHours: 24, now: () => clock.now });
    const visitor = { projectId: randomUUID(), ip: IP, userAgent: UA };
    await hasher.visitorHashes(visitor);
    await hasher.ipHash(visitor.projectId, IP);
    clock.now += 24 * HOUR;
    await hasher.visitorHashes(visitor);
    await hasher.pruneSalts();
    expect(sent.length).toBeGreaterThan(0);
    const text = sent.join('\n');
    expect(text).not.toContain(IP);
    expect(text).not.toContain('Firefox');
  });
});

describe('visitor hash errors', () => {
  const failing = (message: (params: unknown[]) => string): Store =>
    ({
      kind: 'postgres',
      query: async (_sql: string, params: unknown[] = []) => {
        // A driver that quotes its parameters, salt included.
        throw Object.assign(new Error(message(params)), { parameters: params });
      },
    }) as unknown as Store;

  it('fail with a PrivacyError that carries neither the visitor nor the salt, and retry next time', async () => {
    let seen: unknown[] = [];
    const store = failing((params) => {
      seen = params;
      return `boom ${params.map((p) => (p instanceof Uint8Array ? Buffer.from(p).toString('hex') : String(p))).join(' ')}`;
    });
    const hasher = createVisitorHasher(store, { defaultRotationHours: 24, now: () => NOON });
    const error = await hasher.visitorHash({ projectId: randomUUID(), ip: IP, userAgent: UA }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrivacyError);
    expect(error).toMatchObject({ code: 'salt_unavailable' });
    expect((error as Error).cause).toBeUndefined();
    const salt = seen.find((p): p is Buffer => p instanceof Uint8Array);
    expect(salt).toBeDefined();
    const everything = JSON.stringify(error, Object.getOwnPropertyNames(error));
    expect(everything).not.toContain(IP);
    expect(everything).not.toContain('Firefox');
    expect(everything).not.toContain(Buffer.from(salt as Buffer).toString('hex'));
    // A failed load is not cached: the next call asks the store again.
    seen = [];
    await expect(hasher.visitorHash({ projectId: randomUUID(), ip: IP, userAgent: UA })).rejects.toThrow(PrivacyError);
    expect(seen.length).toBeGreaterThan(0);
  });
});

/**
 * Visitor hashes and `ip_hash` under rotating salts, with the salts cached in memory per period.
 * This is where a raw IP address and user agent become something that may be stored: only the
 * hashes leave, and nothing of the visitor's input ever goes to the store (it holds salts only).
 */
import type { Store } from '../storage/types.js';
import { ipHmac, visitorHmac } from './hmac.js';
import { normaliseIp } from './ip.js';
import { ensureSalt, findSalt, IP_SALT_PERIOD_HOURS, pruneSalts, saltPeriod, type SaltKind, type SaltPeriod } from './salts.js';

/** One visitor as the collector saw them. */
export interface VisitorInput {
  projectId: string;
  /** The project's `hash_rotation_hours`; null or absent uses the hasher's default. */
  rotationHours?: number | null | undefined;
  /** The client address (`clientAddress`); any IP form, canonicalised here. Null if unknown. */
  ip: string | null;
  /** The `User-Agent` header as sent; null or absent counts as empty. */
  userAgent: string | null | undefined;
}

/** The visitor hashes of one request: see {@link VisitorHasher.visitorHashes}. */
export interface VisitorHashes {
  /** Under the current period's salt: the one to store. */
  current: string;
  /** Under the previous period's salt, or null when there is none (not created afterwards). */
  previous: string | null;
}

/** Computes hashes under the right salt; see {@link createVisitorHasher}. */
export interface VisitorHasher {
  /** The visitor hash for now: 64 hex characters. Creates the period's salt on first use. */
  visitorHash(input: VisitorInput): Promise<string>;
  /**
   * The visitor hash under the previous period's salt, or null when that salt does not exist
   * (nobody was hashed then, or it has expired). For session continuity across a rotation: a
   * visit whose stored hash equals this one is the same visitor. Never creates a salt.
   */
  previousVisitorHash(input: VisitorInput): Promise<string | null>;
  /** Both at once. */
  visitorHashes(input: VisitorInput): Promise<VisitorHashes>;
  /** `ip_hash`: the IP under the project's salt of the current UTC day, 32 hex characters (16 bytes). */
  ipHash(projectId: string, ip: string | null): Promise<string>;
  /** Delete expired salts of every project (see `pruneSalts`); returns how many went. */
  pruneSalts(): Promise<number>;
}

/** Options of {@link createVisitorHasher}. */
export interface VisitorHasherOptions {
  /** `HASH_ROTATION_HOURS` (1–8760): the period of projects without their own setting. */
  defaultRotationHours: number;
  /** The clock, epoch ms; default `Date.now`. Tests move it to rotate salts. */
  now?: () => number;
  /**
   * Called when deleting expired salts at a rotation fails (the hash itself is still returned;
   * the salt rotation job retries). Default: ignore.
   */
  onPruneError?: (error: unknown) => void;
}

/** Largest number of cached salts before the cache is swept; a salt is 32 bytes. */
const MAX_CACHED_SALTS = 100_000;

/**
 * A hasher over `store`. Salts are created lazily by whichever collector process needs them
 * first and cached per period; the first use of a new period in this process also deletes the
 * project's expired salts. Errors are {@link PrivacyError}s that never carry the IP or user agent.
 */
export function createVisitorHasher(store: Store, options: VisitorHasherOptions): VisitorHasher {
  const now = options.now ?? Date.now;
  const onPruneError = options.onPruneError ?? (() => undefined);
  const cache = new Map<string, { expiresAt: number; salt: Promise<Buffer | null> }>();

  let sweptAt = Number.NEGATIVE_INFINITY;

  /** Forget expired salts (at most once a minute), and everything if the cache grew too big. */
  function sweep(at: number): void {
    if (cache.size >= MAX_CACHED_SALTS) cache.clear();
    if (at - sweptAt < 60_000) return;
    sweptAt = at;
    for (const [key, entry] of cache) if (entry.expiresAt <= at) cache.delete(key);
  }

  function cached(projectId: string, period: SaltPeriod, load: () => Promise<Buffer | null>): Promise<Buffer | null> {
    const key = `${projectId}|${period.kind}|${period.hours}|${period.start.getTime()}`;
    const hit = cache.get(key);
    if (hit) return hit.salt;
    sweep(now());
    const salt = load();
    cache.set(key, { expiresAt: period.expiresAt.getTime(), salt });
    salt.catch(() => cache.delete(key));
    return salt;
  }

  async function currentSalt(projectId: string, kind: SaltKind, hours: number, at: number): Promise<Buffer> {
    const period = saltPeriod(kind, hours, at);
    const salt = await cached(projectId, period, async () => {
      const created = await ensureSalt(store, projectId, period);
      // A new period in this process: the rotation. Expired salts go now, not at the next job run.
      await pruneSalts(store, { projectId, now: new Date(at) }).catch(onPruneError);
      return created;
    });
    // ensureSalt never resolves to null.
    return salt as Buffer;
  }

  function previousSalt(projectId: string, hours: number, at: number): Promise<Buffer | null> {
    const period = saltPeriod('visitor', hours, at, -1);
    // Still cached from when it was current, or read once (a null answer holds for the period).
    return cached(projectId, period, () => findSalt(store, projectId, period));
  }

  const hoursOf = (input: VisitorInput) => input.rotationHours ?? options.defaultRotationHours;
  const parts = (input: VisitorInput) => [canonicalIp(input.ip), typeof input.userAgent === 'string' ? input.userAgent : ''] as const;

  async function current(input: VisitorInput, at: number): Promise<string> {
    const salt = await currentSalt(input.projectId, 'visitor', hoursOf(input), at);
    return visitorHmac(salt, input.projectId, ...parts(input));
  }

  async function previous(input: VisitorInput, at: number): Promise<string | null> {
    const salt = await previousSalt(input.projectId, hoursOf(input), at);
    return salt ? visitorHmac(salt, input.projectId, ...parts(input)) : null;
  }

  return {
    visitorHash: (input) => current(input, now()),
    previousVisitorHash: (input) => previous(input, now()),
    async visitorHashes(input) {
      // One instant for both, so they are never two periods apart at a rotation.
      const at = now();
      const [currentHash, previousHash] = await Promise.all([current(input, at), previous(input, at)]);
      return { current: currentHash, previous: previousHash };
    },
    async ipHash(projectId, ip) {
      const salt = await currentSalt(projectId, 'ip', IP_SALT_PERIOD_HOURS, now());
      return ipHmac(salt, canonicalIp(ip));
    },
    pruneSalts: () => pruneSalts(store, { now: new Date(now()) }),
  };
}

function canonicalIp(ip: string | null): string {
  if (typeof ip !== 'string') return '';
  return normaliseIp(ip) ?? ip;
}

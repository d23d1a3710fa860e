/**
 * Resolving a presented key to its project, with a small in-process cache so the hot path does
 * not query the database per request, and `last_used_at` written in one statement per interval
 * instead of one write per request.
 */
import type { Store } from '../storage/types.js';
import { hashToken, parseToken, type KeyKind } from './tokens.js';

/** What a valid key stands for. */
export interface ResolvedKey {
  projectId: string;
  keyId: string;
  kind: KeyKind;
  /** Set for a dashboard session (an operator's cookie): the operator's role in the project. */
  operatorRole?: 'admin' | 'viewer';
}

/** Resolves keys; see {@link createKeyResolver}. */
export interface KeyResolver {
  /** The key's project and kind, or null when unknown or revoked. */
  resolve(token: string): Promise<ResolvedKey | null>;
  /** Forget cached answers (all, or one token's), e.g. after a revocation in this process. */
  invalidate(token?: string): void;
  /** Write pending `last_used_at` updates now. */
  flushLastUsed(): Promise<void>;
  /** Stop the timer and write pending updates. */
  stop(): Promise<void>;
}

/** Cache and write-back settings. */
export interface KeyResolverOptions {
  /** How long a positive answer is trusted, ms (default 30 s; a revocation elsewhere takes this long). */
  ttlMs?: number;
  /** How long a negative answer is trusted, ms (default 5 s). */
  negativeTtlMs?: number;
  /** How often `last_used_at` is written, ms (default 30 s). */
  lastUsedIntervalMs?: number;
  /** Most cached tokens before the cache is cleared (default 10,000). */
  maxEntries?: number;
}

/** Create a key resolver over `store`. */
export function createKeyResolver(store: Store, options: KeyResolverOptions = {}): KeyResolver {
  const ttlMs = options.ttlMs ?? 30_000;
  const negativeTtlMs = options.negativeTtlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { value: ResolvedKey | null; expires: number }>();
  const inflight = new Map<string, Promise<ResolvedKey | null>>();
  const used = new Map<string, ResolvedKey>();

  async function lookup(token: string): Promise<ResolvedKey | null> {
    const claim = parseToken(token);
    if (!claim) return null;
    const rows = await store.query<{ id: string; kind: KeyKind }>(
      'SELECT id, kind FROM api_keys WHERE project_id = $1 AND token_hash = $2 AND revoked_at IS NULL',
      [claim.projectId, hashToken(token)],
    );
    const row = rows[0];
    if (!row || row.kind !== claim.kind) return null;
    return { projectId: claim.projectId, keyId: row.id, kind: row.kind };
  }

  async function flushLastUsed(): Promise<void> {
    if (used.size === 0) return;
    const keys = [...used.values()];
    used.clear();
    await store.query(
      `UPDATE api_keys AS k SET last_used_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS u(p uuid, i uuid)
       WHERE k.project_id = u.p AND k.id = u.i`,
      [JSON.stringify(keys.map((k) => ({ p: k.projectId, i: k.keyId })))],
    );
  }

  const timer = setInterval(() => {
    flushLastUsed().catch(() => undefined);
  }, options.lastUsedIntervalMs ?? 30_000);
  timer.unref();

  return {
    async resolve(token) {
      const now = Date.now();
      const hit = cache.get(token);
      let value: ResolvedKey | null;
      if (hit && hit.expires > now) {
        value = hit.value;
      } else {
        let pending = inflight.get(token);
        if (!pending) {
          pending = lookup(token).finally(() => inflight.delete(token));
          inflight.set(token, pending);
        }
        value = await pending;
        if (cache.size >= maxEntries) cache.clear();
        cache.set(token, { value, expires: now + (value ? ttlMs : negativeTtlMs) });
      }
      if (value) used.set(value.keyId, value);
      return value;
    },
    invalidate(token) {
      if (token === undefined) cache.clear();
      else cache.delete(token);
    },
    flushLastUsed,
    async stop() {
      clearInterval(timer);
      await flushLastUsed();
    },
  };
}

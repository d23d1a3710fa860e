/**
 * Open live connections outlive the check made at their upgrade; this is the later check: which
 * of the keys behind open connections are still active. A connection whose key was revoked
 * since is closed by the hub (1008) on its next sweep.
 */
import type { Store } from '../storage/types.js';
import type { ResolvedKey } from '../tenants/key-resolver.js';

/** `projectId/keyId` of those of `keys` that are not revoked. */
export async function activeKeys(store: Store, keys: readonly ResolvedKey[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await store.query<{ p: string; k: string }>(
    `SELECT k.project_id::text AS p, k.id::text AS k FROM api_keys k
       JOIN jsonb_to_recordset($1::jsonb) AS x(p uuid, k uuid) ON k.project_id = x.p AND k.id = x.k
      WHERE k.revoked_at IS NULL`,
    [JSON.stringify(keys.map((key) => ({ p: key.projectId, k: key.keyId })))],
  );
  return new Set(rows.map((r) => `${r.p}/${r.k}`));
}

/**
 * The dead-letter queue of the key's project (sk keys and admins' dashboard sessions; not viewers):
 * - `GET /api/v1/dlq`: entries newest first with a payload preview, keyset paging like the audit
 *   trail, filters `?reason=`, `?replayed=true|false`, `?since=`, `?until=`;
 * - `GET /api/v1/dlq/:id`: one entry with its payload (base64, keys masked) and envelope;
 * - `POST /api/v1/dlq/replay` `{ids: [...]}`: re-run entries through the current pipeline.
 */
import type { Context } from 'koa';
import { getDeadLetter, listDeadLetters, type DeadLetterItem } from '../../dlq/list.js';
import { MAX_REPLAY_IDS, replayDeadLetters, ReplayWriteError } from '../../dlq/replay.js';
import { actorOf, authenticateRequest, checkOrigin, requireAdmin } from '../auth.js';
import { readJson } from '../body.js';
import { isUuid, parsePageBounds, singleParam, toPage, type Page } from '../cursor.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { auditStatement } from '../../tenants/audit.js';
import type { ResolvedKey } from '../../tenants/key-resolver.js';

async function secretKey(ctx: Context, deps: AppDeps): Promise<ResolvedKey> {
  const key = await authenticateRequest(ctx, deps);
  await deps.limits.take(key, 'dlq');
  requireAdmin(key);
  await checkOrigin(ctx, deps, key.projectId);
  return key;
}

function invalid(message: string): HttpError {
  return new HttpError(400, 'invalid_payload', message);
}

function reasonOf(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (!/^[a-z_]{1,64}$/.test(raw)) throw invalid('reason must be a drop reason like invalid_field, undecodable or invalid_envelope');
  return raw;
}

function replayedOf(raw: string | undefined): boolean | null {
  if (raw === undefined) return null;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalid('replayed must be true or false');
}

/** `GET /api/v1/dlq`. */
export function listDlq(deps: AppDeps) {
  return async function listDlqHandler(ctx: Context): Promise<void> {
    const key = await secretKey(ctx, deps);
    const page = parsePageBounds(ctx.query);
    const reason = reasonOf(singleParam(ctx.query, 'reason'));
    const replayed = replayedOf(singleParam(ctx.query, 'replayed'));
    const rows = await listDeadLetters(deps.store, key.projectId, { ...page, limit: page.limit + 1, reason, replayed });
    const body: Page<DeadLetterItem> = toPage(rows, page.limit, (row) => ({ at: row.cursorAt, id: row.item.id }), (row) => row.item);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  };
}

/** `GET /api/v1/dlq/:id`: `404 not_found` for an id that is not one of this project's entries. */
export function getDlqEntry(deps: AppDeps) {
  return async function getDlqEntryHandler(ctx: Context): Promise<void> {
    const key = await secretKey(ctx, deps);
    const id = ctx.params.id;
    const entry = isUuid(id) ? await getDeadLetter(deps.store, key.projectId, id.toLowerCase()) : null;
    if (!entry) throw new HttpError(404, 'not_found', 'no such DLQ entry in this project');
    // The whole raw payload is a raw-data read: audited, and not served without its audit row.
    const audit = auditStatement(key.projectId, actorOf(key), 'dlq.read', entry.id, { reason: entry.reason });
    await deps.store.transaction([audit]).catch(() => {
      throw new HttpError(503, 'unavailable', 'storage is unavailable; retry later', 2);
    });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = entry;
  };
}

/** The distinct, lower-case ids of a replay request; `400` for anything else. */
export function parseReplayIds(body: unknown): string[] {
  const ids = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { ids?: unknown }).ids : undefined;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > MAX_REPLAY_IDS) {
    throw invalid(`send {"ids": [...]} with 1..${MAX_REPLAY_IDS} DLQ entry ids`);
  }
  const distinct = new Set<string>();
  ids.forEach((id: unknown, i) => {
    if (!isUuid(id)) throw invalid(`ids[${i}] is not a uuid`);
    distinct.add(id.toLowerCase());
  });
  return [...distinct];
}

/** `POST /api/v1/dlq/replay`: `200 {replayed, stillInvalid, alreadyReplayed, notFound, dropped}`. */
export function replayDlq(deps: AppDeps) {
  return async function replayDlqHandler(ctx: Context): Promise<void> {
    const key = await secretKey(ctx, deps);
    const ids = parseReplayIds(await readJson(ctx));
    try {
      ctx.body = await replayDeadLetters(deps, key.projectId, actorOf(key), ids);
    } catch (error) {
      if (error instanceof ReplayWriteError) throw new HttpError(503, 'unavailable', 'storage is unavailable; retry later (replaying again is safe)', 2);
      throw error;
    }
  };
}

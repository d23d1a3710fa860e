/**
 * `GET /api/v1/audit` (sk): the key's project's own audit trail, newest first, with keyset
 * paging (`?limit=` 1..500, default 100; `?cursor=` from `nextCursor`) and optional filters
 * `?action=` (exact, e.g. `dlq.replay`) and `?since=` (inclusive) / `?until=` (exclusive).
 */
import type { Context } from 'koa';
import { authenticateRequest, checkOrigin, requireSecretKey } from '../auth.js';
import { cursorAtSql, parsePageBounds, singleParam, toPage, type Page } from '../cursor.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

/** One audit row as the API shows it. */
export interface AuditItem {
  id: string;
  /** When it happened, ISO 8601 (UTC, milliseconds). */
  at: string;
  /** Who acted: `key:<key id>`, `cli`, `system`… */
  actor: string;
  /** What was done, e.g. `key.create`, `scene.update`, `dlq.replay`. */
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

interface AuditRow extends Record<string, unknown> {
  id: string;
  at: Date;
  cursor_at: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

const LIST_SQL = `
SELECT id, at, ${cursorAtSql('at')} AS cursor_at, actor, action, target, detail
FROM audit_log
WHERE project_id = $1
  AND at >= $2::timestamptz AND at < $3::timestamptz
  AND at <= $4::timestamptz AND (at, id) < ($4::timestamptz, $5::uuid)
  AND ($6::text IS NULL OR action = $6::text)
ORDER BY at DESC, id DESC
LIMIT $7`;

function actionOf(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (!/^[a-z0-9_.:-]{1,100}$/i.test(raw)) throw new HttpError(400, 'invalid_payload', 'action must be 1–100 letters, digits or _ . : -, like dlq.replay');
  return raw;
}

/** The `GET /api/v1/audit` handler. */
export function listAudit(deps: AppDeps) {
  return async function listAuditHandler(ctx: Context): Promise<void> {
    const key = await authenticateRequest(ctx, deps);
    await deps.limits.take(key, 'audit');
    requireSecretKey(key);
    await checkOrigin(ctx, deps, key.projectId);
    const page = parsePageBounds(ctx.query);
    const action = actionOf(singleParam(ctx.query, 'action'));
    const rows = await deps.store.query<AuditRow>(LIST_SQL, [
      key.projectId, page.since, page.until, page.afterAt, page.afterId, action, page.limit + 1,
    ]);
    const body: Page<AuditItem> = toPage(
      rows,
      page.limit,
      (row) => ({ at: row.cursor_at, id: row.id }),
      (row) => ({ id: row.id, at: row.at.toISOString(), actor: row.actor, action: row.action, target: row.target, detail: row.detail }),
    );
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  };
}

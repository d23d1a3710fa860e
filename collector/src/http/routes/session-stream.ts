/**
 * `GET /api/v1/sessions/:id/events` (sk): one session's raw stream, for replay. Only with
 * `ENABLE_RAW_SESSION_RETENTION=true`; otherwise `403 raw_retention_disabled`, before anything
 * is read. `?from=`/`?to=` (epoch ms or ISO 8601, inclusive) read just the chunks of that range.
 * `Accept: application/msgpack` answers msgpack; anything else NDJSON: a first line with the
 * session (`{"session": {...}}`), then one event per line. Another project's session is `404`.
 */
import type { Context } from 'koa';
import { Packr } from 'msgpackr';
import { readSessionStream, type StreamRange } from '../../streams/read-stream.js';
import { authenticateRequest, checkOrigin, requireSecretKey } from '../auth.js';
import { parseInstant, singleParam, type QueryParams } from '../cursor.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

const packr = new Packr({ useRecords: false });

/** Refuse every path that would expose one session's events while raw retention is off. */
export function requireRawRetention(deps: AppDeps): void {
  if (!deps.config.rawSessionRetention) {
    throw new HttpError(403, 'raw_retention_disabled', 'raw session streams are not kept on this collector (ENABLE_RAW_SESSION_RETENTION is off): replay and per-session event queries are unavailable');
  }
}

function instantMs(query: QueryParams, name: string): number | undefined {
  const raw = singleParam(query, name);
  if (raw === undefined) return undefined;
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  return Date.parse(parseInstant(name, raw) as string);
}

/** The handler. */
export function sessionStream(deps: AppDeps) {
  return async function sessionStreamHandler(ctx: Context): Promise<void> {
    const key = await authenticateRequest(ctx, deps);
    requireSecretKey(key);
    await deps.limits.take(key, 'stream');
    await checkOrigin(ctx, deps, key.projectId);
    requireRawRetention(deps);
    const sessionId = String(ctx.params.id);
    if (sessionId.length < 1 || sessionId.length > 128) throw new HttpError(404, 'not_found', 'no such session');
    const range: StreamRange = { fromMs: instantMs(ctx.query, 'from'), toMs: instantMs(ctx.query, 'to') };
    if (range.fromMs !== undefined && range.toMs !== undefined && range.fromMs > range.toMs) throw new HttpError(400, 'invalid_payload', 'from must not be after to');
    const stream = await readSessionStream(deps.store, deps.validators, key.projectId, sessionId, range);
    if (!stream) throw new HttpError(404, 'not_found', 'no such session');
    ctx.set('Cache-Control', 'private, no-store');
    ctx.vary('Accept');
    if ((ctx.get('Accept') || '').includes('application/msgpack')) {
      ctx.type = 'application/msgpack';
      ctx.body = packr.pack(stream);
      return;
    }
    ctx.type = 'application/x-ndjson';
    ctx.body = [JSON.stringify({ session: stream.session }), ...stream.events.map((e) => JSON.stringify(e))].join('\n') + '\n';
  };
}

/**
 * `POST /api/v1/collect`: decode → authenticate → check origin → check envelope → validate each
 * event → write durably → `202 {accepted, dropped}`. A body that cannot be decoded is `400` and
 * kept in the DLQ; bad events are dropped one by one and kept in the DLQ; the rest is accepted.
 */
import type { Context } from 'koa';
import type { WireBatch } from '@vantage/sdk-core/schema';
import { voxelSizeOf } from '../../aggregates/heatmaps.js';
import { maskKeys } from '../../dlq/preview.js';
import { decodeBody, encodeBody, mediaType } from '../../ingest/decode-body.js';
import { validateEvents } from '../../ingest/validate-events.js';
import type { DlqEntry } from '../../ingest/types.js';
import { PrivacyError } from '../../privacy/errors.js';
import { minimiseBatchValue } from '../../privacy/events.js';
import type { SessionHints } from '../../privacy/visitor.js';
import { NIL_PROJECT_ID } from '../../storage/index.js';
import { authenticate, bearerToken, checkOrigin } from '../auth.js';
import { readBody } from '../body.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

/** Most bytes of an undecodable body kept when no key names its project. */
export const ANONYMOUS_DEAD_LETTER_BYTES = 4096;

function unavailable(): HttpError {
  return new HttpError(503, 'unavailable', 'storage is unavailable; retry later', 2);
}

async function keepDeadLetter(deps: AppDeps, entry: DlqEntry): Promise<void> {
  await deps.buffer.writeDeadLetters([entry]).catch(() => {
    throw unavailable();
  });
}

/** The collect handler. */
export function collect(deps: AppDeps) {
  return async function collectHandler(ctx: Context): Promise<void> {
    const receivedAt = deps.clock ? deps.clock() : Date.now();
    const contentType = mediaType(ctx.get('Content-Type'));
    const body = await readBody(ctx, deps.config.maxBodyBytes);
    const headerToken = bearerToken(ctx);
    const decoded = decodeBody(body, contentType);

    if (!decoded.ok) {
      // Without a readable body only the header can name the project. A body nobody vouches
      // for (no key) is kept only in part, so anonymous senders cannot fill the DLQ.
      let projectId = NIL_PROJECT_ID;
      let payload = body;
      let detail = decoded.detail;
      if (headerToken) {
        const key = await authenticate(deps, headerToken);
        await deps.limits.take(key, 'collect');
        projectId = key.projectId;
        await checkOrigin(ctx, deps, projectId);
      } else if (body.byteLength > ANONYMOUS_DEAD_LETTER_BYTES) {
        payload = body.subarray(0, ANONYMOUS_DEAD_LETTER_BYTES);
        detail = `${detail} (first ${ANONYMOUS_DEAD_LETTER_BYTES} of ${body.byteLength} bytes kept: no key)`;
      }
      await keepDeadLetter(deps, { projectId, reason: 'undecodable', detail, contentType, payload: maskKeys(payload) });
      throw new HttpError(400, 'invalid_payload', decoded.detail);
    }

    const value = decoded.value;
    const bodyKey =
      value !== null && typeof value === 'object' && typeof (value as { key?: unknown }).key === 'string'
        ? (value as { key: string }).key
        : undefined;
    const key = await authenticate(deps, headerToken ?? bodyKey);
    await deps.limits.take(key, 'collect');
    await checkOrigin(ctx, deps, key.projectId);

    const envelopeError = deps.validators.checkEnvelope(value);
    if (envelopeError) {
      const detail = `invalid batch envelope: ${envelopeError}`;
      // Kept for replay, with the events it carries minimised like any dead letter's.
      const minimised = minimiseBatchValue(value);
      const payload = maskKeys(minimised ? encodeBody(minimised, contentType) : body);
      await keepDeadLetter(deps, { projectId: key.projectId, reason: 'invalid_envelope', detail, contentType, payload });
      throw new HttpError(400, 'invalid_payload', detail);
    }

    const batch = value as WireBatch;
    const project = await deps.tenants.project(key.projectId);
    if (!project) throw new HttpError(401, 'invalid_api_key', 'the key\'s project no longer exists');
    // The raw address and user agent go to the privacy module and nowhere else.
    const sender = {
      socketAddress: ctx.req.socket.remoteAddress,
      forwardedFor: ctx.req.headers['x-forwarded-for'],
      userAgent: ctx.req.headers['user-agent'],
    };
    if (deps.visitors.isBot(sender)) {
      const dropped = { bot: batch.events.length };
      await deps.buffer.recordDrops({ projectId: key.projectId, at: receivedAt, counts: dropped }).catch(() => {
        throw unavailable();
      });
      ctx.status = 202;
      ctx.body = { accepted: 0, dropped };
      return;
    }
    const scene = await deps.tenants.scene(key.projectId, batch.scene);
    const { batch: accepted, dropped } = validateEvents(batch, {
      projectId: key.projectId,
      capture: scene.capture,
      validators: deps.validators,
      receivedAt,
      contentType,
      privacyMode: project.privacyMode,
    });
    const start = accepted.events.find((e) => e.type === 'session_start');
    const hints: SessionHints | undefined =
      start?.type === 'session_start' ? { url: start.url, referrer: start.referrer, gpu: start.gpu, lang: start.lang } : undefined;
    const sessionKey = `${key.projectId}\u0000${batch.sid}`;
    const identity = { anonymousId: batch.anon, userId: batch.user };
    const visitor = await deps.visitors.describe(sender, project, sessionKey, hints, identity).catch((error: unknown) => {
      if (error instanceof PrivacyError) throw unavailable();
      throw error;
    });
    accepted.session = { privacyMode: project.privacyMode, ...visitor };
    accepted.fold = {
      deviceType: visitor.segment?.deviceType ?? '',
      browser: visitor.segment?.browser ?? '',
      voxelMm: voxelSizeOf(scene.voxelSizeMm, scene.bounds),
      visitorHashTtlMs: (project.hashRotationHours ?? deps.config.hashRotationHours) * 3_600_000,
    };
    const result = await deps.buffer.write(accepted).catch(() => {
      deps.visitors.notStored(sessionKey);
      throw unavailable();
    });
    ctx.status = 202;
    ctx.body = result.duplicate
      ? { accepted: accepted.events.length, dropped, duplicate: true }
      : { accepted: accepted.events.length, dropped };
  };
}

/**
 * The messages of `WS /api/v1/live`, one JSON object per text frame, each with a `type`.
 *
 * Client → server: `{type:"follow", session}` (one followed session per connection; a new
 * follow replaces the previous one) and `{type:"unfollow"}`.
 *
 * Server → client: `presence` at connect and every ~2 s; `following` once a follow is in
 * place; `events` for each new batch of the followed session; `error` for a refused or
 * malformed message (the connection stays open).
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';

/** Sessions of the key's project that sent a batch in the presence window, by scene id. */
export interface PresenceMessage {
  type: 'presence';
  scenes: Record<string, number>;
  /** When it was counted, epoch ms. */
  at: number;
}

/** The follow is in place: every batch of `session` acknowledged from now on follows. */
export interface FollowingMessage {
  type: 'following';
  session: string;
}

/** One new batch of the followed session, decoded as `GET /api/v1/sessions/:id/events` answers events. */
export interface EventsMessage {
  type: 'events';
  session: string;
  /** The batch's sequence number (batches may arrive out of order under load). */
  seq: number;
  events: VantageEvent[];
}

/** Stable codes of live errors: the HTTP surface's where one applies. */
export type LiveErrorCode = 'raw_retention_disabled' | 'not_found' | 'invalid_payload';

/** A refused or malformed client message. */
export interface ErrorMessage {
  type: 'error';
  error: LiveErrorCode;
  message: string;
}

/** Everything the server sends. */
export type ServerMessage = PresenceMessage | FollowingMessage | EventsMessage | ErrorMessage;

/** Everything a client may send. */
export type ClientMessage = { type: 'follow'; session: string } | { type: 'unfollow' };

/** Largest client frame accepted, bytes; a larger one closes the connection (1009). */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;

/** A client frame as a message, or the error to answer. */
export function parseClientMessage(data: string): ClientMessage | ErrorMessage {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return invalid('a message is one JSON object, e.g. {"type":"follow","session":"<id>"}');
  }
  const message = value as { type?: unknown; session?: unknown } | null;
  if (message?.type === 'unfollow') return { type: 'unfollow' };
  if (message?.type === 'follow') {
    if (typeof message.session !== 'string' || message.session.length < 1 || message.session.length > 128) {
      return invalid('follow needs a session id: {"type":"follow","session":"<id>"}');
    }
    return { type: 'follow', session: message.session };
  }
  return invalid('type must be "follow" or "unfollow"');
}

function invalid(message: string): ErrorMessage {
  return { type: 'error', error: 'invalid_payload', message };
}

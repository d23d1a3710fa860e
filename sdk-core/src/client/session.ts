/**
 * In-memory sessions. The id is 132 random bits, base64url (22 characters), created when a
 * session starts and forgotten with the page: no cookie, no storage, nothing persistent.
 */
import type { BrowserGlobals } from './platform.js';

/** One session: its id, its next batch sequence number and its times (epoch ms). */
export interface Session {
  /** The session id (matches the wire schema's `SESSION_ID_PATTERN`). */
  readonly id: string;
  /** The `seq` of the next batch of this session; starts at 0. */
  nextSeq: number;
  /** When the session started (epoch ms). */
  readonly startedAt: number;
  /** Last user activity (epoch ms); drives the inactivity timeout. */
  lastActivityAt: number;
  /** Whether a `session_end` was queued (at page hide, inactivity or stop). */
  ended: boolean;
}

/** 22 base64url characters, each of 6 random bits (132 bits in all). */
export function newSessionId(g: Pick<BrowserGlobals, 'crypto'>): string {
  const bytes = new Uint8Array(22);
  if (g.crypto && typeof g.crypto.getRandomValues === 'function') g.crypto.getRandomValues(bytes);
  else for (let i = 0; i < 22; i++) bytes[i] = Math.random() * 256;
  // base64url: A–Z, a–z, 0–9, '-', '_' for 0–25, 26–51, 52–61, 62, 63
  return String.fromCharCode(...Array.from(bytes, (b) => ((b &= 63) < 26 ? b + 65 : b < 52 ? b + 71 : b < 62 ? b - 4 : b > 62 ? 95 : 45)));
}

/** A new session starting at `now`. */
export function startSession(g: Pick<BrowserGlobals, 'crypto'>, now: number): Session {
  return { id: newSessionId(g), nextSeq: 0, startedAt: now, lastActivityAt: now, ended: false };
}

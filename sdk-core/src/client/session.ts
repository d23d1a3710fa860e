/**
 * In-memory sessions. The id is 128 random bits, base64url (22 characters), created when a
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

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** 16 random bytes as base64url without padding (22 characters). */
export function newSessionId(g: Pick<BrowserGlobals, 'crypto'>): string {
  const bytes = new Uint8Array(16);
  if (g.crypto && typeof g.crypto.getRandomValues === 'function') {
    g.crypto.getRandomValues(bytes);
  } else {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  let id = '';
  for (let i = 0; i < 16; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    id += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    if (i + 1 < 16) id += ALPHABET[(n >> 6) & 63]!;
    if (i + 2 < 16) id += ALPHABET[n & 63]!;
  }
  return id;
}

/** A new session starting at `now`. */
export function startSession(g: Pick<BrowserGlobals, 'crypto'>, now: number): Session {
  return { id: newSessionId(g), nextSeq: 0, startedAt: now, lastActivityAt: now, ended: false };
}

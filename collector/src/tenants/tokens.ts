/**
 * API key tokens. A token is `pk_` or `sk_`, then the project id (16 bytes, base64url, 22
 * characters), then 24 random bytes (32 characters). Carrying the project id lets a look-up go
 * straight to one project's keys (the key table is keyed by project); the secret part makes it
 * unguessable. Only the SHA-256 of the whole token is stored, so a stolen database yields no
 * usable secret key. (A fast hash is right here: tokens are random, not passwords.) The one
 * exception is the demo project's publishable key, kept in clear for the demo page
 * (`tenants/demo-page.ts`): publishable keys are public by design.
 */
import { createHash, randomBytes } from 'node:crypto';

/** `pk` keys live in browsers (send events, read capture config); `sk` keys live on servers. */
export type KeyKind = 'pk' | 'sk';

const PROJECT_PART = 22;
const SECRET_PART = 32;
const TOKEN_PATTERN = /^(pk|sk)_([A-Za-z0-9_-]{22})([A-Za-z0-9_-]{32})$/;

function uuidToBase64url(uuid: string): string {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
}

function base64urlToUuid(value: string): string {
  const hex = Buffer.from(value, 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A new random token of `kind` for `projectId`. Shown once, never stored. */
export function createToken(kind: KeyKind, projectId: string): string {
  const token = `${kind}_${uuidToBase64url(projectId)}${randomBytes(24).toString('base64url')}`;
  if (token.length !== 3 + PROJECT_PART + SECRET_PART) throw new Error('Vantage: bad project id for a token');
  return token;
}

/** The kind and project a well-formed token claims, or null. Says nothing about validity. */
export function parseToken(token: string): { kind: KeyKind; projectId: string } | null {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  return { kind: match[1] as KeyKind, projectId: base64urlToUuid(match[2] as string) };
}

/** SHA-256 of the token, hex: what the database stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The first characters of a token, safe to show in lists (`pk_AbCdEf…`). */
export function tokenPrefix(token: string): string {
  return `${token.slice(0, 11)}…`;
}

/**
 * A short, safe preview of a dead letter's payload for lists: the decoded value as JSON text,
 * else the bytes as text when they are printable UTF-8, else hex — cut to about 200 characters.
 * API keys inside a payload (a batch may carry its `key` for `sendBeacon`) are masked first, byte
 * for byte, so the masked payload still decodes and a preview never shows a usable key.
 */
import { decodeBody } from '../ingest/decode-body.js';

/** Characters of preview text, at most. */
export const PREVIEW_CHARS = 200;

/** How a preview renders the payload. */
export type PreviewFormat = 'json' | 'text' | 'hex';

/** A payload preview. */
export interface PayloadPreview {
  format: PreviewFormat;
  text: string;
  /** True when `text` is cut short (or rendered from the first bytes of a larger payload). */
  truncated: boolean;
}

/** What the preview needs to know about the entry besides its bytes. */
export interface PreviewSource {
  /**
   * The payload, or its first bytes (`bytes` says how long the whole is). Per-event entries hold
   * one msgpack event tuple; whole-body entries hold the request body as received.
   */
  head: Uint8Array;
  /** Size of the whole payload, bytes. */
  bytes: number;
  /** True for a per-event entry (payload is msgpack whatever the batch's content type). */
  perEvent: boolean;
  /** Content type of the request the entry came from. */
  contentType: string;
}

const TOKEN_IN_TEXT = /(?:pk|sk)_[A-Za-z0-9_-]{20,}/g; // no \b: in msgpack a length byte may precede
const MASK = 0x2a; // '*'

/** A copy of `bytes` with every `pk_…` / `sk_…` token's secret part replaced by `*` (same length). */
export function maskKeys(bytes: Uint8Array): Uint8Array {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let out: Uint8Array | undefined;
  for (const match of latin1.matchAll(TOKEN_IN_TEXT)) {
    out ??= Uint8Array.from(bytes);
    // Keep `pk_`/`sk_` so a reader still sees which kind of key was sent.
    out.fill(MASK, match.index + 3, match.index + match[0].length);
  }
  return out ?? bytes;
}

function cut(format: PreviewFormat, text: string, partial: boolean): PayloadPreview {
  if (text.length <= PREVIEW_CHARS) return { format, text, truncated: partial };
  return { format, text: `${text.slice(0, PREVIEW_CHARS - 1)}…`, truncated: true };
}

function asJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function asPrintableText(bytes: Uint8Array, complete: boolean): string | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // A cut-off payload may end inside a character: drop up to 3 trailing bytes before giving up.
  for (let drop = 0; drop <= (complete ? 0 : 3) && drop < bytes.byteLength; drop++) {
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(0, bytes.byteLength - drop));
    } catch {
      continue;
    }
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
  }
  return undefined;
}

/** Render the preview of one dead letter. */
export function previewPayload(source: PreviewSource): PayloadPreview {
  const head = maskKeys(source.head);
  const complete = head.byteLength >= source.bytes;
  if (complete && head.byteLength > 0) {
    const decoded = decodeBody(head, source.perEvent ? 'application/msgpack' : source.contentType);
    const json = decoded.ok ? asJson(decoded.value) : undefined;
    if (json !== undefined) return cut('json', json, false);
  }
  // A cut-off text body (a large JSON batch) still reads well as text; cut at a whole character.
  const text = asPrintableText(complete ? head : head.subarray(0, PREVIEW_CHARS * 4), complete);
  if (text !== undefined && text.length > 0) return cut('text', text, !complete);
  const shown = head.subarray(0, PREVIEW_CHARS / 2);
  return { format: 'hex', text: Buffer.from(shown.buffer, shown.byteOffset, shown.byteLength).toString('hex'), truncated: shown.byteLength < source.bytes };
}

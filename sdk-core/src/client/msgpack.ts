/**
 * A small MessagePack encoder for batches (standard format, no extensions), about 0.6 KB gzipped
 * where a general msgpack library costs about 12 KB gzipped — the SDK's size budget matters more
 * than the library's speed on a batch every few seconds. It encodes what JSON can express, with
 * JSON's rules: `undefined`, functions and symbols are left out of maps (null in arrays), objects
 * with `toJSON` are encoded as its result. Integers of up to 32 bits use the smallest msgpack
 * integer form, other numbers float64 (as msgpackr does: epoch milliseconds decode as plain
 * numbers everywhere). On wire batches the bytes equal msgpackr's; a test checks it.
 */
import { browserGlobals, type TextEncoderLike } from './platform.js';

/** The bytes being written (a plain array: batches are small, and it grows by itself). */
let out: number[] = [];
/** Scratch space for float64s. */
const float = new DataView(new ArrayBuffer(8));
let encoder: TextEncoderLike | undefined;

const MAX_DEPTH = 64;

/** The UTF-8 bytes of a string (a lone surrogate becomes U+FFFD), by the platform's `TextEncoder`. */
export function utf8(s: string): Uint8Array {
  if (!encoder) {
    const TextEncoder = browserGlobals().TextEncoder;
    if (!TextEncoder) throw new TypeError('no TextEncoder');
    encoder = new TextEncoder();
  }
  return encoder.encode(s);
}

/** UTF-8 length of a string in bytes. */
export function utf8Length(s: string): number {
  return utf8(s).length;
}

/** Write the low `n` bytes of `v` big-endian (two's complement for negative 32-bit integers). */
function bytes(v: number, n: number): void {
  while (n--) out.push((v >> (n * 8)) & 255);
}

/**
 * A length with its type byte: the fix form (`fix | n`) below `fixLimit`, else the 16- or 32-bit
 * form (`tag16`, `tag16 + 1`); strings also have an 8-bit form (0xd9).
 */
function writeLength(n: number, fix: number, fixLimit: number, tag16: number): void {
  if (n < fixLimit) out.push(fix | n);
  else if (fix === 0xa0 && n < 0x100) out.push(0xd9, n);
  else if (n < 0x10000) {
    out.push(tag16);
    bytes(n, 2);
  } else {
    out.push(tag16 + 1);
    bytes(n, 4);
  }
}

function writeNumber(v: number): void {
  if (Number.isSafeInteger(v) && v >= -0x80000000 && v < 0x100000000) {
    if (v >= 0 ? v < 0x80 : v >= -32) return void out.push(v & 0xff);
    // uint 8/16/32 (0xcc..0xce) or int 8/16/32 (0xd0..0xd2)
    const n = v >= 0 ? (v < 0x100 ? 0 : v < 0x10000 ? 1 : 2) : v >= -0x80 ? 0 : v >= -0x8000 ? 1 : 2;
    out.push((v >= 0 ? 0xcc : 0xd0) + n);
    return bytes(v, 1 << n);
  }
  out.push(0xcb);
  float.setFloat64(0, v);
  for (let i = 0; i < 8; i++) out.push(float.getUint8(i));
}

function isSkipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function write(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new TypeError('msgpack: value nested too deeply (a cycle?)');
  if (value === null || isSkipped(value)) out.push(0xc0);
  else if (typeof value === 'boolean') out.push(value ? 0xc3 : 0xc2);
  else if (typeof value === 'number') writeNumber(value);
  else if (typeof value === 'string') {
    const encoded = utf8(value);
    writeLength(encoded.length, 0xa0, 32, 0xda);
    for (const b of encoded) out.push(b);
  } else if (Array.isArray(value)) {
    writeLength(value.length, 0x90, 16, 0xdc);
    for (const item of value) write(item, depth + 1);
  } else if (typeof value === 'object') {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return write(withJson.toJSON(), depth + 1);
    const entries = Object.entries(value).filter(([, v]) => !isSkipped(v));
    writeLength(entries.length, 0x80, 16, 0xde);
    for (const [key, v] of entries) {
      write(key, depth);
      write(v, depth + 1);
    }
  } else {
    throw new TypeError(`msgpack: cannot encode a ${typeof value}`);
  }
}

/** Encode a JSON-like value as MessagePack. */
export function encodeMsgpack(value: unknown): Uint8Array {
  out = [];
  try {
    write(value, 0);
    return new Uint8Array(out);
  } finally {
    out = [];
  }
}

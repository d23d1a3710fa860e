/**
 * A small MessagePack encoder for batches (standard format, no extensions), about 1 KB minified
 * where a general msgpack library costs about 12 KB gzipped — the SDK's size budget matters more
 * than the library's speed on a batch every few seconds. It encodes what JSON can express, with
 * JSON's rules: `undefined`, functions and symbols are left out of maps (null in arrays), objects
 * with `toJSON` are encoded as its result. Integers of up to 32 bits use the smallest msgpack
 * integer form, other numbers float64 (as msgpackr does: epoch milliseconds decode as plain
 * numbers everywhere). On wire batches the bytes equal msgpackr's; a test checks it.
 */

let buffer = new Uint8Array(4096);
let view = new DataView(buffer.buffer);
let pos = 0;

const MAX_DEPTH = 64;

function ensure(extra: number): void {
  if (pos + extra <= buffer.length) return;
  let size = buffer.length * 2;
  while (size < pos + extra) size *= 2;
  const next = new Uint8Array(size);
  next.set(buffer.subarray(0, pos));
  buffer = next;
  view = new DataView(buffer.buffer);
}

function byte(b: number): void {
  buffer[pos++] = b;
}

/** UTF-8 length of a string in bytes (a lone surrogate counts as U+FFFD, as `TextEncoder` writes it). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function writeUtf8(s: string): void {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buffer[pos++] = c;
    } else if (c < 0x800) {
      buffer[pos++] = 0xc0 | (c >> 6);
      buffer[pos++] = 0x80 | (c & 63);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      buffer[pos++] = 0xf0 | (c >> 18);
      buffer[pos++] = 0x80 | ((c >> 12) & 63);
      buffer[pos++] = 0x80 | ((c >> 6) & 63);
      buffer[pos++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      buffer[pos++] = 0xe0 | (c >> 12);
      buffer[pos++] = 0x80 | ((c >> 6) & 63);
      buffer[pos++] = 0x80 | (c & 63);
    }
  }
}

function writeString(s: string): void {
  const n = utf8Length(s);
  ensure(n + 5);
  if (n < 32) byte(0xa0 | n);
  else if (n < 0x100) {
    byte(0xd9);
    byte(n);
  } else if (n < 0x10000) {
    byte(0xda);
    view.setUint16(pos, n);
    pos += 2;
  } else {
    byte(0xdb);
    view.setUint32(pos, n);
    pos += 4;
  }
  writeUtf8(s);
}

function writeNumber(v: number): void {
  ensure(9);
  if (Number.isSafeInteger(v)) {
    if (v >= 0) {
      if (v < 0x80) byte(v);
      else if (v < 0x100) {
        byte(0xcc);
        byte(v);
      } else if (v < 0x10000) {
        byte(0xcd);
        view.setUint16(pos, v);
        pos += 2;
      } else if (v < 0x100000000) {
        byte(0xce);
        view.setUint32(pos, v);
        pos += 4;
      } else {
        writeFloat64(v);
      }
      return;
    }
    if (v >= -32) byte(v & 0xff);
    else if (v >= -0x80) {
      byte(0xd0);
      view.setInt8(pos, v);
      pos += 1;
    } else if (v >= -0x8000) {
      byte(0xd1);
      view.setInt16(pos, v);
      pos += 2;
    } else if (v >= -0x80000000) {
      byte(0xd2);
      view.setInt32(pos, v);
      pos += 4;
    } else {
      writeFloat64(v);
    }
    return;
  }
  writeFloat64(v);
}

function writeFloat64(v: number): void {
  byte(0xcb);
  view.setFloat64(pos, v);
  pos += 8;
}

function isSkipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function writeHeader(length: number, fix: number, x16: number, x32: number): void {
  ensure(5);
  if (length < 16) byte(fix | length);
  else if (length < 0x10000) {
    byte(x16);
    view.setUint16(pos, length);
    pos += 2;
  } else {
    byte(x32);
    view.setUint32(pos, length);
    pos += 4;
  }
}

function write(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new TypeError('msgpack: value nested too deeply (a cycle?)');
  if (value === null || isSkipped(value)) {
    ensure(1);
    byte(0xc0);
  } else if (typeof value === 'boolean') {
    ensure(1);
    byte(value ? 0xc3 : 0xc2);
  } else if (typeof value === 'number') {
    writeNumber(value);
  } else if (typeof value === 'string') {
    writeString(value);
  } else if (Array.isArray(value)) {
    writeHeader(value.length, 0x90, 0xdc, 0xdd);
    for (let i = 0; i < value.length; i++) write(value[i], depth + 1);
  } else if (typeof value === 'object') {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') {
      write(withJson.toJSON(), depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    let n = 0;
    for (const key in record) {
      if (Object.prototype.hasOwnProperty.call(record, key) && !isSkipped(record[key])) n++;
    }
    writeHeader(n, 0x80, 0xde, 0xdf);
    for (const key in record) {
      if (!Object.prototype.hasOwnProperty.call(record, key) || isSkipped(record[key])) continue;
      writeString(key);
      write(record[key], depth + 1);
    }
  } else {
    throw new TypeError(`msgpack: cannot encode a ${typeof value}`);
  }
}

/** Encode a JSON-like value as MessagePack; the result is a fresh array the caller owns. */
export function encodeMsgpack(value: unknown): Uint8Array {
  pos = 0;
  write(value, 0);
  return buffer.slice(0, pos);
}

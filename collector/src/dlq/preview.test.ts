import { describe, expect, it } from 'vitest';
import { pack, unpack } from 'msgpackr';
import { maskKeys, PREVIEW_CHARS, previewPayload } from './preview.js';

const SK = `sk_${'A'.repeat(22)}${'b'.repeat(32)}`;
const bytes = (text: string) => new TextEncoder().encode(text);

describe('DLQ payload previews', () => {
  it('renders a per-event entry (msgpack of the tuple) as JSON, whatever the batch content type', () => {
    const tuple = [3, 5, 1, 2, 3, 0, 0, 0, 99999];
    const head = pack(tuple);
    expect(previewPayload({ head, bytes: head.byteLength, perEvent: true, contentType: 'application/json' })).toEqual({
      format: 'json',
      text: JSON.stringify(tuple),
      truncated: false,
    });
  });

  it('renders a whole JSON body as JSON cut to about 200 characters', () => {
    const body = bytes(JSON.stringify({ v: 1, events: Array.from({ length: 100 }, (_, i) => [3, i]) }));
    const preview = previewPayload({ head: body, bytes: body.byteLength, perEvent: false, contentType: 'application/json' });
    expect(preview.format).toBe('json');
    expect(preview.truncated).toBe(true);
    expect(preview.text.length).toBe(PREVIEW_CHARS);
    expect(preview.text.startsWith('{"v":1,"events":[[3,0],[3,1]')).toBe(true);
  });

  it('masks API keys in JSON and msgpack bodies byte for byte, so they still decode', () => {
    const json = bytes(JSON.stringify({ v: 2, key: SK, sid: 'x' }));
    const shown = previewPayload({ head: json, bytes: json.byteLength, perEvent: false, contentType: 'text/plain' });
    expect(shown.format).toBe('json');
    expect(shown.text).not.toContain(SK);
    expect(shown.text).toContain('"key":"sk_***');

    const msgpack = pack({ key: SK, v: 1 });
    const masked = maskKeys(msgpack);
    expect(masked.byteLength).toBe(msgpack.byteLength);
    expect(unpack(masked)).toEqual({ key: `sk_${'*'.repeat(54)}`, v: 1 });
    expect(Buffer.from(msgpack).includes(SK)).toBe(true); // the input is left alone
  });

  it('shows printable bytes as text and anything else as hex', () => {
    const xml = bytes('<batch><event/></batch>');
    expect(previewPayload({ head: xml, bytes: xml.byteLength, perEvent: false, contentType: 'text/xml' })).toEqual({ format: 'text', text: '<batch><event/></batch>', truncated: false });

    const junk = new Uint8Array([0xc1, 0xc1, 0xff, 0x00, 0x42]);
    expect(previewPayload({ head: junk, bytes: junk.byteLength, perEvent: false, contentType: 'application/msgpack' })).toEqual({ format: 'hex', text: 'c1c1ff0042', truncated: false });
  });

  it('says when it only saw the first bytes of a large payload, even when they cut a character', () => {
    const text = bytes(`{"v":1,"scene":"${'é'.repeat(300)}`);
    const head = text.subarray(0, 101); // ends inside a two-byte character
    const preview = previewPayload({ head, bytes: text.byteLength, perEvent: false, contentType: 'application/json' });
    expect(preview.format).toBe('text');
    expect(preview.truncated).toBe(true);
    expect(preview.text.startsWith('{"v":1,"scene":"éé')).toBe(true);

    const big = pack({ events: new Array(5000).fill([3, 1, 2]) });
    const hex = previewPayload({ head: big.subarray(0, 1000), bytes: big.byteLength, perEvent: false, contentType: 'application/msgpack' });
    expect(hex.format).toBe('hex');
    expect(hex.text).toHaveLength(PREVIEW_CHARS);
    expect(hex.truncated).toBe(true);
  });
});

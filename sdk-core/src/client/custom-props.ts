/**
 * Custom event properties are copied as JSON when tracked (so the app may reuse its object) and,
 * over 8 KB of JSON, replaced by `{"__truncated": true, "original_bytes": N}` — the same rule the
 * product applies at the collector, applied before the bytes leave the page.
 */
import { messageOf } from './errors.js';
import { utf8Length } from './msgpack.js';

/** Largest JSON encoding of a custom event's properties, in bytes. */
export const MAX_PROPS_BYTES = 8192;

/** The marker that replaces properties over {@link MAX_PROPS_BYTES}. */
export interface TruncatedProps {
  __truncated: true;
  original_bytes: number;
}

/**
 * A JSON copy of `props` (`undefined` stays `undefined`), the truncation marker when it is too
 * large, or a message when it is not a JSON object.
 */
export function normaliseProps(props: unknown): { ok: true; props: Record<string, unknown> | undefined } | { ok: false; message: string } {
  if (props === undefined || props === null) return { ok: true, props: undefined };
  if (typeof props !== 'object' || Array.isArray(props)) return { ok: false, message: 'custom.props must be a plain object' };
  let json: string;
  try {
    json = JSON.stringify(props);
  } catch (error) {
    return { ok: false, message: `custom.props is not JSON: ${messageOf(error)}` };
  }
  const bytes = utf8Length(json);
  if (bytes > MAX_PROPS_BYTES) {
    const marker: TruncatedProps = { __truncated: true, original_bytes: bytes };
    return { ok: true, props: marker as unknown as Record<string, unknown> };
  }
  return { ok: true, props: JSON.parse(json) as Record<string, unknown> };
}

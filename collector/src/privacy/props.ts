/** The size limit on custom event properties (PRODUCT.md "Privacy"). */

/** Largest custom event properties kept, in UTF-8 bytes of their JSON: 8 KB. */
export const MAX_PROPS_BYTES = 8192;

/** What replaces properties over {@link MAX_PROPS_BYTES}. */
export interface TruncatedProps {
  __truncated: true;
  /** UTF-8 bytes of `JSON.stringify` of the original properties. */
  original_bytes: number;
}

/**
 * `props` as they may be stored: unchanged when their JSON (`JSON.stringify`, UTF-8) is at most
 * 8192 bytes, else `{"__truncated": true, "original_bytes": N}`. `undefined` stays `undefined`.
 */
export function limitProps<T>(props: T): T | TruncatedProps {
  if (props === undefined) return props;
  const json = JSON.stringify(props);
  if (json === undefined) return props;
  const bytes = Buffer.byteLength(json, 'utf8');
  return bytes > MAX_PROPS_BYTES ? { __truncated: true, original_bytes: bytes } : props;
}

/**
 * Escaping for values interpolated into HTML text and attributes, and into JavaScript string
 * literals shown in code samples.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes `&`, `<`, `>`, `"` and `'`: safe in element text and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * A JavaScript string literal for `value` (double-quoted; JSON is a subset of JavaScript, so
 * quotes, backslashes, newlines and control characters are escaped). HTML-escape the code it
 * goes into as well.
 */
export function jsString(value: string): string {
  return JSON.stringify(value);
}

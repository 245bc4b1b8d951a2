/**
 * The W3C Baggage grammar (https://www.w3.org/TR/baggage/#definition):
 *   key   = token                       (RFC 7230 tchar, never percent-decoded)
 *   value = *baggage-octet              (percent-decoded after parsing)
 *   baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
 *   OWS   = *( SP / HTAB )              (allowed around = ; , and not part of keys or values)
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAGGAGE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/** True for a valid baggage (or property) key. */
export function isBaggageKey(key: unknown): key is string {
  return typeof key === 'string' && TOKEN.test(key);
}

/** True for a value as it may appear on the wire (before percent-decoding). */
export function isWireValue(value: string): boolean {
  return BAGGAGE_OCTETS.test(value);
}

/** Strips OWS (spaces and tabs only: other whitespace is invalid, not padding). */
export function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isOws(s.charCodeAt(start))) start++;
  while (end > start && isOws(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

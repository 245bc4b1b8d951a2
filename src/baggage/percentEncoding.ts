/**
 * Percent-encoding of baggage values and property values.
 *
 * Encoding: every character outside RFC 3986 "unreserved" (A-Z a-z 0-9 - . _ ~) is encoded as
 * UTF-8 octets. That is more than the spec requires (`! ' ( ) *` and most punctuation are valid
 * baggage-octets), but it is the form the W3C reference implementation emits, so our headers are
 * byte-identical to it, and it can never produce an invalid header.
 *
 * Decoding follows the spec: octet sequences that are not valid UTF-8 become U+FFFD, and a `%`
 * not followed by two hex digits is a literal `%` (it is a valid baggage-octet). Decoding never
 * throws, unlike `decodeURIComponent`.
 */

const NEEDS_ENCODING = /[^A-Za-z0-9\-._~]/;
const SUB_DELIMS = /[!'()*]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENCODED_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

export function encodeBaggageValue(value: string): string {
  if (!NEEDS_ENCODING.test(value)) return value;
  let out: string;
  try {
    out = encodeURIComponent(value);
  } catch {
    // encodeURIComponent throws on lone surrogates; they cannot be UTF-8 encoded, so send U+FFFD.
    out = encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  }
  return out.replace(SUB_DELIMS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function decodeBaggageValue(value: string): string {
  if (value.indexOf('%') === -1) return value;
  return value.replace(ENCODED_RUN, decodeRun);
}

function decodeRun(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    // Not valid UTF-8: Buffer's decoder substitutes U+FFFD for each bad sequence.
    return Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8');
  }
}

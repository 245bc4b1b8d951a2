/**
 * Limits of the W3C Trace Context headers (https://www.w3.org/TR/trace-context-2/). Every
 * incoming value is length-checked against these before it is scanned, so the work per header is
 * bounded whatever a caller sends.
 */

/**
 * Longest `traceparent` we look at (after nothing else: the check comes first). Version 00 is
 * exactly 55 characters; future versions append fields, and the spec asks to "only disallow
 * prohibitively large headers", so we leave generous room.
 */
export const TRACEPARENT_MAX_LENGTH = 512;

/** The spec's member limit: a `tracestate` with more list-members is invalid as a whole. */
export const TRACESTATE_MAX_MEMBERS = 32;

/**
 * Longest combined `tracestate` (all header values, joined by `,`) we scan. The longest valid
 * list is 32 members of 256 + 1 + 256 characters plus separators (16,447) and optional whitespace;
 * anything longer is treated as invalid ("prohibitively large") and discarded whole.
 */
export const TRACESTATE_MAX_SCAN = 32 * 1024;

/**
 * Longest `tracestate` we keep and propagate. The spec asks vendors to propagate at least 512
 * characters; a larger list is truncated by whole entries, the spec's way: entries over
 * TRACESTATE_LONG_ENTRY characters first, then from the right. The cap keeps a caller from making
 * every downstream request of ours carry 16 KB of someone else's state.
 */
export const TRACESTATE_MAX_LENGTH = 512;

/** Entries longer than this are the first to go when a `tracestate` is truncated. */
export const TRACESTATE_LONG_ENTRY = 128;

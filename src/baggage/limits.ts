/**
 * Baggage size limits. The current W3C Baggage spec drops the old 180-member / 4096-bytes-per-member
 * caps: a platform must propagate at least 64 members and 8192 bytes. We keep exactly one limit,
 * the 8192-byte total, so 512 short members or one 8190-character value still go through; the
 * member count is implicitly bounded (the shortest member, `k=`, takes 3 bytes with its comma).
 */

/** The most bytes of serialized `baggage` header we accept on extract or emit on inject. */
export const BAGGAGE_MAX_BYTES = 8192;

/**
 * Incoming headers are read only this far (characters, all header values joined), so a hostile
 * megabyte of commas or padding costs a bounded scan. Four times the byte limit leaves room for
 * optional whitespace and malformed members a sender may have mixed in.
 */
export const BAGGAGE_MAX_SCAN = 4 * BAGGAGE_MAX_BYTES;

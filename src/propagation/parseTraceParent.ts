import { hexValue, isLowerHexId } from './lowerHex.js';
import { TRACEPARENT_MAX_LENGTH } from './traceContextLimits.js';

export interface ParsedTraceParent {
  traceId: string;
  spanId: string;
  /** The flags this version defines: sampled (0x01) and, for version 00, random (0x02). */
  traceFlags: number;
}

/** Flags defined for version 00 by Trace Context Level 2: sampled and random. */
export const KNOWN_TRACE_FLAGS = 0x03;
const SAMPLED = 0x01;
/** `00-` + 32 + `-` + 16 + `-` + 2. */
const VERSION_00_LENGTH = 55;

/**
 * Parses a `traceparent` header value (W3C Trace Context Level 2, "versioning of traceparent"):
 * - lower-case hex only; version `ff`, an all-zero trace ID or parent ID are invalid;
 * - version 00 must be exactly 55 characters; a higher version is parsed leniently: its first
 *   55 characters must have the version-00 layout and be followed by the end or by `-`, and
 *   only its sampled flag is read (the spec: "MUST NOT parse or assume anything about unknown
 *   fields");
 * - surrounding spaces and tabs (optional whitespace) are ignored;
 * - a repeated header (an array of several values) is invalid: the caller restarts the trace;
 * - flags beyond the ones defined are dropped (they are reserved; we never send them).
 * Undefined when invalid. Never throws; looks at no more than TRACEPARENT_MAX_LENGTH characters.
 */
export function parseTraceParent(input: unknown): ParsedTraceParent | undefined {
  let value = input;
  if (Array.isArray(value)) {
    if (value.length !== 1) return undefined;
    value = value[0];
  }
  if (typeof value !== 'string' || value.length > TRACEPARENT_MAX_LENGTH) return undefined;
  let from = 0;
  let to = value.length;
  while (from < to && isOws(value.charCodeAt(from))) from++;
  while (to > from && isOws(value.charCodeAt(to - 1))) to--;
  const length = to - from;
  if (length < VERSION_00_LENGTH) return undefined;
  const s = from === 0 && to === value.length ? value : value.slice(from, to);

  const version = hexByte(s, 0);
  if (version < 0 || version === 0xff) return undefined;
  if (version === 0 ? length !== VERSION_00_LENGTH : length > VERSION_00_LENGTH && s.charCodeAt(55) !== 0x2d) {
    return undefined;
  }
  if (s.charCodeAt(2) !== 0x2d || s.charCodeAt(35) !== 0x2d || s.charCodeAt(52) !== 0x2d) return undefined;
  if (!isLowerHexId(s, 3, 35) || !isLowerHexId(s, 36, 52)) return undefined;
  const flags = hexByte(s, 53);
  if (flags < 0) return undefined;
  return {
    traceId: s.slice(3, 35),
    spanId: s.slice(36, 52),
    traceFlags: flags & (version === 0 ? KNOWN_TRACE_FLAGS : SAMPLED),
  };
}

/** The byte of two lower-case hex digits at `at`, or -1. */
function hexByte(s: string, at: number): number {
  const hi = hexValue(s.charCodeAt(at));
  const lo = hexValue(s.charCodeAt(at + 1));
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

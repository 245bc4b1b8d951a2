import { TRACESTATE_MAX_MEMBERS, TRACESTATE_MAX_SCAN } from './traceContextLimits.js';
import { isTraceStateKey, isTraceStateValue } from './traceStateSyntax.js';

/** One `key=value` list-member, in header order (left-most first). */
export type TraceStateEntry = readonly [key: string, value: string];

/**
 * Parses `tracestate` header value(s), strictly. Returns the entries in header order, `[]` for a
 * header that is absent or holds only empty members (valid: "vendors MUST accept empty
 * tracestate headers"), and `undefined` when the list is invalid — which discards it as a whole:
 * a member that breaks the key or value grammar, a duplicate key, more than 32 members, or more
 * than TRACESTATE_MAX_SCAN characters. (@opentelemetry/core skips bad members one by one and
 * keeps the first of 33, so a corrupted list still propagates in part; the W3C test suite expects
 * it discarded.)
 *
 * Several header values are one list joined by `,` (RFC 7230 field order). Spaces and tabs around
 * members are optional whitespace; any other control character is invalid. Never throws.
 */
export function parseTraceState(input: unknown): TraceStateEntry[] | undefined {
  const text = joinValues(input);
  if (text === undefined) return undefined;
  const entries: TraceStateEntry[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(',', start);
    if (end === -1) end = text.length;
    let from = start;
    let to = end;
    while (from < to && isOws(text.charCodeAt(from))) from++;
    while (to > from && isOws(text.charCodeAt(to - 1))) to--;
    if (to > from) {
      const eq = text.indexOf('=', from);
      if (eq === -1 || eq >= to) return undefined;
      const key = text.slice(from, eq);
      const value = text.slice(eq + 1, to);
      if (!isTraceStateKey(key) || !isTraceStateValue(value)) return undefined;
      if (entries.length === TRACESTATE_MAX_MEMBERS) return undefined;
      for (let i = 0; i < entries.length; i++) if (entries[i][0] === key) return undefined;
      entries.push([key, value]);
    }
    start = end + 1;
  }
  return entries;
}

/** The header value(s) as one string; undefined when too long or not strings at all. */
function joinValues(input: unknown): string | undefined {
  if (input === undefined || input === null) return '';
  if (typeof input === 'string') return input.length > TRACESTATE_MAX_SCAN ? undefined : input;
  if (!Array.isArray(input)) return undefined;
  let text = '';
  let length = 0;
  for (let i = 0; i < input.length; i++) {
    const part: unknown = input[i];
    if (typeof part !== 'string') return undefined;
    length += part.length + (i > 0 ? 1 : 0);
    // Checked before concatenating: a million tiny values cost no more than one big one.
    if (length > TRACESTATE_MAX_SCAN) return undefined;
    text = i === 0 ? part : `${text},${part}`;
  }
  return text;
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

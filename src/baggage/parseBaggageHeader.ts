import { diag } from '@opentelemetry/api';
import { BAGGAGE_MAX_BYTES, BAGGAGE_MAX_SCAN } from './limits.js';
import { decodeBaggageValue } from './percentEncoding.js';
import { NO_PROPERTIES, parseProperties, type BaggageProperty } from './properties.js';
import { isBaggageKey, isWireValue, trimOws } from './syntax.js';

/** One decoded list-member of a `baggage` header. */
export interface BaggageMember {
  key: string;
  value: string;
  properties: readonly BaggageProperty[];
}

/**
 * Parses `baggage` header value(s) into members, in header order (duplicates kept; the
 * propagator lets the last one win). Never throws; the work is bounded by BAGGAGE_MAX_SCAN.
 *
 * Trimming rule (predictable, never partial):
 * - several header values are read as one list, joined by `,`;
 * - malformed members are skipped (not counted);
 * - members are accepted left to right while the accepted members, as received (without
 *   surrounding whitespace) and joined by `,`, fit in BAGGAGE_MAX_BYTES; the first member that
 *   does not fit and every member after it are dropped;
 * - only the first BAGGAGE_MAX_SCAN characters are read; a member cut by that boundary is dropped.
 */
export function parseBaggageHeader(input: unknown): BaggageMember[] {
  const { text, truncated } = readHeader(input);
  const members: BaggageMember[] = [];
  let bytes = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(',', start);
    if (end === -1) {
      if (truncated) break;
      end = text.length;
    }
    const raw = trimOws(text.slice(start, end));
    const member = raw === '' ? undefined : parseMember(raw);
    if (member) {
      const next = bytes + (members.length === 0 ? 0 : 1) + raw.length;
      if (next > BAGGAGE_MAX_BYTES) {
        diag.debug(`tracewise: incoming baggage over ${BAGGAGE_MAX_BYTES} bytes; dropped "${member.key}" and the members after it`);
        break;
      }
      bytes = next;
      members.push(member);
    }
    start = end + 1;
  }
  return members;
}

function parseMember(raw: string): BaggageMember | undefined {
  const semi = raw.indexOf(';');
  const pair = semi === -1 ? raw : raw.slice(0, semi);
  const eq = pair.indexOf('=');
  if (eq === -1) return undefined;
  const key = trimOws(pair.slice(0, eq));
  const value = trimOws(pair.slice(eq + 1));
  if (!isBaggageKey(key) || !isWireValue(value)) return undefined;
  return {
    key,
    value: decodeBaggageValue(value),
    properties: semi === -1 ? NO_PROPERTIES : parseProperties(raw.slice(semi + 1)),
  };
}

/** Joins string header values up to the scan limit; anything that is not a string is ignored. */
function readHeader(input: unknown): { text: string; truncated: boolean } {
  let text = '';
  if (typeof input === 'string') {
    text = input;
  } else if (Array.isArray(input)) {
    // Bounded by the element count too: a million empty or non-string values cost nothing to
    // join but everything to walk.
    const count = Math.min(input.length, BAGGAGE_MAX_SCAN);
    for (let i = 0; i < count; i++) {
      const part: unknown = input[i];
      if (typeof part !== 'string' || part === '') continue;
      text = text === '' ? part : `${text},${part}`;
      if (text.length > BAGGAGE_MAX_SCAN) break;
    }
  }
  return text.length > BAGGAGE_MAX_SCAN
    ? { text: text.slice(0, BAGGAGE_MAX_SCAN), truncated: true }
    : { text, truncated: false };
}

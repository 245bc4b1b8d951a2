import { TRACEPARENT_MAX_LENGTH, TRACESTATE_MAX_MEMBERS, TRACESTATE_MAX_SCAN } from '../../src/propagation/traceContextLimits.js';

/**
 * Reference implementations written straight from the specs' ABNF, with regular expressions and
 * none of the production code's shortcuts: the fuzz properties compare the two (differential
 * testing), and use these to check that whatever we send is valid.
 */

function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s[a] === ' ' || s[a] === '\t')) a++;
  while (b > a && (s[b - 1] === ' ' || s[b - 1] === '\t')) b--;
  return s.slice(a, b);
}

// W3C Trace Context, traceparent: version "-" trace-id "-" parent-id "-" trace-flags [ "-" future ]
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[\s\S]*)?$/;

export interface RefTraceParent {
  version: string;
  traceId: string;
  spanId: string;
  traceFlags: number;
}

export function refTraceParent(input: unknown): RefTraceParent | undefined {
  let v = input;
  if (Array.isArray(v)) {
    if (v.length !== 1) return undefined;
    v = v[0];
  }
  if (typeof v !== 'string' || v.length > TRACEPARENT_MAX_LENGTH) return undefined;
  const m = TRACEPARENT.exec(trimOws(v));
  if (!m || m[1] === 'ff') return undefined;
  if (m[1] === '00' && m[5] !== undefined) return undefined;
  if (/^0+$/.test(m[2]) || /^0+$/.test(m[3])) return undefined;
  return { version: m[1], traceId: m[2], spanId: m[3], traceFlags: parseInt(m[4], 16) & (m[1] === '00' ? 0x03 : 0x01) };
}

// tracestate: key = simple-key / multi-tenant-key; value = 0*255(chr) nblk-chr
const TS_KEY = /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})$/;
const TS_VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** Entries of a valid list; undefined when invalid as a whole. */
export function refTraceState(input: unknown): [string, string][] | undefined {
  let header: string;
  if (input === undefined || input === null) header = '';
  else if (typeof input === 'string') header = input;
  else if (Array.isArray(input) && input.every((p) => typeof p === 'string')) header = input.join(',');
  else return undefined;
  if (header.length > TRACESTATE_MAX_SCAN) return undefined;
  const out: [string, string][] = [];
  for (const raw of header.split(',')) {
    const m = trimOws(raw);
    if (m === '') continue;
    const eq = m.indexOf('=');
    if (eq === -1) return undefined;
    const key = m.slice(0, eq);
    const value = m.slice(eq + 1);
    if (!TS_KEY.test(key) || !TS_VALUE.test(value)) return undefined;
    if (out.some(([k]) => k === key)) return undefined;
    out.push([key, value]);
  }
  return out.length > TRACESTATE_MAX_MEMBERS ? undefined : out;
}

/** Whether `header` is what a sender may put in `tracestate`: valid and without empty members. */
export function isSendableTraceState(header: string): boolean {
  const entries = refTraceState(header);
  return entries !== undefined && entries.length > 0 && entries.map(([k, v]) => `${k}=${v}`).join(',') === header;
}

// W3C Baggage: list-member = key OWS "=" OWS value *( OWS ";" OWS property )
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAGGAGE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

/** Whether `header` is a valid `baggage` value as we emit it (no optional whitespace). */
export function isValidBaggage(header: string): boolean {
  if (header === '') return false;
  for (const member of header.split(',')) {
    const [pair, ...props] = member.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0 || !TOKEN.test(pair.slice(0, eq)) || !BAGGAGE_VALUE.test(pair.slice(eq + 1))) return false;
    for (const p of props) {
      const peq = p.indexOf('=');
      const key = peq === -1 ? p : p.slice(0, peq);
      if (!TOKEN.test(key)) return false;
      if (peq !== -1 && !BAGGAGE_VALUE.test(p.slice(peq + 1))) return false;
    }
  }
  return true;
}

// B3 (openzipkin/b3-propagation), strict lower-case forms
export const B3_SINGLE = /^(?:[0-9a-f]{16}|[0-9a-f]{32})-[0-9a-f]{16}(?:-[01d](?:-[0-9a-f]{16})?)?$|^[01d]$/;
export const B3_TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
export const B3_SPAN_ID = /^[0-9a-f]{16}$/;
export const B3_SAMPLED = /^[01]$/;

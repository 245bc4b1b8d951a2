import {
  ROOT_CONTEXT,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';
import { TraceState as CoreTraceState } from '@opentelemetry/core';
import fc from 'fast-check';
import { parseTraceParent } from '../../../src/propagation/parseTraceParent.js';
import { parseTraceState } from '../../../src/propagation/parseTraceState.js';
import { TRACESTATE_MAX_LENGTH } from '../../../src/propagation/traceContextLimits.js';
import { W3CTraceContextPropagator } from '../../../src/propagation/W3CTraceContextPropagator.js';
import { W3CTraceState } from '../../../src/propagation/W3CTraceState.js';
import { anyText, headerValue, hex, hexId, mutated, ows, repeated } from '../arbitraries.js';
import type { FuzzCase } from '../fuzzCase.js';
import { isSendableTraceState, refTraceParent, refTraceState } from '../oracles.js';
import { recordGetter, recordSetter } from '../recordCarrier.js';

// ---- generators

const version = fc.oneof({ weight: 4, arbitrary: fc.constant('00') }, { weight: 1, arbitrary: hex(2) });
const future = fc.oneof(fc.constant(''), anyText.map((t) => `-${t}`), anyText);

/** traceparent-shaped text: often valid, often one field off. */
export const traceParentText: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(ows, version, hexId(32), hexId(16), hex(2), future, ows).map(([a, v, t, s, f, x, b]) => `${a}${v}-${t}-${s}-${f}${v === '00' ? '' : x}${b}`),
  mutated(fc.tuple(version, hexId(32), hexId(16), hex(2)).map(([v, t, s, f]) => `${v}-${t}-${s}-${f}`)),
  fc.tuple(version, hex(32), hex(16), hex(2), fc.boolean()).map(([v, t, s, f, up]) => {
    const h = `${v}-${t}-${s}-${f}`;
    return up ? h.toUpperCase() : h;
  }),
  anyText,
  repeated(fc.constantFrom('0', '-', ' ', '00-'), 100_000),
);

const keyChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-*/');
const lc = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz');
const lcDigit = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const simpleKey = fc.tuple(lc, fc.string({ unit: keyChar, maxLength: 20 })).map(([a, b]) => a + b);
const tenantKey = fc
  .tuple(lcDigit, fc.string({ unit: keyChar, maxLength: 12 }), lc, fc.string({ unit: keyChar, maxLength: 13 }))
  .map(([a, b, c, d]) => `${a}${b}@${c}${d}`);
const longKey = fc.oneof(
  fc.integer({ min: 250, max: 258 }).map((n) => 'k'.repeat(n)),
  fc.tuple(fc.integer({ min: 238, max: 243 }), fc.integer({ min: 12, max: 16 })).map(([t, s]) => `${'t'.repeat(t)}@${'s'.repeat(s)}`),
);
const valueChar = fc.constantFrom(...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => c !== ',' && c !== '='));
const tsValue = fc.oneof(
  fc.string({ unit: valueChar, minLength: 1, maxLength: 24 }).filter((v) => !v.endsWith(' ')),
  fc.integer({ min: 250, max: 258 }).map((n) => 'v'.repeat(n)),
);
const entry = fc.tuple(fc.oneof({ weight: 5, arbitrary: simpleKey }, { weight: 2, arbitrary: tenantKey }, { weight: 1, arbitrary: longKey }), tsValue);
// Short lists, a few entries around the 512-character limit (one may exceed it alone), and lists
// around the 32-member limit: fast-check's size bias rarely reaches those by itself.
const entries = fc.oneof(
  fc.uniqueArray(entry, { selector: ([k]) => k, maxLength: 8 }),
  fc.uniqueArray(
    fc.oneof(
      fc.constant<[string, string]>(['k'.repeat(256), 'v'.repeat(256)]), // 513 characters: over the limit alone
      fc.tuple(simpleKey, fc.integer({ min: 100, max: 256 }).map((n) => 'v'.repeat(n))),
    ),
    { selector: ([k]) => k, minLength: 2, maxLength: 4 },
  ),
  fc.uniqueArray(fc.tuple(simpleKey, fc.string({ unit: valueChar, minLength: 1, maxLength: 3 }).filter((v) => !v.endsWith(' '))), {
    selector: ([k]) => k,
    minLength: 30,
    maxLength: 34,
  }),
);

/** A list with random optional whitespace and empty members around its entries. */
const listText = fc.tuple(entries, fc.array(fc.tuple(ows, ows, fc.boolean()), { minLength: 36, maxLength: 36 })).map(([es, pads]) =>
  es.map(([k, v], i) => `${pads[i][0]}${k}=${v}${pads[i][1]}${pads[i][2] ? ', ' : ''}`).join(','),
);

export const traceStateText: fc.Arbitrary<string> = fc.oneof(
  listText,
  mutated(listText),
  anyText,
  repeated(fc.constantFrom(',', ' ', 'a=1,', 'a=1', '\t,'), 20_000),
);

// ---- helpers


const serialized = (es: readonly (readonly [string, string])[]) => es.map(([k, v]) => `${k}=${v}`).join(',');
const lengthOf = (es: readonly (readonly [string, string])[]) => serialized(es).length;

/** Our state must equal the reference list, or a truncation of it by whole entries when too long. */
function stateMatchesReference(state: string | undefined, ref: [string, string][] | undefined): boolean {
  if (ref === undefined || ref.length === 0) return state === undefined;
  if (lengthOf(ref) <= TRACESTATE_MAX_LENGTH) return state === serialized(ref);
  if (state === undefined) return ref.every(([k, v]) => k.length + 1 + v.length > TRACESTATE_MAX_LENGTH);
  // Truncation keeps an order-preserving subset that fits.
  const kept = state.split(',');
  let i = 0;
  for (const m of kept) {
    while (i < ref.length && `${ref[i][0]}=${ref[i][1]}` !== m) i++;
    if (i === ref.length) return false;
    i++;
  }
  return state.length <= TRACESTATE_MAX_LENGTH;
}

const propagator = new W3CTraceContextPropagator();

// ---- cases

export const traceContextCases: FuzzCase[] = [
  {
    parser: 'traceparent',
    name: 'never throws, agrees with the ABNF reference (any value a getter may return)',
    property: () =>
      fc.property(headerValue(traceParentText), (input) => {
        const ours = parseTraceParent(input);
        const ref = refTraceParent(input);
        if (ref === undefined) return ours === undefined;
        return ours !== undefined && ours.traceId === ref.traceId && ours.spanId === ref.spanId && ours.traceFlags === ref.traceFlags;
      }),
  },
  {
    parser: 'traceparent',
    name: 'round-trips every valid version-00 header, with optional whitespace',
    property: () =>
      fc.property(hexId(32), hexId(16), fc.integer({ min: 0, max: 3 }), ows, ows, (t, s, f, a, b) => {
        const p = parseTraceParent(`${a}00-${t}-${s}-0${f}${b}`);
        return p !== undefined && p.traceId === t && p.spanId === s && p.traceFlags === f;
      }),
  },
  {
    parser: 'tracestate',
    name: 'never throws, agrees with the ABNF reference (discard-whole on any invalid member)',
    property: () =>
      fc.property(headerValue(traceStateText), (input) => {
        const ours = parseTraceState(input);
        const ref = refTraceState(input);
        return ref === undefined ? ours === undefined : ours !== undefined && serialized(ours) === serialized(ref);
      }),
  },
  {
    parser: 'tracestate',
    name: 'the kept state is valid, at most 512 characters, and the reference list or a whole-entry truncation of it',
    property: () =>
      fc.property(headerValue(traceStateText), (input) => {
        const state = W3CTraceState.fromHeader(input)?.serialize();
        if (state !== undefined && !isSendableTraceState(state)) return false;
        return stateMatchesReference(state, refTraceState(input));
      }),
  },
  {
    parser: 'tracestate',
    name: 'set/unset with any key and value keep the state valid and the set entry first',
    property: () =>
      fc.property(
        traceStateText,
        fc.array(fc.tuple(fc.boolean(), fc.oneof(simpleKey, tenantKey, anyText), fc.oneof(tsValue, anyText)), { maxLength: 6 }),
        (header, ops) => {
          let state = W3CTraceState.fromHeader(header) ?? W3CTraceState.fromHeader('seed=1')!;
          for (const [isSet, key, value] of ops) {
            const before = state;
            state = (isSet ? state.set(key, value) : state.unset(key)) as W3CTraceState;
            const out = state.serialize();
            if (out !== '' && !isSendableTraceState(out)) return false;
            if (isSet && state !== before && !out.startsWith(`${key}=${value}`)) return false;
            if (isSet && refTraceState(`${key}=${value}`) === undefined && state !== before) return false;
          }
          return true;
        },
      ),
  },
  {
    parser: 'tracecontext propagator',
    name: 'extract never throws; inject after extract sends nothing or valid headers carrying what was received',
    property: () =>
      fc.property(headerValue(traceParentText), fc.option(headerValue(traceStateText), { nil: undefined }), (tp, ts) => {
        const carrier: Record<string, unknown> = { traceparent: tp };
        if (ts !== undefined) carrier.tracestate = ts;
        const ctx = propagator.extract(ROOT_CONTEXT, carrier, recordGetter);
        const sc = trace.getSpanContext(ctx);
        const ref = refTraceParent(tp);
        if (ref === undefined) return sc === undefined;
        if (sc === undefined || sc.traceId !== ref.traceId || sc.spanId !== ref.spanId || !sc.isRemote) return false;
        const out: Record<string, string> = {};
        propagator.inject(ctx, out, recordSetter);
        const sent = refTraceParent(out.traceparent);
        if (sent === undefined || sent.version !== '00' || sent.traceId !== ref.traceId || sent.traceFlags !== ref.traceFlags) return false;
        if (out.tracestate !== undefined && !isSendableTraceState(out.tracestate)) return false;
        return stateMatchesReference(out.tracestate, refTraceState(ts));
      }),
  },
  {
    parser: 'tracecontext propagator',
    name: 'inject of any span context (foreign IDs, flags, TraceState) sends nothing or valid headers',
    property: () =>
      fc.property(
        fc.oneof(hexId(32), hex(32), anyText, hexId(32).map((s) => s.toUpperCase())),
        fc.oneof(hexId(16), hex(16), anyText),
        fc.oneof(fc.integer({ min: -1, max: 300 }), fc.double()),
        fc.option(traceStateText, { nil: undefined }),
        (traceId, spanId, traceFlags, state) => {
          const sc: SpanContext = { traceId, spanId, traceFlags, traceState: state === undefined ? undefined : new CoreTraceState(state) };
          const out: Record<string, string> = {};
          propagator.inject(trace.setSpanContext(ROOT_CONTEXT, sc) as Context, out, recordSetter);
          if (out.traceparent === undefined) return out.tracestate === undefined;
          const sent = refTraceParent(out.traceparent);
          return sent !== undefined && sent.version === '00' && (out.tracestate === undefined || isSendableTraceState(out.tracestate));
        },
      ),
  },
];

import {
  trace,
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  type TraceState,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { isLowerHexId } from './lowerHex.js';
import { KNOWN_TRACE_FLAGS, parseTraceParent } from './parseTraceParent.js';
import { W3CTraceState } from './W3CTraceState.js';

export const TRACE_PARENT_HEADER = 'traceparent';
export const TRACE_STATE_HEADER = 'tracestate';

/**
 * W3C Trace Context (Level 2) propagator, replacing `W3CTraceContextPropagator` from
 * @opentelemetry/core 2.x, which:
 * - keeps the valid members of an invalid `tracestate` (skips bad ones, keeps the first of
 *   duplicates and the first 32 of 33+ members) where the spec and its test suite discard the
 *   list as a whole;
 * - trims any whitespace (`\n`, `\r`, ...) around members, and accepts at most one space or tab
 *   around `traceparent` where optional whitespace is any number of spaces and tabs;
 * - uses the first of several `traceparent` headers (the test suite expects a restart);
 * - injects flags as `0` + hex, so a context with flags >= 0x10 (e.g. extracted from a future
 *   version) produces a 3-digit, invalid `traceparent`, and sends reserved flag bits;
 * - injects IDs validated by the API's case-insensitive check, so an upper-case ID set through
 *   `trace.wrapSpanContext` goes out invalid; and serializes any TraceState as is.
 * Here, nothing invalid is propagated: IDs are checked lower-case, flags are masked to the ones
 * defined (sampled, random), and a foreign TraceState's serialization is re-parsed strictly.
 * Neither direction throws, even with a misbehaving getter or setter.
 */
export class W3CTraceContextPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    try {
      const sc = trace.getSpanContext(context);
      if (sc === undefined || isTracingSuppressed(context) || !isValidSpanContext(sc)) return;
      setter.set(carrier, TRACE_PARENT_HEADER, `00-${sc.traceId}-${sc.spanId}-${flagsHex(sc.traceFlags)}`);
      const state = outgoingTraceState(sc.traceState);
      if (state !== '') setter.set(carrier, TRACE_STATE_HEADER, state);
    } catch {
      // A carrier that refuses a header must not break the request that carries it.
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    try {
      const parent = parseTraceParent(getter.get(carrier, TRACE_PARENT_HEADER));
      // "If the vendor failed to parse traceparent, it MUST NOT attempt to parse tracestate."
      if (parent === undefined) return context;
      const spanContext: SpanContext = { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parent.traceFlags, isRemote: true };
      const state = W3CTraceState.fromHeader(getter.get(carrier, TRACE_STATE_HEADER));
      if (state !== undefined) spanContext.traceState = state;
      return trace.setSpanContext(context, spanContext);
    } catch {
      return context;
    }
  }

  fields(): string[] {
    return [TRACE_PARENT_HEADER, TRACE_STATE_HEADER];
  }
}

// Consecutive injects are mostly for spans of one trace: skip re-checking its trace ID.
let lastTraceId = '';

/** Lower-case hex IDs of the right length, not all zeros (the wire format, stricter than the API). */
function isValidSpanContext(sc: SpanContext): boolean {
  const { traceId, spanId } = sc;
  if (traceId !== lastTraceId) {
    if (typeof traceId !== 'string' || traceId.length !== 32 || !isLowerHexId(traceId, 0, 32)) return false;
    lastTraceId = traceId;
  }
  return typeof spanId === 'string' && spanId.length === 16 && isLowerHexId(spanId, 0, 16);
}

const FLAGS_HEX = ['00', '01', '02', '03'];

function flagsHex(flags: unknown): string {
  return FLAGS_HEX[typeof flags === 'number' ? flags & KNOWN_TRACE_FLAGS : 0];
}

// Samplers often pass one TraceState object on to many spans: remember the last foreign one.
let lastForeign = '';
let lastForeignOut = '';

/** The `tracestate` to send: ours as is; any other implementation's only if it parses strictly. */
function outgoingTraceState(state: TraceState | undefined): string {
  if (state === undefined || state === null) return '';
  if (state instanceof W3CTraceState) return state.serialize();
  let raw: unknown;
  try {
    raw = state.serialize();
  } catch {
    return ''; // the traceparent still goes out: the tracestate is optional
  }
  if (typeof raw !== 'string' || raw === '') return '';
  if (raw === lastForeign) return lastForeignOut;
  const out = W3CTraceState.fromHeader(raw)?.serialize() ?? '';
  lastForeign = raw;
  lastForeignOut = out;
  return out;
}

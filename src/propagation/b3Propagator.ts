import { createContextKey, type Context, type TextMapGetter, type TextMapPropagator } from '@opentelemetry/api';
import {
  B3_CONTEXT_HEADER,
  B3InjectEncoding,
  B3Propagator,
  X_B3_SPAN_ID,
  X_B3_TRACE_ID,
} from '@opentelemetry/propagator-b3';

/**
 * The official B3Propagator, wrapped because @opentelemetry/propagator-b3 2.12 fails vectors in
 * shared/vectors/b3.json (from opentelemetry-go-contrib):
 * - single header: its regex is not anchored, so trailing garbage is ignored and
 *   `<trace>-<span>-true`, `-q`, a 3-digit flag, an 18-digit span ID or a bad parent span ID
 *   still yield a context;
 * - multi header: IDs are checked with the API's case-insensitive hex test and any trace ID is
 *   left-padded to 32, so upper-case IDs and 12- or 30-digit trace IDs are accepted;
 * - an invalid single header hides a valid multi-header context (it only falls back when `b3` is
 *   absent);
 * - debug: single-header extract stores 'd' and multi-header stores '1' under the same context key,
 *   and each injector only recognises its own form, so debug is lost when a service receives one
 *   encoding and sends the other.
 * The fix keeps the official parser and context handling: on extract, a getter hides header values
 * that do not match the strict B3 grammar (so an invalid `b3` falls back to x-b3-*, and an invalid
 * x-b3-traceid/spanid yields nothing); on inject, the debug value is rewritten to the form the
 * chosen encoding understands.
 */

// Same key as propagator-b3's (createContextKey uses Symbol.for); the package does not export it.
export const B3_DEBUG_FLAG_KEY = createContextKey('OpenTelemetry Context Key B3 Debug Flag');

export type B3Encoding = 'single' | 'multi';

export function b3Propagator(encoding: B3Encoding): TextMapPropagator {
  const official = new B3Propagator({
    injectEncoding: encoding === 'multi' ? B3InjectEncoding.MULTI_HEADER : B3InjectEncoding.SINGLE_HEADER,
  });
  const debugValue = encoding === 'multi' ? '1' : 'd';

  return {
    inject(context: Context, carrier, setter) {
      const debug = context.getValue(B3_DEBUG_FLAG_KEY);
      if (debug !== undefined && debug !== debugValue) {
        context = context.setValue(B3_DEBUG_FLAG_KEY, debug === '1' || debug === 'd' ? debugValue : undefined);
      }
      official.inject(context, carrier, setter);
    },
    extract: (context, carrier, getter) => official.extract(context, carrier, strictGetter(getter)),
    fields: () => official.fields(),
  };
}

/**
 * One strict getter per underlying getter, cached: getters are module-level singletons in
 * practice, and allocating closures on every extract is measurably slow (see bench/propagation.ts).
 */
const strictGetters = new WeakMap<TextMapGetter, TextMapGetter>();

function strictGetter<C>(getter: TextMapGetter<C>): TextMapGetter<C> {
  let strict = strictGetters.get(getter);
  if (strict === undefined) {
    strict = {
      keys: (carrier) => getter.keys(carrier as C),
      get(carrier, key) {
        const value = getter.get(carrier as C, key);
        if (value === undefined) return value;
        const check = key === B3_CONTEXT_HEADER ? isSingleHeader : key === X_B3_TRACE_ID ? isTraceId : key === X_B3_SPAN_ID ? isSpanId : undefined;
        if (check === undefined) return value;
        // Like the official propagator, only the first of repeated values counts.
        const first = Array.isArray(value) ? value[0] : value;
        return typeof first === 'string' && check(first) ? first : undefined;
      },
    };
    strictGetters.set(getter, strict);
  }
  return strict as TextMapGetter<C>;
}

// The strict B3 grammar, lower-case hex only, anchored:
//   b3 = traceid-spanid[-sampling[-parentspanid]]; traceid 16 or 32 hex, IDs 16 hex, sampling 0|1|d
const SINGLE = /^[0-9a-f]{16}(?:[0-9a-f]{16})?-[0-9a-f]{16}(?:-[01d](?:-[0-9a-f]{16})?)?$/;
const TRACE_ID = /^[0-9a-f]{16}(?:[0-9a-f]{16})?$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

// B3Propagator reads `b3` twice per extract (to choose the format, then to parse it): remember the
// last value that passed so the second read costs a pointer comparison.
let lastValidSingle = '';

function isSingleHeader(s: string): boolean {
  if (s === lastValidSingle) return true;
  if (!SINGLE.test(s)) return false;
  lastValidSingle = s;
  return true;
}

function isTraceId(s: string): boolean {
  return TRACE_ID.test(s);
}

function isSpanId(s: string): boolean {
  return SPAN_ID.test(s);
}

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

const SINGLE = /^(?:[0-9a-f]{16}|[0-9a-f]{32})-[0-9a-f]{16}(?:-[01d](?:-[0-9a-f]{16})?)?$/;
const TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const STRICT: Record<string, RegExp> = {
  [B3_CONTEXT_HEADER]: SINGLE,
  [X_B3_TRACE_ID]: TRACE_ID,
  [X_B3_SPAN_ID]: SPAN_ID,
};

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

function strictGetter<C>(getter: TextMapGetter<C>): TextMapGetter<C> {
  return {
    keys: (carrier) => getter.keys(carrier),
    get(carrier, key) {
      const value = getter.get(carrier, key);
      const rule = STRICT[key];
      if (rule === undefined || value === undefined) return value;
      // Like the official propagator, only the first of repeated values counts.
      const first = Array.isArray(value) ? value[0] : value;
      return typeof first === 'string' && rule.test(first) ? first : undefined;
    },
  };
}

import { trace, INVALID_SPAN_CONTEXT, type Context } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';

/**
 * The context keys under which `trace.getSpan()` and `getRPCMetadata()` look, read off the
 * API by watching what `trace.setSpan()` / `setRPCMetadata()` write (the keys themselves are not
 * exported). They let one per-request object answer as the handler's context instead of two
 * BaseContexts, each copying its parent's Map (see ServerRequest). Both are `Symbol.for` keys,
 * the same in every copy of the API.
 */
function keyWrittenBy(write: (ctx: Context) => Context): symbol | undefined {
  let key: symbol | undefined;
  const probe: Context = {
    getValue: () => undefined,
    setValue(k) {
      key = k;
      return probe;
    },
    deleteValue: () => probe,
  };
  try {
    write(probe);
  } catch {
    return undefined;
  }
  return key;
}

const INVALID_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
export const SPAN_KEY = keyWrittenBy((c) => trace.setSpan(c, INVALID_SPAN));
export const RPC_METADATA_KEY = keyWrittenBy((c) => setRPCMetadata(c, { type: RPCType.HTTP, span: INVALID_SPAN }));

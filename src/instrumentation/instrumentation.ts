import {
  context as contextApi,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { extractFrom, injectInto } from '../propagation/index.js';
import { recordError } from './recordError.js';

export interface StartSpanOptions extends SpanOptions {
  /** Parent context; default: the active context. `root: true` ignores any parent. */
  parent?: Context;
}

export interface LogContext {
  trace_id: string;
  span_id: string;
  trace_flags: string;
}

export interface Instrumentation {
  /** Starts a span the caller must end. */
  startSpan(name: string, options?: StartSpanOptions): Span;
  /**
   * Runs `fn(span)` with the span active and ends it when `fn` returns or its promise settles.
   * A throw or rejection is recorded (status ERROR + exception event) and re-thrown.
   */
  withSpan<T>(name: string, fn: (span: Span) => T, options?: StartSpanOptions): T;
  recordError(span: Span, error: unknown, attributes?: Attributes): void;
  /**
   * Writes the active (or given) context into a carrier: a plain object or Map, node:http headers
   * or outgoing message, fetch Headers, gRPC Metadata, message attributes. Returns the carrier.
   */
  inject<C extends object>(carrier: C, ctx?: Context): C;
  /** Reads a context from any carrier `inject` writes to; returns the new context. */
  extract(carrier: object, ctx?: Context): Context;
  /** `{ trace_id, span_id, trace_flags }` of the active span, for log correlation; undefined without one. */
  logContext(ctx?: Context): LogContext | undefined;
}

export function createInstrumentation(tracer: Tracer): Instrumentation {
  const startSpan = (name: string, options?: StartSpanOptions): Span =>
    tracer.startSpan(name, options, options?.parent ?? contextApi.active());

  return {
    startSpan,
    withSpan<T>(name: string, fn: (span: Span) => T, options?: StartSpanOptions): T {
      const parent = options?.parent ?? contextApi.active();
      const span = tracer.startSpan(name, options, parent);
      return contextApi.with(trace.setSpan(parent, span), () => {
        let result: T;
        try {
          result = fn(span);
        } catch (err) {
          recordError(span, err);
          span.end();
          throw err;
        }
        if (isThenable(result)) {
          return result.then(
            (value) => {
              span.end();
              return value;
            },
            (err: unknown) => {
              recordError(span, err);
              span.end();
              throw err;
            },
          ) as T;
        }
        span.end();
        return result;
      });
    },
    recordError,
    inject: (carrier, ctx) => injectInto(carrier, ctx ?? contextApi.active()),
    extract: (carrier, ctx) => extractFrom(carrier, ctx ?? contextApi.active()),
    logContext(ctx) {
      const sc = trace.getSpanContext(ctx ?? contextApi.active());
      if (sc === undefined) return undefined;
      return {
        trace_id: sc.traceId,
        span_id: sc.spanId,
        trace_flags: sc.traceFlags < 16 ? `0${sc.traceFlags.toString(16)}` : sc.traceFlags.toString(16),
      };
    },
  };
}

function isThenable<T>(v: T): v is T & PromiseLike<Awaited<T>> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

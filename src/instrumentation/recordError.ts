import { SpanStatusCode, type Attributes, type Exception, type Span } from '@opentelemetry/api';

/**
 * Records `error` on `span`: an `exception` event (type, message, stack) and status ERROR.
 * Accepts anything that can be thrown; never throws itself.
 */
export function recordError(span: Span, error: unknown, attributes?: Attributes): void {
  const exception = toException(error);
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exceptionMessage(exception) });
  if (attributes !== undefined) span.setAttributes(attributes);
}

function toException(error: unknown): Exception {
  if (error instanceof Error) return error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown };
    return {
      name: typeof e.name === 'string' ? e.name : undefined,
      message: typeof e.message === 'string' ? e.message : safeString(error),
      code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : undefined,
      stack: typeof e.stack === 'string' ? e.stack : undefined,
    };
  }
  return safeString(error);
}

function exceptionMessage(e: Exception): string {
  if (typeof e === 'string') return e;
  return e.message ?? e.name ?? 'error';
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return 'unprintable error';
  }
}

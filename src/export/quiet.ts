import { context, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/**
 * The context of everything the exporter does: http/grpc/fs instrumentations see tracing
 * suppressed and create no spans for exporting, and timers do not retain the context (and
 * spans) of whichever application code happened to end a span.
 */
export const QUIET: Context = suppressTracing(ROOT_CONTEXT);

export const quiet = <T>(fn: () => T): T => context.with(QUIET, fn);

/**
 * Starts asynchronous setup work (certificate files, the spool's directory scan) on the next
 * turn of the event loop, in QUIET. Why not at once: `initTracing()` builds the pipeline before
 * it registers the context manager, and work begun before that continues outside any context
 * after its first `await`, where instrumentations enabled meanwhile would record it.
 */
export function quietSoon<T>(fn: () => Promise<T>): Promise<T> {
  return new Promise<void>((resolve) => setImmediate(resolve)).then(() => quiet(fn));
}

import type { Context, Span } from '@opentelemetry/api';

/**
 * The parent span the forcing sampler just looked up in `ctx`, for the buffer's startSpan that
 * the tracer calls right after, synchronously, with the same context. Why: a context lookup per
 * span is a measurable share of a provisional span's cost, and the answer cannot differ (a
 * context is immutable). The buffer clears it, so no span outlives its use here.
 */
export const parentHandoff: { ctx: Context | undefined; span: Span | undefined } = { ctx: undefined, span: undefined };

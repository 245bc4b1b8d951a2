import { context, diag, propagation, type Context } from '@opentelemetry/api';
import { detectCarrier } from './carriers/detectCarrier.js';
import type { Propagates } from './injectInto.js';

/**
 * Extracts a context from `carrier` (request, headers, metadata, message attributes, ...) on top
 * of `ctx` (default: the active context) with the right getter for its type. Default propagator:
 * the global one. Never throws: on any failure `ctx` comes back unchanged.
 */
export function extractFrom(carrier: unknown, ctx: Context = context.active(), propagator: Propagates = propagation): Context {
  try {
    const detected = detectCarrier(carrier);
    return detected ? propagator.extract(ctx, detected.target, detected.access) : ctx;
  } catch (err) {
    diag.debug(`tracewise: extract failed: ${(err as Error)?.message}`);
    return ctx;
  }
}

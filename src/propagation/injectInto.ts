import { context, diag, propagation, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { detectCarrier } from './carriers/detectCarrier.js';

/** The global `propagation` API or any TextMapPropagator. */
export type Propagates = Pick<TextMapPropagator, 'inject' | 'extract'>;

/**
 * Injects `ctx` (default: the active context) into `carrier` with the right setter for its type
 * (see detectCarrier) and returns the carrier, so `fetch(url, { headers: injectInto({}) })` works.
 * Default propagator: the global one (`propagation`). Never throws.
 */
export function injectInto<C>(carrier: C, ctx: Context = context.active(), propagator: Propagates = propagation): C {
  try {
    const detected = detectCarrier(carrier);
    if (detected) propagator.inject(ctx, detected.target, detected.access);
  } catch (err) {
    diag.debug(`tracewise: inject failed: ${(err as Error)?.message}`);
  }
  return carrier;
}

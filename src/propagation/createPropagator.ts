import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator } from '@opentelemetry/core';
import { W3CBaggagePropagator } from '../baggage/W3CBaggagePropagator.js';
import { b3Propagator } from './b3Propagator.js';
import { noopPropagator } from './noopPropagator.js';
import { validatePropagators, type PropagatorName } from './validatePropagators.js';
import { W3CTraceContextPropagator } from './W3CTraceContextPropagator.js';

/**
 * Builds the propagator for OTEL_PROPAGATORS-style names, in order (on extract, later ones win).
 * `tracecontext` is our W3CTraceContextPropagator (core's propagates parts of invalid tracestate
 * lists and can inject invalid headers, see its file); `baggage` is our W3CBaggagePropagator
 * (core's fails the W3C vectors, see its file); `b3`/`b3multi` are the official B3Propagator with
 * single/multi injection, wrapped for strict parsing (see b3Propagator.ts). Both B3 variants
 * extract either encoding. Throws InvalidConfigError for an unknown name.
 */
export function createPropagator(names: readonly PropagatorName[]): TextMapPropagator {
  // validatePropagators guarantees 'none' only ever comes alone.
  const propagators = validatePropagators(names).map(build);
  return propagators.length === 1 ? propagators[0] : new CompositePropagator({ propagators });
}

function build(name: PropagatorName): TextMapPropagator {
  switch (name) {
    case 'none':
      return noopPropagator;
    case 'tracecontext':
      return new W3CTraceContextPropagator();
    case 'baggage':
      return new W3CBaggagePropagator();
    case 'b3':
      return b3Propagator('single');
    case 'b3multi':
      return b3Propagator('multi');
  }
}

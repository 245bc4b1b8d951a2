import { context, diag, propagation, trace, type TextMapPropagator, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { GlobalRegistration } from '../tracing.js';

export interface Registered {
  registration: GlobalRegistration;
  /** What went wrong, already reported through diag. */
  warnings: string[];
  /** Unregisters exactly what was registered. */
  unregister(): void;
}

/**
 * Registers the tracer provider, an AsyncLocalStorage context manager and the propagator as the
 * OTel API globals. One already registered by someone else stays; we say so clearly, because
 * instrumentations would then send their spans elsewhere.
 */
export function registerGlobals(provider: TracerProvider, propagator: TextMapPropagator): Registered {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const registration: GlobalRegistration = {
    tracerProvider: trace.setGlobalTracerProvider(provider),
    contextManager: context.setGlobalContextManager(contextManager),
    propagator: propagation.setGlobalPropagator(propagator),
  };
  const warnings: string[] = [];
  if (!registration.tracerProvider) {
    warnings.push(
      'Another tracer provider is already registered globally: spans from tracing.tracer and tracing.instrumentation are ' +
        'exported by tracewise, but instrumentations using trace.getTracer() keep using the other provider. ' +
        'Call initTracing() before any other OpenTelemetry setup, or remove the other setup.',
    );
  }
  if (!registration.contextManager) {
    contextManager.disable();
    warnings.push('Another context manager is already registered globally; tracewise uses it.');
  }
  if (!registration.propagator) {
    warnings.push('Another propagator is already registered globally; inject/extract use it, not the configured `propagators`.');
  }
  for (const w of warnings) diag.warn(`tracewise: ${w}`);
  return {
    registration,
    warnings,
    unregister() {
      if (registration.tracerProvider) trace.disable();
      if (registration.contextManager) context.disable();
      if (registration.propagator) propagation.disable();
    },
  };
}

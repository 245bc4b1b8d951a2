import { ProxyTracerProvider } from '@opentelemetry/api';
import { createBaggageManager } from '../baggage/index.js';
import type { ResolvedConfig } from '../config.js';
import { createInstrumentation } from '../instrumentation/instrumentation.js';
import { setUpInstrumentations } from '../instrumentations/setUpInstrumentations.js';
import { setUpMetrics } from '../metrics/setUpMetrics.js';
import { SpanCounters } from '../metrics/spanCounters.js';
import { alwaysOff } from '../sampling/index.js';
import type { Tracing } from '../tracing.js';
import { checkNewSampler, toBoost } from './liveSampler.js';

const DISABLED_SAMPLER = alwaysOff();

/**
 * `disabled: true` / OTEL_SDK_DISABLED=true: the same API over the OTel no-op tracer, nothing
 * registered, nothing exported. Calls are still checked, so code behaves the same when enabled.
 */
export function createDisabled(config: ResolvedConfig, onShutdown: () => void): Tracing {
  setUpInstrumentations(config, undefined);
  const tracer = new ProxyTracerProvider().getTracer('tracewise');
  return {
    tracer,
    instrumentation: createInstrumentation(tracer),
    enabled: false,
    serviceName: config.serviceName,
    registration: { tracerProvider: false, contextManager: false, propagator: false },
    warnings: [],
    metrics: setUpMetrics(config, new SpanCounters(), () => DISABLED_SAMPLER, undefined),
    baggage: createBaggageManager({ staticEntries: config.baggage.staticEntries }),
    sampler: DISABLED_SAMPLER,
    setSampler: (next) => void checkNewSampler(next),
    boostSampling: (options) => void toBoost(options),
    forceFlush: () => Promise.resolve(),
    shutdown: () => {
      onShutdown();
      return Promise.resolve();
    },
  };
}

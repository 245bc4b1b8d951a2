import type { Tracer } from '@opentelemetry/api';
import type { BaggageManager } from './baggage/index.js';
import type { Instrumentation } from './instrumentation/instrumentation.js';
import type { TracingMetricsHandle } from './metrics/setUpMetrics.js';

/** Which OTel globals this `initTracing()` managed to register. */
export interface GlobalRegistration {
  tracerProvider: boolean;
  contextManager: boolean;
  propagator: boolean;
}

/** What `initTracing()` returns. */
export interface Tracing {
  /** A tracer named after the service; `trace.getTracer()` works too once registered. */
  readonly tracer: Tracer;
  readonly instrumentation: Instrumentation;
  /** False when tracing is disabled (`disabled: true` or OTEL_SDK_DISABLED=true). */
  readonly enabled: boolean;
  readonly serviceName: string;
  /** False entries mean another library registered that global first (see `warnings`). */
  readonly registration: GlobalRegistration;
  /** Problems found at start-up, e.g. another tracer provider already registered. */
  readonly warnings: readonly string[];
  /** Request-scoped baggage on the OTel baggage API (get, set, remove, getAll, withBaggage). */
  readonly baggage: BaggageManager;
  /** Counters of what tracing itself does: `snapshot()`, `publish(meterProvider)`. */
  readonly metrics: TracingMetricsHandle;
  /** Exports every ended span; bounded by `shutdownTimeout`. */
  forceFlush(): Promise<void>;
  /** Flushes and stops; idempotent, bounded by `shutdownTimeout`. */
  shutdown(): Promise<void>;
}

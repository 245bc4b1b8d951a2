import type { Tracer } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { BaggageManager } from './baggage/index.js';
import type { Instrumentation } from './instrumentation/instrumentation.js';
import type { TracingMetricsHandle } from './metrics/setUpMetrics.js';

/** Which OTel globals this `initTracing()` managed to register. */
export interface GlobalRegistration {
  tracerProvider: boolean;
  contextManager: boolean;
  propagator: boolean;
}

export type BoostSamplingOptions = ({ ratio: number; factor?: never } | { factor: number; ratio?: never }) & { durationMs: number };

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
  /** The live (head) sampler. */
  readonly sampler: Sampler;
  /** Swaps the head sampler atomically; forcing, if configured, stays around it. */
  setSampler(sampler: Sampler): void;
  /**
   * Raises sampling for `durationMs` (e.g. during an incident), then falls back by itself:
   * `ratio` keeps at least that probability, `factor` multiplies every probabilistic ratio.
   * Decisions stay consistent and `th` truthful. A later boost replaces an earlier one.
   */
  boostSampling(options: BoostSamplingOptions): void;
  /** Exports every ended span; bounded by `shutdownTimeout`. */
  forceFlush(): Promise<void>;
  /** Flushes and stops; idempotent, bounded by `shutdownTimeout`. */
  shutdown(): Promise<void>;
}

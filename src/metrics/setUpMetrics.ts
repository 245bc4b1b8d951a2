import { metrics as metricsApi, type MeterProvider } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from '../config.js';
import type { ExportStats } from '../export/exportStats.js';
import type { ForcingStats } from '../forcing/forcingStats.js';
import { publishMetrics } from './publishMetrics.js';
import type { SpanCounters } from './spanCounters.js';
import { createTracingMetrics, latencyTracker, type LatencyTracker, type TracingMetrics } from './tracingMetrics.js';

/** `tracing.metrics`. */
export interface TracingMetricsHandle extends TracingMetrics {
  /** Publishes the figures through this MeterProvider's instruments (once per provider). */
  publish(meterProvider: MeterProvider): void;
  /** @internal Stops publishing (shutdown). */
  unpublish(): void;
  /** @internal Feeds the export latency average; pass to the export pipeline as its observer. */
  readonly latency: LatencyTracker;
  /** @internal The span counters the tracer increments. */
  readonly counters: SpanCounters;
}

/** Whether the global MeterProvider is a real one (the API hands out a no-op until one is set). */
function globalMeterProvider(): MeterProvider | undefined {
  const mp = metricsApi.getMeterProvider();
  return mp.constructor?.name === 'NoopMeterProvider' ? undefined : mp;
}

/**
 * `otel.component.type` of the span exporter (semantic conventions' values for the OTLP ones):
 * OTLP over gRPC or over HTTP with protobuf bodies, or the application's own exporter.
 */
export function exporterComponentType(config: Pick<ResolvedConfig, 'exporter' | 'export'>): string {
  if (config.exporter) return 'custom_span_exporter';
  return config.export.options.protocol === 'http/protobuf' ? 'otlp_http_span_exporter' : 'otlp_grpc_span_exporter';
}

export function setUpMetrics(
  config: ResolvedConfig,
  counters: SpanCounters,
  sampler: () => Sampler,
  exportStats: (() => ExportStats | undefined) | undefined,
  forcing?: () => ForcingStats,
  ratioOf?: () => Sampler,
): TracingMetricsHandle {
  const latency = latencyTracker();
  const metrics = createTracingMetrics({ counters, sampler, ratioOf, exportStats, forcing }, latency);
  const published = new Map<MeterProvider, () => void>();
  const handle: TracingMetricsHandle = {
    snapshot: metrics.snapshot,
    latency,
    counters,
    publish(meterProvider) {
      if (published.has(meterProvider)) return;
      published.set(meterProvider, publishMetrics(meterProvider, metrics, counters, exporterComponentType(config)));
    },
    unpublish() {
      for (const stop of published.values()) stop();
      published.clear();
    },
  };
  const mp = config.meterProvider ?? globalMeterProvider();
  if (mp !== undefined && config.metrics && !config.disabled) handle.publish(mp);
  return handle;
}

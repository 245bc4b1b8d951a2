import type { Attributes, MeterProvider } from '@opentelemetry/api';
import { PARENT_ORIGINS, SAMPLING_RESULTS, type SpanCounters } from './spanCounters.js';
import type { TracingMetrics } from './tracingMetrics.js';

/**
 * Publishes the snapshot through the OTel metrics API: the SDK self-observability names from the
 * semantic conventions (otel.sdk.*), plus tracewise's own for sampling and export. Everything is
 * an observable instrument read once per collection, so the span path pays nothing for it.
 */
export function publishMetrics(
  meterProvider: MeterProvider,
  metrics: TracingMetrics,
  counters: SpanCounters,
  exporterType: string,
): () => void {
  const meter = meterProvider.getMeter('tracewise');
  const started = meter.createObservableCounter('otel.sdk.span.started', { unit: '{span}', description: 'The number of created spans.' });
  const live = meter.createObservableUpDownCounter('otel.sdk.span.live', {
    unit: '{span}',
    description: 'The number of created spans with recording=true for which the end operation has not been called yet.',
  });
  const processed = meter.createObservableCounter('otel.sdk.processor.span.processed', {
    unit: '{span}',
    description: 'The number of spans for which the processing has finished, either successful or failed.',
  });
  const queueSize = meter.createObservableUpDownCounter('otel.sdk.processor.span.queue.size', {
    unit: '{span}',
    description: 'The number of spans in the queue of a given instance of an SDK span processor.',
  });
  const exported = meter.createObservableCounter('otel.sdk.exporter.span.exported', {
    unit: '{span}',
    description: 'The number of spans for which the export has finished, either successful or failed.',
  });
  const dropped = meter.createObservableCounter('tracewise.span.dropped', { unit: '{span}', description: 'Sampled spans that were not delivered, by reason.' });
  const retries = meter.createObservableCounter('tracewise.exporter.retries', { unit: '{request}', description: 'Export requests scheduled to be sent again.' });
  const failed = meter.createObservableCounter('tracewise.exporter.requests.failed', { unit: '{request}', description: 'Export requests that failed.' });
  const buffered = meter.createObservableUpDownCounter('tracewise.exporter.buffer.size', { unit: 'By', description: 'Encoded spans held for export, in memory and in the spool.' });
  const latency = meter.createObservableGauge('tracewise.exporter.latency', { unit: 'ms', description: 'Latency of successful export requests.' });
  const ratio = meter.createObservableGauge('tracewise.sampler.ratio', { unit: '1', description: 'The live sampler’s current sampling probability.' });
  const decisions = meter.createObservableCounter('tracewise.sampler.decisions', { unit: '{span}', description: 'Sampling decisions of the live sampler.' });

  const pipeline: Attributes = { 'otel.component.type': 'batching_span_processor', 'otel.component.name': 'tracewise_export_pipeline/0' };
  const exporter: Attributes = { 'otel.component.type': exporterType, 'otel.component.name': `${exporterType}/0` };
  // Semantic-convention error.type values for the processor's own drops.
  const PROCESSOR_ERRORS: Record<string, string> = { buffer_full: 'queue_full', shutdown: 'already_shutdown' };

  const callback = (r: { observe(i: unknown, v: number, a?: Attributes): void }) => {
    const s = metrics.snapshot();
    const o = (inst: unknown, v: number, a?: Attributes) => r.observe(inst, v, a);
    for (let origin = 0; origin < 3; origin++) {
      for (let d = 0; d < 3; d++) {
        o(started, counters.started[origin * 3 + d], {
          'otel.span.parent.origin': PARENT_ORIGINS[origin],
          'otel.span.sampling_result': SAMPLING_RESULTS[d],
        });
      }
    }
    o(live, s.spans.live.RECORD_ONLY, { 'otel.span.sampling_result': 'RECORD_ONLY' });
    o(live, s.spans.live.RECORD_AND_SAMPLE, { 'otel.span.sampling_result': 'RECORD_AND_SAMPLE' });
    let processorFailed = 0;
    for (const [reason, n] of Object.entries(s.spans.dropped.byReason)) {
      o(dropped, n, { reason });
      const err = PROCESSOR_ERRORS[reason];
      if (err) {
        o(processed, n, { ...pipeline, 'error.type': err });
        processorFailed += n;
      } else if (s.export) {
        o(exported, n, { ...exporter, 'error.type': reason });
      }
    }
    if (s.export) {
      const sampledEnded = s.spans.started.byResult.RECORD_AND_SAMPLE - s.spans.live.RECORD_AND_SAMPLE;
      o(processed, Math.max(0, sampledEnded - processorFailed), pipeline);
      o(queueSize, s.export.bufferedSpans, pipeline);
      o(exported, s.spans.exported, exporter);
      o(retries, s.export.retries);
      o(failed, s.export.failedRequests);
      o(buffered, s.export.bufferedBytes, { 'tracewise.buffer': 'memory' });
      o(buffered, s.export.spooledBytes, { 'tracewise.buffer': 'spool' });
      o(latency, s.export.latencyMs.average, { 'tracewise.statistic': 'average' });
      o(latency, s.export.latencyMs.ema, { 'tracewise.statistic': 'ema' });
    }
    const sampler = { 'tracewise.sampler': s.sampler.description };
    if (s.sampler.ratio !== undefined) o(ratio, s.sampler.ratio, sampler);
    for (const [result, n] of Object.entries(s.sampler.decisions)) o(decisions, n, { ...sampler, 'otel.span.sampling_result': result });
  };
  const observables = [started, live, processed, queueSize, exported, dropped, retries, failed, buffered, latency, ratio, decisions];
  const batch = callback as unknown as Parameters<typeof meter.addBatchObservableCallback>[0];
  meter.addBatchObservableCallback(batch, observables);
  return () => meter.removeBatchObservableCallback(batch, observables);
}


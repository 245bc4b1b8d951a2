import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from '../config.js';
import { createExportPipeline, fanOutObserver, type ExportObserver, type ExportPipeline } from '../export/index.js';

/**
 * Where ended spans go: tracewise's reliable OTLP pipeline (src/export), or, with a custom
 * `exporter`, the SDK's BatchSpanProcessor around it.
 */
export function exportProcessor(
  config: ResolvedConfig,
  observer: ExportObserver,
): { processor: SpanProcessor; pipeline?: ExportPipeline } {
  const o = config.export.options;
  if (config.exporter) {
    const processor = new BatchSpanProcessor(config.exporter, {
      maxExportBatchSize: o.exportBatchSize,
      scheduledDelayMillis: o.exportInterval,
      maxQueueSize: Math.max(config.export.maxQueueSize, o.exportBatchSize),
      exportTimeoutMillis: o.exportTimeout,
    });
    return { processor };
  }
  // The application's observer (`export.observer`) sees what tracing.metrics sees.
  const both = o.observer !== undefined ? fanOutObserver(observer, o.observer) : observer;
  const pipeline = createExportPipeline({ ...o, flushTimeout: config.shutdownTimeout, observer: both });
  return { processor: pipeline, pipeline };
}

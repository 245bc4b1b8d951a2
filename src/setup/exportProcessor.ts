import { BatchSpanProcessor, ConsoleSpanExporter, NoopSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from '../config.js';
import { createExportPipeline, fanOutObserver, type ExportObserver, type ExportPipeline } from '../export/index.js';

/**
 * Where ended spans go: tracewise's reliable OTLP pipeline (src/export), or, with a custom
 * `exporter`, the SDK's BatchSpanProcessor around it. Without one, OTEL_TRACES_EXPORTER may add
 * the console (a SimpleSpanProcessor, as the NodeSDK does) or send spans nowhere (`none`).
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
  const to = config.tracesExporters;
  let pipeline: ExportPipeline | undefined;
  if (to.includes('otlp')) {
    // The application's observer (`export.observer`) sees what tracing.metrics sees.
    const both = o.observer !== undefined ? fanOutObserver(observer, o.observer) : observer;
    pipeline = createExportPipeline({ ...o, flushTimeout: config.shutdownTimeout, observer: both });
  }
  const toConsole = to.includes('console') ? new SimpleSpanProcessor(new ConsoleSpanExporter()) : undefined;
  if (pipeline && toConsole) return { processor: pair(pipeline, toConsole), pipeline };
  return { processor: pipeline ?? toConsole ?? new NoopSpanProcessor(), pipeline };
}

/** Two processors as one (the SDK no longer exports its MultiSpanProcessor). */
function pair(a: SpanProcessor, b: SpanProcessor): SpanProcessor {
  return {
    onStart: (span, ctx) => {
      a.onStart(span, ctx);
      b.onStart(span, ctx);
    },
    onEnd: (span) => {
      a.onEnd(span);
      b.onEnd(span);
    },
    forceFlush: () => Promise.all([a.forceFlush(), b.forceFlush()]).then(() => undefined),
    shutdown: () => Promise.all([a.shutdown(), b.shutdown()]).then(() => undefined),
  };
}

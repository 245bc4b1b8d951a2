/**
 * tracewise's reliable batching OTLP exporter: a SpanProcessor that replaces the SDK's
 * BatchSpanProcessor + OTLP exporter. See docs/export.md.
 */
export { createExportPipeline, type ExportPipeline } from './exportPipeline.js';
export {
  EXPORT_DEFAULTS,
  type ExportCompression,
  type ExportPipelineOptions,
  type ExportProtocol,
  type RetryOptions,
} from './exportPipelineOptions.js';
export { DROP_REASONS, fanOutObserver, type DropReason, type ExportObserver } from './exportObserver.js';
export type { ExportStats } from './exportStats.js';
export { exporterOptionsFromEnv } from './exporterOptionsFromEnv.js';
export { validateExportOptions } from './validateExportOptions.js';

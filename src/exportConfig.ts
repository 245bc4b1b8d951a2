import { envNumber, type Env } from './env.js';
import { InvalidConfigError } from './errors.js';
import {
  EXPORT_DEFAULTS,
  exporterOptionsFromEnv,
  validateExportOptions,
  type ExportCompression,
  type ExportPipelineOptions,
  type ExportProtocol,
} from './export/index.js';
import { protocolFromEnv } from './export/exporterOptionsFromEnv.js';

/** The export options `initTracing()` accepts at top level; the rest go under `export`. */
export interface ExportConfig {
  /** OTLP endpoint. Env: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, then OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint?: string;
  /** Sent as gRPC metadata / HTTP headers. Env: OTEL_EXPORTER_OTLP_(TRACES_)HEADERS. Never logged. */
  headers?: Record<string, string>;
  /** `grpc` (default) or `http/protobuf`. Env: OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL. */
  protocol?: ExportProtocol;
  /** `gzip` or `none` (default). Env: OTEL_EXPORTER_OTLP_(TRACES_)COMPRESSION. */
  compression?: ExportCompression;
  /** Spans per export request. Env: OTEL_BSP_MAX_EXPORT_BATCH_SIZE. Default 512. */
  exportBatchSize?: number;
  /** Longest wait before a partial batch is sent, ms. Env: OTEL_BSP_SCHEDULE_DELAY. Default 5000. */
  exportInterval?: number;
  /** Deadline of one export request, ms. Env: OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT. Default 10000. */
  exportTimeout?: number;
  /** Memory for batches waiting to be sent or retried, bytes. Default 64 MiB. */
  maxBufferBytes?: number;
  /** Spill batches that do not fit in memory, or are pending at shutdown, to this directory. */
  spoolDirectory?: string;
  /** With a custom `exporter` only: spans queued before new ones are dropped. Env: OTEL_BSP_MAX_QUEUE_SIZE. Default 2048. */
  maxQueueSize?: number;
  /**
   * Everything else of the exporter: TLS/mTLS files, retry, concurrency, spool size, and an
   * `observer` of its own metrics hooks (docs/export.md). Not used with a custom `exporter`.
   */
  export?: Omit<ExportPipelineOptions, 'flushTimeout'>;
}

export const EXPORT_CONFIG_KEYS = [
  'endpoint', 'headers', 'protocol', 'compression', 'exportBatchSize', 'exportInterval',
  'exportTimeout', 'maxBufferBytes', 'spoolDirectory', 'maxQueueSize', 'export',
] as const;

/** Top-level options that go to the pipeline as they are. */
const TOP_PIPELINE_KEYS = ['endpoint', 'protocol', 'compression', 'exportBatchSize', 'exportInterval', 'exportTimeout', 'maxBufferBytes', 'spoolDirectory'] as const;

/** tracewise follows the spec's OTEL_BSP_SCHEDULE_DELAY default, not the pipeline's own 1 s. */
const DEFAULT_EXPORT_INTERVAL = 5000;
const DEFAULT_MAX_QUEUE_SIZE = 2048;

export interface ResolvedExportConfig {
  /** The pipeline's options: code over environment; `endpoint` always set. */
  options: ExportPipelineOptions & { endpoint: string; exportBatchSize: number; exportInterval: number; exportTimeout: number };
  maxQueueSize: number;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Merges the export options: code (top level, then `export`) over OTEL_EXPORTER_OTLP_* and
 * OTEL_BSP_*, over defaults. Bad code values throw InvalidConfigError (validateExportOptions);
 * bad environment values are reported once and ignored (exporterOptionsFromEnv).
 */
export function resolveExportConfig(c: ExportConfig, env: Env): ResolvedExportConfig {
  if (c.export !== undefined && (typeof c.export !== 'object' || c.export === null || Array.isArray(c.export))) {
    throw new InvalidConfigError('export', 'expected an object of exporter options', 'Pass e.g. { certificate: "/etc/ssl/ca.pem" }, or leave it out.');
  }
  if (c.headers !== undefined) {
    const h = c.headers as unknown;
    if (typeof h !== 'object' || h === null || Array.isArray(h) || Object.values(h).some((v) => typeof v !== 'string')) {
      // Never echo header values: they are usually credentials.
      throw new InvalidConfigError('headers', 'expected an object of string values', 'Pass e.g. { "x-api-key": process.env.KEY }.');
    }
  }
  const { export: advanced = {}, maxQueueSize, headers } = c;
  if ((advanced as ExportPipelineOptions).flushTimeout !== undefined) {
    throw new InvalidConfigError('export.flushTimeout', 'not an initTracing() option', 'Use `shutdownTimeout`: it bounds forceFlush() and shutdown() for the whole of tracing.');
  }
  // The top-level export options only (`c` is the whole initTracing() config).
  const top: ExportPipelineOptions = {};
  for (const key of TOP_PIPELINE_KEYS) if (c[key] !== undefined) (top as Record<string, unknown>)[key] = c[key];
  const code: ExportPipelineOptions = { ...defined(advanced), ...top };
  // Headers are checked against the protocol in use, which the environment may choose.
  validateExportOptions({ ...code, headers: { ...advanced.headers, ...headers }, protocol: code.protocol ?? protocolFromEnv(env) });
  if (maxQueueSize !== undefined && (!Number.isInteger(maxQueueSize) || maxQueueSize < 1)) {
    throw new InvalidConfigError('maxQueueSize', `expected a positive integer, got ${String(maxQueueSize)}`, 'Pass e.g. 2048.');
  }
  const fromEnv = exporterOptionsFromEnv(env, { protocol: code.protocol });
  const merged = { ...fromEnv, ...code, headers: { ...fromEnv.headers, ...advanced.headers, ...headers } };
  const protocol = merged.protocol ?? EXPORT_DEFAULTS.protocol;
  return {
    options: {
      ...merged,
      endpoint: merged.endpoint ?? (protocol === 'grpc' ? EXPORT_DEFAULTS.grpcEndpoint : EXPORT_DEFAULTS.httpEndpoint),
      exportBatchSize: merged.exportBatchSize ?? EXPORT_DEFAULTS.exportBatchSize,
      exportInterval: merged.exportInterval ?? DEFAULT_EXPORT_INTERVAL,
      exportTimeout: merged.exportTimeout ?? EXPORT_DEFAULTS.exportTimeout,
    },
    maxQueueSize:
      maxQueueSize ?? envNumber(env, 'OTEL_BSP_MAX_QUEUE_SIZE', { min: 1, max: 100_000_000, integer: true }) ?? DEFAULT_MAX_QUEUE_SIZE,
  };
}

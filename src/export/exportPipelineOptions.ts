import type { ExportObserver } from './exportObserver.js';

/** The OTLP wire protocols tracewise exports with. `http/json` is not supported. */
export type ExportProtocol = 'grpc' | 'http/protobuf';

export type ExportCompression = 'gzip' | 'none';

/** Backoff between retries of a failed export (all durations in milliseconds). */
export interface RetryOptions {
  /** First delay after a retryable failure. Default 250. */
  initialBackoff?: number;
  /** Ceiling of the exponential backoff for errors the collector answered with. Default 5000. */
  maxBackoff?: number;
  /**
   * Ceiling while the collector cannot be reached at all (connection refused or dropped).
   * Kept short so delivery resumes within a second of the collector's return; such attempts
   * are cheap because nothing is sent. Default 500.
   */
  maxUnreachableBackoff?: number;
  /** Growth factor of the backoff. Default 2. */
  multiplier?: number;
  /** Upper bound on a delay the server asks for (RetryInfo, Retry-After). Default 300000. */
  maxServerDelay?: number;
}

export interface ExportPipelineOptions {
  /** `grpc` (default) or `http/protobuf`. */
  protocol?: ExportProtocol;
  /**
   * Where to send. gRPC: `http://host:port` (plaintext), `https://host:port` (TLS) or `host:port`
   * (TLS unless `insecure`). http/protobuf: the full URL including `/v1/traces`.
   * Default `http://localhost:4317` (grpc), `http://localhost:4318/v1/traces` (http/protobuf).
   */
  endpoint?: string;
  /** Sent with every request as gRPC metadata or HTTP headers. Never logged. */
  headers?: Record<string, string>;
  /** Default `none`. */
  compression?: ExportCompression;
  /** Deadline of one export request, in ms. Default 10000. */
  exportTimeout?: number;
  /** gRPC only, for an endpoint without scheme: use plaintext. Default false. */
  insecure?: boolean;
  /** Trusted CA certificates (PEM): a file path, or the PEM bytes. */
  certificate?: string | Uint8Array;
  /** Client private key for mTLS (PEM): a file path, or the PEM bytes. Never logged. */
  clientKey?: string | Uint8Array;
  /** Client certificate chain for mTLS (PEM): a file path, or the PEM bytes. */
  clientCertificate?: string | Uint8Array;

  /** Spans per export request. Default 512. */
  exportBatchSize?: number;
  /** Longest wait, in ms, before a partial batch is sent. Default 1000. */
  exportInterval?: number;
  /** Export requests in flight at once. Default 4. */
  maxConcurrentExports?: number;
  /** An encoded batch larger than this is split (collectors reject gRPC messages over 4 MiB by default). Default 4 MiB. */
  maxBatchBytes?: number;
  /** Memory for encoded batches waiting to be sent or retried, in bytes. Default 64 MiB. */
  maxBufferBytes?: number;
  retry?: RetryOptions;

  /** Directory for batches that do not fit in memory or are pending at shutdown. Off by default. */
  spoolDirectory?: string;
  /** Disk budget of the spool, in bytes. Default 256 MiB. */
  maxSpoolBytes?: number;

  /** Bound, in ms, on `forceFlush()` and on `shutdown()`. Default 10000. */
  flushTimeout?: number;
  /** Hooks for metrics; called synchronously, must be cheap. */
  observer?: ExportObserver;
}

const MiB = 1024 * 1024;

export const EXPORT_DEFAULTS = Object.freeze({
  protocol: 'grpc' as ExportProtocol,
  grpcEndpoint: 'http://localhost:4317',
  httpEndpoint: 'http://localhost:4318/v1/traces',
  compression: 'none' as ExportCompression,
  exportTimeout: 10_000,
  exportBatchSize: 512,
  exportInterval: 1000,
  maxConcurrentExports: 4,
  maxBatchBytes: 4 * MiB,
  maxBufferBytes: 64 * MiB,
  maxSpoolBytes: 256 * MiB,
  flushTimeout: 10_000,
  // Frozen, nested too: the package exports them, and no application may change everyone's.
  retry: Object.freeze({
    initialBackoff: 250,
    maxBackoff: 5000,
    maxUnreachableBackoff: 500,
    multiplier: 2,
    maxServerDelay: 300_000,
  } as const),
} as const);

/** Every option filled in; what the pipeline and transports work from. */
export interface ResolvedExportOptions {
  protocol: ExportProtocol;
  endpoint: string;
  headers: Record<string, string>;
  compression: ExportCompression;
  exportTimeout: number;
  insecure: boolean;
  certificate?: string | Uint8Array;
  clientKey?: string | Uint8Array;
  clientCertificate?: string | Uint8Array;
  exportBatchSize: number;
  exportInterval: number;
  maxConcurrentExports: number;
  maxBatchBytes: number;
  maxBufferBytes: number;
  retry: Required<RetryOptions>;
  spoolDirectory?: string;
  maxSpoolBytes: number;
  flushTimeout: number;
  observer?: ExportObserver;
}

export function resolveExportOptions(o: ExportPipelineOptions): ResolvedExportOptions {
  const d = EXPORT_DEFAULTS;
  const protocol = o.protocol ?? d.protocol;
  return {
    protocol,
    endpoint: o.endpoint ?? (protocol === 'grpc' ? d.grpcEndpoint : d.httpEndpoint),
    headers: { ...o.headers },
    compression: o.compression ?? d.compression,
    exportTimeout: o.exportTimeout ?? d.exportTimeout,
    insecure: o.insecure ?? false,
    certificate: o.certificate,
    clientKey: o.clientKey,
    clientCertificate: o.clientCertificate,
    exportBatchSize: o.exportBatchSize ?? d.exportBatchSize,
    exportInterval: o.exportInterval ?? d.exportInterval,
    maxConcurrentExports: o.maxConcurrentExports ?? d.maxConcurrentExports,
    maxBatchBytes: o.maxBatchBytes ?? d.maxBatchBytes,
    maxBufferBytes: o.maxBufferBytes ?? d.maxBufferBytes,
    retry: { ...d.retry, ...stripUndefined(o.retry ?? {}) },
    spoolDirectory: o.spoolDirectory,
    maxSpoolBytes: o.maxSpoolBytes ?? d.maxSpoolBytes,
    flushTimeout: o.flushTimeout ?? d.flushTimeout,
    observer: o.observer,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

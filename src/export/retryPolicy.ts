import type { RetryOptions } from './exportPipelineOptions.js';

/** gRPC status codes by number (grpc-js is loaded lazily, so its enum is not used here). */
export const GRPC_STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export const GRPC_RESOURCE_EXHAUSTED = 8;
export const GRPC_DEADLINE_EXCEEDED = 4;
export const GRPC_UNAVAILABLE = 14;

// The OTLP specification's table of retryable gRPC codes.
const RETRYABLE_GRPC = new Set([1, 4, 10, 11, 14, 15]);

/**
 * Whether a failed gRPC export may be retried (OTLP spec, "Failures"). RESOURCE_EXHAUSTED is only
 * retryable when the server says recovery is possible by attaching RetryInfo.
 */
export function isRetryableGrpcStatus(code: number, hasRetryInfo: boolean): boolean {
  if (code === GRPC_RESOURCE_EXHAUSTED) return hasRetryInfo;
  return RETRYABLE_GRPC.has(code);
}

/** Whether a failed OTLP/HTTP export may be retried (OTLP spec: 429, 502, 503, 504). */
export function isRetryableHttpStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

export function grpcStatusName(code: number): string {
  return GRPC_STATUS_NAMES[code] ?? `grpc_${code}`;
}

/**
 * Exponential backoff with "equal jitter": the delay for the n-th consecutive failure (n ≥ 1) is
 * uniformly drawn from [d/2, d] where d = min(cap, initial · multiplier^(n-1)). Half the delay is
 * kept so that retries never collapse to zero; the other half spreads clients out after an outage.
 */
export function backoffDelay(
  failures: number,
  cap: number,
  retry: Required<RetryOptions>,
  random: () => number = Math.random,
): number {
  const exp = retry.initialBackoff * Math.pow(retry.multiplier, Math.max(0, failures - 1));
  const d = Math.min(cap, exp);
  return Math.round(d / 2 + random() * (d / 2));
}

/** A server-requested delay, bounded so that a bogus value cannot stall exporting forever. */
export function serverDelay(requestedMs: number, retry: Required<RetryOptions>): number {
  return Math.min(Math.max(0, Math.ceil(requestedMs)), retry.maxServerDelay);
}

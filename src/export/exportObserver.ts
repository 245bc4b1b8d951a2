/**
 * Why spans were dropped. Every span that enters the pipeline is eventually exported or counted
 * under exactly one of these.
 * - `buffer_full`: evicted (oldest first) because the memory budget was exhausted and no spool
 *   could take it; also a spool file larger than the whole memory budget (written under a
 *   larger one), which could never be read back.
 * - `non_retryable`: the collector answered with an error the OTLP spec says not to retry.
 * - `partial_success`: the collector accepted the request but rejected these spans.
 * - `shutdown`: still in memory when `shutdown()`'s deadline passed, or ended after shutdown.
 * - `spool_corrupt`: a spool file failed validation (or stayed unreadable through three reads
 *   1 s apart) and was deleted.
 * - `spool_full`: the oldest spool file was deleted to stay within `maxSpoolBytes`.
 * - `spool_error`: writing to the spool failed (disk full, permissions).
 * - `encode_error`: the serializer threw on these spans.
 */
export type DropReason =
  | 'buffer_full'
  | 'non_retryable'
  | 'partial_success'
  | 'shutdown'
  | 'spool_corrupt'
  | 'spool_full'
  | 'spool_error'
  | 'encode_error';

export const DROP_REASONS: readonly DropReason[] = [
  'buffer_full',
  'non_retryable',
  'partial_success',
  'shutdown',
  'spool_corrupt',
  'spool_full',
  'spool_error',
  'encode_error',
];

/**
 * Hooks for tracing's own metrics. All optional; called synchronously from the pipeline, so they
 * must be cheap and must not throw (a throwing hook is caught and ignored). Arguments are
 * positional so that no object is allocated per call.
 */
export interface ExportObserver {
  /** A request was accepted: `spans` delivered (rejected ones excluded), `latencyMs` of the request. */
  onExported?(spans: number, bytes: number, latencyMs: number): void;
  /** A request failed. `failure` is a short code such as `UNAVAILABLE`, `http_503`, `timeout`, `unreachable`. */
  onFailed?(spans: number, failure: string, retryable: boolean, latencyMs: number): void;
  /** A failed batch will be sent again after `delayMs`. */
  onRetry?(spans: number, delayMs: number): void;
  /** Spans were dropped. */
  onDropped?(spans: number, reason: DropReason): void;
  /** What is held now: encoded batches in memory (queued or in flight) and on disk. */
  onBuffered?(memoryBytes: number, memorySpans: number, spoolBytes: number, spoolSpans: number): void;
}

/**
 * One observer calling each of `observers` (tracewise's own metrics and the application's), each
 * hook guarded on its own: one that throws does not keep the others from being called. Hooks
 * pass their arguments on as they are: nothing is allocated per call.
 */
export function fanOutObserver(...observers: ExportObserver[]): ExportObserver {
  // Called once per batch outcome, not per span: a rest-args array per call costs nothing here.
  const fan = <K extends keyof ExportObserver>(hook: K): ExportObserver[K] => {
    if (!observers.some((o) => typeof o[hook] === 'function')) return undefined;
    return ((...args: unknown[]) => {
      for (const o of observers) {
        try {
          (o[hook] as ((...a: unknown[]) => void) | undefined)?.apply(o, args);
        } catch {
          /* ignored: observers are best effort */
        }
      }
    }) as ExportObserver[K];
  };
  return {
    onExported: fan('onExported'),
    onFailed: fan('onFailed'),
    onRetry: fan('onRetry'),
    onDropped: fan('onDropped'),
    onBuffered: fan('onBuffered'),
  };
}

import { DROP_REASONS, type DropReason, type ExportObserver } from './exportObserver.js';

/** A plain snapshot of cumulative counters and current levels. */
export interface ExportStats {
  /** Spans the collector accepted. */
  exportedSpans: number;
  exportedRequests: number;
  exportedBytes: number;
  /** Requests that failed (each attempt counts). */
  failedRequests: number;
  /** Failed requests scheduled to be sent again. */
  retries: number;
  /** Dropped spans, all reasons. */
  droppedSpans: number;
  dropped: Record<DropReason, number>;
  /** Ended spans not yet encoded into a batch. */
  pendingSpans: number;
  /** Encoded batches in memory (queued, in flight, or being written to the spool). */
  bufferedSpans: number;
  bufferedBytes: number;
  inFlightRequests: number;
  /** Batches on disk. */
  spooledSpans: number;
  spooledBytes: number;
  /** Batches written to / read back from the spool. */
  spoolWrites: number;
  spoolReads: number;
  /** Latency of successful requests. */
  exportLatencyMs: { count: number; total: number; max: number; last: number };
}

/** The counters the pipeline updates, fanned out to the observer. */
export interface StatsRecorder {
  exported(spans: number, bytes: number, latencyMs: number): void;
  failed(spans: number, failure: string, retryable: boolean, latencyMs: number): void;
  retry(spans: number, delayMs: number): void;
  dropped(spans: number, reason: DropReason): void;
  spoolWrite(): void;
  spoolRead(): void;
  levels(memoryBytes: number, memorySpans: number, spoolBytes: number, spoolSpans: number): void;
  snapshot(pendingSpans: number, inFlightRequests: number): ExportStats;
}

export function createStatsRecorder(observer: ExportObserver | undefined): StatsRecorder {
  const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  const s = {
    exportedSpans: 0,
    exportedRequests: 0,
    exportedBytes: 0,
    failedRequests: 0,
    retries: 0,
    droppedSpans: 0,
    bufferedSpans: 0,
    bufferedBytes: 0,
    spooledSpans: 0,
    spooledBytes: 0,
    spoolWrites: 0,
    spoolReads: 0,
  };
  const latency = { count: 0, total: 0, max: 0, last: 0 };
  // A misbehaving observer must never break exporting.
  const call = (fn: (() => void) | undefined) => {
    if (!fn) return;
    try {
      fn();
    } catch {
      /* ignored: observers are best effort */
    }
  };
  return {
    exported(spans, bytes, latencyMs) {
      s.exportedSpans += spans;
      s.exportedRequests++;
      s.exportedBytes += bytes;
      latency.count++;
      latency.total += latencyMs;
      latency.last = latencyMs;
      if (latencyMs > latency.max) latency.max = latencyMs;
      if (observer?.onExported) call(() => observer.onExported!(spans, bytes, latencyMs));
    },
    failed(spans, failure, retryable, latencyMs) {
      s.failedRequests++;
      if (observer?.onFailed) call(() => observer.onFailed!(spans, failure, retryable, latencyMs));
    },
    retry(spans, delayMs) {
      s.retries++;
      if (observer?.onRetry) call(() => observer.onRetry!(spans, delayMs));
    },
    dropped(spans, reason) {
      if (spans <= 0) return;
      s.droppedSpans += spans;
      dropped[reason] += spans;
      if (observer?.onDropped) call(() => observer.onDropped!(spans, reason));
    },
    spoolWrite() {
      s.spoolWrites++;
    },
    spoolRead() {
      s.spoolReads++;
    },
    levels(memoryBytes, memorySpans, spoolBytes, spoolSpans) {
      s.bufferedBytes = memoryBytes;
      s.bufferedSpans = memorySpans;
      s.spooledBytes = spoolBytes;
      s.spooledSpans = spoolSpans;
      if (observer?.onBuffered) call(() => observer.onBuffered!(memoryBytes, memorySpans, spoolBytes, spoolSpans));
    },
    snapshot(pendingSpans, inFlightRequests) {
      return { ...s, dropped: { ...dropped }, pendingSpans, inFlightRequests, exportLatencyMs: { ...latency } };
    },
  };
}

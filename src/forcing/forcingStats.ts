import type { ForcedReason } from './forcedReason.js';

/** `ForcingBuffer.stats()`: plain numbers; the first three are current, the rest cumulative. */
export interface ForcingStats {
  /** Undecided local traces held. */
  bufferedTraces: number;
  /** Ended provisional spans held. */
  bufferedSpans: number;
  /** Estimated heap of the above (compare with `buffer.maxBytes`). */
  estimatedBytes: number;
  /** Local traces kept, by reason. */
  kept: Record<ForcedReason, number>;
  /** Buffered spans discarded because their trace was decided against. */
  discardedSpans: number;
  /** Undecided traces pushed out by a cap (maxTraces, maxBytes) and discarded. */
  evictedTraces: number;
  /** Buffered spans discarded with them. */
  evictedSpans: number;
  /** Traces decided because their root had not ended after `traceTimeoutMs`. */
  timedOutTraces: number;
  /** Spans exported as they ended, after their trace was decided to be kept. */
  lateSpansKept: number;
  /** Spans that started or ended after their trace was decided against (or evicted). */
  lateSpansDropped: number;
  /** Spans not buffered because their trace already held `maxSpansPerTrace`. */
  truncatedSpans: number;
}

export function emptyStats(): ForcingStats {
  return {
    bufferedTraces: 0,
    bufferedSpans: 0,
    estimatedBytes: 0,
    kept: { error: 0, latency: 0, predicate: 0 },
    discardedSpans: 0,
    evictedTraces: 0,
    evictedSpans: 0,
    timedOutTraces: 0,
    lateSpansKept: 0,
    lateSpansDropped: 0,
    truncatedSpans: 0,
  };
}

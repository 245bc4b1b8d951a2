import type { Resource } from '@opentelemetry/resources';
import type { ForcedReason } from './forcedReason.js';
import type { ProvisionalSpan } from './provisionalSpan.js';

export const UNDECIDED = 0;
export const KEPT = 1;
export const DROPPED = 2;
export const EVICTED = 3;
export type TraceDecision = typeof UNDECIDED | typeof KEPT | typeof DROPPED | typeof EVICTED;

/** What provisional spans report to: the forcing buffer. */
export interface TraceOwner {
  readonly resource: Resource;
  onSpanEnd(span: ProvisionalSpan): void;
  onError(trace: LocalTrace): void;
}

/**
 * The provisional spans under one local root (a span with no parent or a remote parent).
 * Every span holds its LocalTrace, so a span that ends after the decision reads it here: no
 * lookup, and the record (a few fields, its span list released) lives only as long as the
 * application holds such a span.
 */
export class LocalTrace {
  state: TraceDecision = UNDECIDED;
  /** Set when KEPT. */
  reason: ForcedReason | undefined = undefined;
  /** A span reached the latency threshold (root, or any with latencyScope 'any'). */
  slow = false;
  /** forceWhen returned true for an ended span. */
  matched = false;
  /**
   * The trace's normal life is over (root ended, timed out, flushed or evicted): spans ending
   * from now on are "late". A trace kept early for an error is not closed until its root ends.
   */
  closed = false;
  /** Ended spans buffered, oldest first, chained through ProvisionalSpan.next. */
  first: ProvisionalSpan | undefined = undefined;
  last: ProvisionalSpan | undefined = undefined;
  spanCount = 0;
  bytes = 0;
  /** Neighbours in the buffer's list of undecided traces, oldest first. */
  older: LocalTrace | undefined = undefined;
  newer: LocalTrace | undefined = undefined;

  constructor(
    readonly owner: TraceOwner,
    readonly traceId: string,
    /** Clock time the local root started (for the timeout). */
    readonly startedAt: number,
    /**
     * The local root has a parent (remote, or a local span tracewise did not record), so other
     * local parts of this trace may exist. A new trace ID is random: no other part can.
     */
    readonly continued: boolean,
  ) {}
}

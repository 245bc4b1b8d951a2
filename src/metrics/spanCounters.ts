import { SamplingDecision, type SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The counters on the span hot path: plain integer increments into one typed array, nothing
 * else. Why not OTel instruments directly: a Counter.add() with attributes costs ~100 ns and
 * allocates (the SDK's own self-metrics double its per-span cost); these are read and published
 * only when a metric reader collects (src/metrics/publishMetrics.ts).
 */
export class SpanCounters {
  /** started[origin * 3 + decision]: origin 0 none, 1 local, 2 remote; decision as SamplingDecision. */
  readonly started = new Float64Array(9);
  /** ended[decision] for recording spans (RECORD = 1, RECORD_AND_SAMPLED = 2). */
  readonly ended = new Float64Array(3);

  countStart(parent: SpanContext | undefined, decision: SamplingDecision): void {
    const origin = parent === undefined ? 0 : parent.isRemote ? 2 : 1;
    this.started[origin * 3 + decision]++;
  }
}

export const PARENT_ORIGINS = ['none', 'local', 'remote'] as const;
/** The semantic-convention names of SamplingDecision 0, 1, 2. */
export const SAMPLING_RESULTS = ['DROP', 'RECORD_ONLY', 'RECORD_AND_SAMPLE'] as const;

/** Counts ended recording spans; first in the processor chain, it does nothing else. */
export function countingProcessor(counters: SpanCounters): SpanProcessor {
  return {
    onStart() {},
    onEnd(span: ReadableSpan) {
      counters.ended[span.spanContext().traceFlags & 1 ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.RECORD]++;
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

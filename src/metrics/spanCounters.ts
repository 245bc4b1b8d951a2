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

/**
 * `inner`, counting the recording spans that end. A wrapper rather than a processor of its own:
 * every processor in the SDK's chain costs a call on start and on end of every span.
 */
export function countingEnds(inner: SpanProcessor, counters: SpanCounters): SpanProcessor {
  const ended = counters.ended;
  return {
    onStart: (span, ctx) => inner.onStart(span, ctx),
    onEnd(span: ReadableSpan) {
      ended[span.spanContext().traceFlags & 1 ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.RECORD]++;
      inner.onEnd(span);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}

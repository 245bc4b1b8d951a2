import { diag, SpanKind, trace, TraceFlags, type Context, type Span, type SpanContext, type SpanOptions } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { emptyResource, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SamplingResult, Span as SdkSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RANDOM_TRACE_FLAG, type ProvisionalSpanFactory } from '../tracer/tracewiseTracer.js';
import { UnsampledSpan } from '../tracer/unsampledSpan.js';
import { DecisionCache } from './decisionCache.js';
import { TRACE_BYTES } from './byteEstimates.js';
import type { ForcedReason } from './forcedReason.js';
import type { ResolvedForcingOptions } from './forcingOptions.js';
import { emptyStats, type ForcingStats } from './forcingStats.js';
import { keptSpan } from './keptSpan.js';
import { DROPPED, EVICTED, KEPT, LocalTrace, UNDECIDED, type TraceDecision, type TraceOwner } from './localTrace.js';
import { initAttributes, isProvisional, ProvisionalSpan, putAttributes, ROOT } from './provisionalSpan.js';
import { parentHandoff } from './parentHandoff.js';

/** Where kept spans go, and what they are labelled with. */
export interface ForcingSink {
  /** The export span processor: kept spans reach its onEnd, flagged SAMPLED. */
  processor: SpanProcessor;
  resource: Resource;
  /** For spans whose tracer did not say (the tracer hook passes no scope yet). */
  scope?: InstrumentationScope;
  /** tracing.metrics' counters: ended[1] counts RECORD_ONLY spans that ended. */
  counters?: { ended: Float64Array };
  /**
   * A processor whose onStart must see provisional spans too (the baggage→attributes copier),
   * so that kept spans carry what head-sampled spans carry.
   */
  startProcessor?: SpanProcessor;
}

const RECORD_ONLY = 1;

/**
 * Error and latency forcing: holds the provisional spans of undecided local traces, decides each
 * when its local root ends (or times out), hands the spans of kept traces to the export
 * processor and forgets the rest. Memory is bounded by caps on traces, spans per trace and
 * estimated bytes; past a cap the oldest undecided trace is evicted (exported instead when it
 * already has a reason to be kept).
 *
 * It is also a SpanProcessor placed before the export processor, so that the provider's
 * forceFlush and shutdown decide every undecided trace (as on timeout) before the export
 * processor flushes. Nothing here throws on the span path.
 */
export class ForcingBuffer implements ProvisionalSpanFactory, SpanProcessor, TraceOwner {
  resource: Resource = emptyResource();
  private processor: SpanProcessor | undefined;
  private scope: InstrumentationScope = { name: 'tracewise' };
  private counters: { ended: Float64Array } | undefined;
  private startProcessor: SpanProcessor | undefined;
  private readonly decisions: DecisionCache;
  private readonly s = emptyStats();
  /** Undecided traces, oldest first: eviction and timeouts take from the old end. */
  private oldest: LocalTrace | undefined = undefined;
  private newest: LocalTrace | undefined = undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private predicateFailed = false;
  private exportFailed = false;

  constructor(readonly options: ResolvedForcingOptions) {
    this.decisions = new DecisionCache(options.decisionCacheSize);
  }

  /** Connects the export processor and starts the timeout sweep (an unref'd timer). */
  attach(sink: ForcingSink): void {
    this.processor = sink.processor;
    this.resource = sink.resource;
    if (sink.scope !== undefined) this.scope = sink.scope;
    this.counters = sink.counters;
    this.startProcessor = sink.startProcessor;
    if (this.timer === undefined) {
      const every = Math.min(Math.max(this.options.traceTimeoutMs / 4, 50), 5000);
      this.timer = setInterval(() => this.sweep(), every);
      this.timer.unref();
    }
  }

  startSpan(
    name: string,
    options: SpanOptions,
    ctx: Context,
    traceId: string,
    parent: SpanContext | undefined,
    result: SamplingResult,
    scope: InstrumentationScope = this.scope,
  ): Span {
    const traceState = result.traceState ?? parent?.traceState;
    // The tracer's rule for the W3C random flag: set on new traces, inherited otherwise.
    const random = parent === undefined ? RANDOM_TRACE_FLAG : parent.traceFlags & RANDOM_TRACE_FLAG;
    if (this.closed) return new UnsampledSpan(traceId, TraceFlags.NONE | random, traceState);
    // One clock reading serves as the start of the span and, for a new local trace, of the trace.
    const now = performance.now();
    let lt: LocalTrace;
    let root = false;
    const handed = parentHandoff.ctx === ctx ? parentHandoff.span : undefined;
    const parentSpan = parent === undefined || parent.isRemote ? undefined : handed ?? trace.getSpan(ctx);
    parentHandoff.ctx = parentHandoff.span = undefined;
    if (isProvisional(parentSpan) && parentSpan.trace.owner === this) {
      lt = parentSpan.trace;
      if (lt.state > KEPT) {
        // Decided against: the span would be discarded, so it is not even recorded.
        this.s.lateSpansDropped++;
        return new UnsampledSpan(traceId, TraceFlags.NONE | random, traceState);
      }
    } else {
      lt = this.open(traceId, now, parent !== undefined);
      root = true;
    }
    const span = new ProvisionalSpan(lt, name, options.kind ?? SpanKind.INTERNAL, parent, traceState, scope, root, random !== 0, options.startTime, now);
    if (options.attributes !== undefined) initAttributes(span, options.attributes);
    if (result.attributes !== undefined) putAttributes(span, result.attributes);
    if (options.links !== undefined) for (const link of options.links) span.pushLink(link);
    if (this.startProcessor !== undefined) this.startProcessor.onStart(span as unknown as SdkSpan, ctx);
    return span;
  }

  onSpanEnd(span: ProvisionalSpan): void {
    if (this.counters !== undefined) this.counters.ended[RECORD_ONLY]++;
    const lt = span.trace;
    const root = (span.flags & ROOT) !== 0;
    if (lt.state === UNDECIDED) {
      const o = this.options;
      if (span.endMs - span.startMs >= o.slowerThanMs && (root || o.latencyScope === 'any')) lt.slow = true;
      if (o.forceWhen !== undefined && !lt.matched) lt.matched = this.matches(span, o.forceWhen);
      // The root is not buffered: its end decides the trace at once.
      if (root) this.decide(lt, span);
      else this.hold(lt, span);
      return;
    }
    if (lt.state === KEPT) {
      this.export(span, lt.reason!);
      if (lt.closed) this.s.lateSpansKept++;
      else if (root) lt.closed = true;
    } else {
      this.s.lateSpansDropped++;
    }
  }

  /** A span of `lt` set status ERROR or recorded an exception: the trace is kept right away. */
  onError(lt: LocalTrace): void {
    if (this.options.forceErrors && lt.state === UNDECIDED) this.keep(lt, 'error', false);
  }

  /** Decides the traces whose root has not ended within `traceTimeoutMs`. Returns how many. */
  sweep(): number {
    const now = this.now();
    const timeout = this.options.traceTimeoutMs;
    let n = 0;
    while (this.oldest !== undefined && now - this.oldest.startedAt >= timeout) {
      this.s.timedOutTraces++;
      this.decideOpen(this.oldest, now);
      n++;
    }
    return n;
  }

  stats(): ForcingStats {
    return { ...this.s, kept: { ...this.s.kept } };
  }

  /** Decides every undecided trace as on timeout (not counted as timeouts). */
  forceFlush(): Promise<void> {
    const now = this.now();
    while (this.oldest !== undefined) this.decideOpen(this.oldest, now);
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    const done = this.forceFlush();
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    return done;
  }

  onStart(): void {}
  onEnd(_span: ReadableSpan): void {}

  // ---- internals

  private now(): number {
    const clock = this.options.clock;
    return clock === undefined ? performance.now() : clock();
  }

  /** A new undecided local trace, newest in the list; caps are enforced first. */
  private open(traceId: string, perfNow: number, continued: boolean): LocalTrace {
    const o = this.options;
    const now = o.clock === undefined ? perfNow : o.clock();
    // Timeouts: the oldest trace times out first, so one comparison per new root suffices.
    if (this.oldest !== undefined && now - this.oldest.startedAt >= o.traceTimeoutMs) this.sweep();
    if (this.s.bufferedTraces >= o.maxTraces) this.evict(this.oldest!);
    const lt = new LocalTrace(this, traceId, now, continued);
    lt.older = this.newest;
    if (this.newest !== undefined) this.newest.newer = lt;
    else this.oldest = lt;
    this.newest = lt;
    this.s.bufferedTraces++;
    lt.bytes = TRACE_BYTES;
    this.s.estimatedBytes += TRACE_BYTES;
    this.trim();
    return lt;
  }

  /** Buffers an ended span of an undecided trace, within the per-trace and byte caps. */
  private hold(lt: LocalTrace, span: ProvisionalSpan): void {
    if (lt.spanCount >= this.options.maxSpansPerTrace) {
      this.s.truncatedSpans++;
      return;
    }
    const bytes = span.bytes;
    if (lt.last === undefined) lt.first = span;
    else lt.last.next = span;
    lt.last = span;
    lt.spanCount++;
    lt.bytes += bytes;
    this.s.bufferedSpans++;
    this.s.estimatedBytes += bytes;
    this.trim();
  }

  /** Evicts the oldest traces while the estimate is over the byte cap. */
  private trim(): void {
    while (this.s.estimatedBytes > this.options.maxBytes && this.oldest !== undefined) this.evict(this.oldest);
  }

  /** Why `lt` is kept, if it is: its own marks, else a kept other part of the same trace. */
  private reasonOf(lt: LocalTrace): ForcedReason | undefined {
    if (lt.slow) return 'latency';
    if (lt.matched) return 'predicate';
    // Only a continued trace can have other parts: new traces skip the lookup (a string hash).
    return lt.continued ? this.decisions.get(lt.traceId) : undefined;
  }

  /** Decides `lt`; `root` is its local root when it just ended (it was never buffered). */
  private decide(lt: LocalTrace, root?: ProvisionalSpan): void {
    const reason = this.reasonOf(lt);
    if (reason !== undefined) {
      this.keep(lt, reason, true);
      if (root !== undefined) this.export(root, reason);
      return;
    }
    this.s.discardedSpans += lt.spanCount + (root !== undefined ? 1 : 0);
    // The application may hold a dropped span a while: not what its deferred attributes hold.
    if (root !== undefined) root.deferred = undefined;
    this.release(lt, DROPPED);
  }

  /** Decides a trace whose root is still open: the root has lasted `now - startedAt` so far. */
  private decideOpen(lt: LocalTrace, now: number): void {
    if (now - lt.startedAt >= this.options.slowerThanMs) lt.slow = true;
    this.decide(lt);
  }

  private evict(lt: LocalTrace): void {
    const reason = this.reasonOf(lt);
    if (reason !== undefined) {
      // Already known to be kept: leaving the buffer by export frees the memory just as well.
      this.keep(lt, reason, true);
      return;
    }
    this.s.evictedTraces++;
    this.s.evictedSpans += lt.spanCount;
    this.release(lt, EVICTED);
  }

  private keep(lt: LocalTrace, reason: ForcedReason, closed: boolean): void {
    const first = lt.first;
    lt.first = undefined;
    this.s.kept[reason]++;
    this.decisions.set(lt.traceId, reason);
    lt.reason = reason;
    this.release(lt, KEPT);
    lt.closed = closed;
    for (let span = first; span !== undefined; ) {
      const next = span.next;
      span.next = undefined;
      this.export(span, reason);
      span = next;
    }
  }

  /** Takes `lt` out of the undecided list and lets go of its spans. */
  private release(lt: LocalTrace, state: TraceDecision): void {
    if (lt.older !== undefined) lt.older.newer = lt.newer;
    else this.oldest = lt.newer;
    if (lt.newer !== undefined) lt.newer.older = lt.older;
    else this.newest = lt.older;
    lt.older = lt.newer = undefined;
    this.s.bufferedTraces--;
    this.s.bufferedSpans -= lt.spanCount;
    this.s.estimatedBytes -= lt.bytes;
    // Unchain, so that an ended span the application still holds does not hold its successors.
    for (let span = lt.first; span !== undefined; ) {
      const next = span.next;
      span.next = undefined;
      if (state !== KEPT) span.deferred = undefined;
      span = next;
    }
    lt.first = lt.last = undefined;
    lt.spanCount = 0;
    lt.bytes = 0;
    lt.state = state;
    lt.closed = true;
  }

  private export(span: ProvisionalSpan, reason: ForcedReason): void {
    const processor = this.processor;
    if (processor === undefined) return;
    try {
      processor.onEnd(keptSpan(span, reason));
    } catch (err) {
      if (!this.exportFailed) {
        this.exportFailed = true;
        diag.error('tracewise: the export processor threw on a forced span; reported once.', err);
      }
    }
  }

  private matches(span: ProvisionalSpan, predicate: (span: ReadableSpan) => boolean): boolean {
    span.resolveDeferred();
    try {
      return !!predicate(span);
    } catch (err) {
      if (!this.predicateFailed) {
        this.predicateFailed = true;
        diag.error('tracewise: the forceWhen predicate threw; treated as false (reported once).', err);
      }
      return false;
    }
  }
}

import {
  context as contextApi,
  isSpanContextValid,
  SamplingDecision,
  SpanKind,
  trace,
  TraceFlags,
  INVALID_SPAN_CONTEXT,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { isTracingSuppressed, type InstrumentationScope } from '@opentelemetry/core';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-base';
import { generateTraceId, type FastIdGenerator } from '../ids/fastIdGenerator.js';
import { UnsampledSpan } from './unsampledSpan.js';
import type { SpanCounters } from '../metrics/spanCounters.js';
import { ATTR_TRACEWISE_SAMPLER } from '../sampling/attributes.js';
import type { PreDecidedSampler } from './preDecidedSampler.js';


const SUPPRESSED_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * W3C Trace Context Level 2 "random" trace flag: the right-most 7 bytes of the trace ID are
 * random. True of every trace ID we generate; inherited from a parent otherwise. (The SDK's
 * Tracer rebuilds the flags from the sampling decision alone and drops this bit.)
 */
export const RANDOM_TRACE_FLAG = 0x02;
const NO_LINKS: Link[] = [];
const NO_OPTIONS: SpanOptions = {};

/** State shared by every tracer of one `initTracing()`: the live sampler and the SDK hooks. */
export interface TracerCore {
  /** The live sampler (a stable delegate: swapping samplers does not touch the tracers). */
  readonly sampler: Sampler;
  readonly ids: FastIdGenerator;
  readonly preDecided: PreDecidedSampler;
  /** `{ 'tracewise.sampler': description }`, for samplers that do not name themselves. */
  provenance: Attributes;
  /**
   * Error/latency forcing (src/forcing): when set, a RECORD_ONLY decision starts a provisional
   * span buffered per local trace instead of an SDK span.
   */
  forcing: ProvisionalSpanFactory | undefined;
  /** Span counters for tracing.metrics; undefined when metrics are off. */
  counters: SpanCounters | undefined;
}

/** What the forcing buffer offers the tracer. */
export interface ProvisionalSpanFactory {
  startSpan(
    name: string,
    options: SpanOptions,
    ctx: Context,
    traceId: string,
    parent: SpanContext | undefined,
    result: SamplingResult,
    scope?: InstrumentationScope,
  ): Span;
}

/** Adds the deciding sampler's name to a recording decision that lacks it. */
export function withProvenance(result: SamplingResult, provenance: Attributes): SamplingResult {
  const attrs = result.attributes;
  if (attrs === undefined) {
    return { decision: result.decision, attributes: provenance, traceState: result.traceState };
  }
  if (attrs[ATTR_TRACEWISE_SAMPLER] !== undefined) return result;
  return { decision: result.decision, attributes: { ...provenance, ...attrs }, traceState: result.traceState };
}

/**
 * A Tracer in front of the SDK's. Why: the SDK generates IDs, sanitises attributes and copies
 * links before it asks the sampler; for the (usually large) share of spans that are dropped that
 * work is wasted. We ask the sampler first and answer a drop with a bare non-recording span;
 * only recording spans reach the SDK, which receives our decision and trace ID unchanged.
 */
export class TracewiseTracer implements Tracer {
  /** The SDK tracer's name/version/schemaUrl, for spans the forcing buffer records itself. */
  private readonly scope: InstrumentationScope | undefined;

  constructor(
    private readonly sdk: Tracer,
    private readonly core: TracerCore,
  ) {
    this.scope = (sdk as { instrumentationScope?: InstrumentationScope }).instrumentationScope;
  }

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    if (ctx === undefined) ctx = contextApi.active();
    const opts = options ?? NO_OPTIONS;
    if (opts.root) ctx = trace.deleteSpan(ctx);
    if (isTracingSuppressed(ctx)) return SUPPRESSED_SPAN;

    const parent = trace.getSpanContext(ctx);
    const hasParent = parent !== undefined && isSpanContextValid(parent);
    const traceId = hasParent ? parent.traceId : generateTraceId();
    const core = this.core;
    const result = core.sampler.shouldSample(
      ctx,
      traceId,
      name,
      opts.kind ?? SpanKind.INTERNAL,
      opts.attributes ?? {},
      opts.links ?? NO_LINKS,
    );

    if (core.counters !== undefined) core.counters.countStart(hasParent ? parent : undefined, result.decision);

    const random = hasParent ? parent.traceFlags & RANDOM_TRACE_FLAG : RANDOM_TRACE_FLAG;
    if (result.decision === SamplingDecision.NOT_RECORD) {
      return new UnsampledSpan(traceId, TraceFlags.NONE | random, result.traceState ?? (hasParent ? parent.traceState : undefined));
    }

    if (result.decision === SamplingDecision.RECORD && core.forcing !== undefined) {
      return core.forcing.startSpan(name, opts, ctx, traceId, hasParent ? parent : undefined, result, this.scope);
    }

    if (!hasParent) core.ids.nextTraceId = traceId;
    core.preDecided.pending = withProvenance(result, core.provenance);
    const span = this.sdk.startSpan(name, opts, ctx);
    // Defensive: both are consumed inside the SDK's startSpan; never let one leak to a later span.
    core.ids.nextTraceId = undefined;
    core.preDecided.pending = undefined;
    // The SDK hands out the very SpanContext object it keeps, fresh per span: adding the bit
    // here is what makes it reach propagation and export.
    if (random !== 0) span.spanContext().traceFlags |= random;
    return span;
  }

  startActiveSpan<F extends (span: Span) => ReturnType<F>>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => ReturnType<F>>(name: string, opts: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => ReturnType<F>>(
    name: string,
    opts: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => ReturnType<F>>(
    name: string,
    a2?: SpanOptions | F,
    a3?: Context | F,
    a4?: F,
  ): ReturnType<F> {
    let opts: SpanOptions | undefined;
    let ctx: Context | undefined;
    let fn: F;
    if (typeof a2 === 'function') fn = a2;
    else if (typeof a3 === 'function') {
      opts = a2;
      fn = a3;
    } else {
      opts = a2;
      ctx = a3;
      fn = a4 as F;
    }
    const parent = ctx ?? contextApi.active();
    const span = this.startSpan(name, opts, parent);
    return contextApi.with(trace.setSpan(parent, span), fn, undefined, span);
  }
}

import { isSpanContextValid, trace, type Attributes, type Context, type Link, type Span, type SpanKind } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { samplerRatio } from '../metrics/tracingMetrics.js';
import { eraseThreshold } from './eraseThreshold.js';
import { checkSampler } from '../sampling/validation.js';
import { resolveForcingOptions, type ForcingOptions, type ResolvedForcingOptions } from './forcingOptions.js';
import { parentHandoff } from './parentHandoff.js';
import { isProvisional } from './provisionalSpan.js';

/** Where a forcing sampler keeps its options, for initTracing() to find them. */
export const FORCING = Symbol.for('tracewise.forcing');

/** Precomputed: a drop with no tracestate or attributes to carry costs no allocation. */
const RECORD_ONLY: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD });

/**
 * Wraps a head sampler with error and latency forcing. Spans the head keeps are returned as
 * they are. Spans it drops become RECORD_ONLY, which tracewise's tracer turns into provisional
 * spans buffered per local trace (src/forcing/forcingBuffer.ts), when they are a local root (no
 * parent, or a remote one, sampled or not); children of a provisional span are RECORD_ONLY
 * without asking the head (the local trace is decided as a whole); under any other local
 * parent the head's decision stands. Use it as the outermost sampler of `initTracing()`:
 * wrapped inside another sampler it is not recognised and forces nothing. With nothing to force
 * (`forceErrors: false`, no latency, no predicate) it returns `head` itself.
 */
export function withForcing(head: Sampler, options: ForcingOptions = {}): Sampler {
  checkSampler('head', head);
  if (isForcing(head)) return withForcing(head.head, options);
  const resolved = resolveForcingOptions(options, 'options');
  // Nothing to force: buffering every dropped span would be pure cost.
  if (!resolved.forceErrors && resolved.slowerThanMs === Infinity && resolved.forceWhen === undefined) return head;
  return new ForcingSampler(head, resolved);
}

/** The forcing options of `sampler` when it is a withForcing() sampler. */
export function forcingOptionsOf(sampler: Sampler): ResolvedForcingOptions | undefined {
  return (sampler as Partial<ForcingSampler>)[FORCING];
}

function isForcing(sampler: Sampler): sampler is ForcingSampler {
  return forcingOptionsOf(sampler) !== undefined;
}

/** Leaves the parent just looked up for the buffer's startSpan, which follows with the same context. */
function handOff(context: Context, parent: Span | undefined, result: SamplingResult): SamplingResult {
  parentHandoff.ctx = context;
  parentHandoff.span = parent;
  return result;
}

export class ForcingSampler implements Sampler {
  readonly [FORCING]: ResolvedForcingOptions;
  private readonly forced: string;

  constructor(
    readonly head: Sampler,
    options: ResolvedForcingOptions,
  ) {
    this[FORCING] = options;
    const what = [
      options.forceErrors ? 'errors' : '',
      options.slowerThanMs !== Infinity ? `slowerThan=${options.slowerThanMs}ms(${options.latencyScope})` : '',
      options.forceWhen !== undefined ? 'predicate' : '',
    ].filter(Boolean);
    this.forced = what.join('+') || 'nothing';
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parent = trace.getSpan(context);
    // A child of a provisional span belongs to a local trace the head already dropped, and is
    // decided with it: provisional too, without asking the head again. Why not ask: a parent-based
    // head would say "drop" anyway, and asking costs a parent validation per span, a good share
    // of what recording a provisional span costs.
    if (parent !== undefined && isProvisional(parent)) return handOff(context, parent, RECORD_ONLY);
    const r = this.head.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    if (r.decision === SamplingDecision.RECORD_AND_SAMPLED) return r;
    if (parent !== undefined) {
      const pc = parent.spanContext();
      // A local parent tracewise did not record provisionally: the head's decision stands.
      if (isSpanContextValid(pc) && !pc.isRemote) return r;
    }
    if (r.traceState === undefined && r.attributes === undefined) return handOff(context, parent, RECORD_ONLY);
    return handOff(context, parent, { decision: SamplingDecision.RECORD, attributes: r.attributes, traceState: eraseThreshold(r.traceState) });
  }

  /** The head's current probability, for tracing.metrics (forcing keeps are not probabilistic). */
  currentRatio(): number | undefined {
    return samplerRatio(this.head);
  }

  /** Not cached: the head may be tracewise's runtime control, whose description changes. */
  toString(): string {
    return `Forcing{head=${this.head.toString()}, force=${this.forced}}`;
  }
}

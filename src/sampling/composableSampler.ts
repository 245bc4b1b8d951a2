import {
  isSpanContextValid,
  ROOT_CONTEXT,
  trace,
  type Attributes,
  type Context,
  type Link,
  type SpanContext,
  type SpanKind,
  type TraceState,
} from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import {
  formatOtValue,
  keeps,
  NO_OT,
  parseOtValue,
  type OtState,
  type Threshold,
} from './consistentProbability.js';
import { DROP, KEEP, NOT_SAMPLED, PROBABILISTIC, type Intent } from './intent.js';

/** The span being decided, as the sampler tree sees it. */
export interface SpanInput {
  context: Context;
  traceId: string;
  spanName: string;
  spanKind: SpanKind;
  attributes: Attributes;
  links: Link[];
  /** The valid parent span context, if any. */
  parent: SpanContext | undefined;
  /** The parent's parsed `ot` tracestate member (NO_OT when absent). */
  ot: OtState;
}

/**
 * Base of every tracewise sampler. `shouldSample` reads the parent once, asks the sampler tree
 * for an intent (`_decide`), then applies the consistent rule in one place: keep iff R >= T,
 * write `th` on probabilistic keeps, erase it everywhere else, preserve every other
 * tracestate member and `ot` sub-key.
 */
export abstract class ComposableSampler implements Sampler {
  /** Reused for every span this sampler decides at the top level: no allocation per span. */
  private readonly input: SpanInput = {
    context: ROOT_CONTEXT,
    traceId: '',
    spanName: '',
    spanKind: 0,
    attributes: {},
    links: [],
    parent: undefined,
    ot: NO_OT,
  };

  /** @internal The intent for one span. Must not throw. */
  abstract _decide(span: SpanInput): Intent;

  abstract toString(): string;

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parent = validParent(context);
    const ts = parent?.traceState;
    const ot = ts === undefined ? NO_OT : otStateOf(ts);
    const span = this.input;
    // Callers outside the SDK may break the contract; a sampler must still not throw.
    if (typeof traceId !== 'string') traceId = '';
    span.context = context;
    span.traceId = traceId;
    span.spanName = typeof spanName === 'string' ? spanName : '';
    span.spanKind = spanKind;
    span.attributes = attributes ?? NO_ATTRIBUTES;
    span.links = links;
    span.parent = parent;
    span.ot = ot;
    const intent = this._decide(span);
    // Do not keep the last span's context and attributes alive.
    span.context = ROOT_CONTEXT;
    span.attributes = NO_ATTRIBUTES;
    span.links = NO_LINKS;
    span.parent = undefined;
    return ts === undefined ? decideRoot(intent, traceId) : decideWithTraceState(intent, traceId, ot, ts);
  }
}

const NO_ATTRIBUTES: Attributes = Object.freeze({});
const NO_LINKS: Link[] = [];

let lastValidParent: SpanContext | undefined;

/**
 * The parent span context when valid. The tracer ignores an invalid parent (new trace, no
 * tracestate); so do we. isSpanContextValid scans 48 hex digits, which would cost more than the
 * rest of a decision: the siblings under one parent share its SpanContext object, so the last
 * valid one is remembered by identity.
 */
function validParent(context: Context): SpanContext | undefined {
  const sc = trace.getSpanContext(context);
  if (sc === undefined || sc === lastValidParent) return sc;
  if (!isSpanContextValid(sc)) return undefined;
  lastValidParent = sc;
  return sc;
}

let lastOtRaw = '';
let lastOt: OtState = NO_OT;

/** The parsed `ot` member of `ts`. */
export function otStateOf(ts: TraceState): OtState {
  const raw = ts.get('ot');
  if (raw === undefined) return NO_OT;
  // Every span of a local trace, and all children of one remote parent, share one `ot` string
  // (the tracer passes the parent's TraceState on): a one-entry cache avoids re-parsing it.
  if (raw === lastOtRaw) return lastOt;
  const parsed = parseOtValue(raw);
  lastOtRaw = raw;
  lastOt = parsed;
  return parsed;
}

/** No incoming tracestate: the precomputed results need no copying at all. */
function decideRoot(intent: Intent, traceId: string): SamplingResult {
  switch (intent.kind) {
    case PROBABILISTIC:
      return keeps(traceId, undefined, intent.threshold) ? intent.rootResult : NOT_SAMPLED;
    case KEEP:
      return intent.sampledResult;
    case DROP:
      return NOT_SAMPLED;
    default:
      return foreignResult(intent, undefined, NO_OT);
  }
}

function decideWithTraceState(intent: Intent, traceId: string, ot: OtState, ts: TraceState): SamplingResult {
  switch (intent.kind) {
    case PROBABILISTIC: {
      const t = intent.threshold;
      if (!keeps(traceId, ot.rv, t)) return dropped(ts, ot);
      // Children following their parent see their own th again: nothing to rewrite.
      if (ot.th !== undefined && ot.th.t14 === t.t14) return intent.sampledResult;
      return {
        decision: SamplingDecision.RECORD_AND_SAMPLED,
        attributes: intent.attributes,
        traceState: withThreshold(ts, ot, t),
      };
    }
    case KEEP:
      if (ot.th === undefined) return intent.sampledResult;
      return {
        decision: SamplingDecision.RECORD_AND_SAMPLED,
        attributes: intent.attributes,
        traceState: withThreshold(ts, ot, undefined),
      };
    case DROP:
      return dropped(ts, ot);
    default:
      return foreignResult(intent, ts, ot);
  }
}

function dropped(ts: TraceState, ot: OtState): SamplingResult {
  if (ot.th === undefined) return NOT_SAMPLED;
  return { decision: SamplingDecision.NOT_RECORD, traceState: withThreshold(ts, ot, undefined) };
}

/** `ts` with `ot.th` set to `t` (or erased when undefined), everything else preserved. */
function withThreshold(ts: TraceState, ot: OtState, t: Threshold | undefined): TraceState {
  const value = formatOtValue(ot, t);
  if (value === '') return ts.unset('ot');
  const next = ts.set('ot', value);
  if (next !== ts) return next;
  // set() refuses values that would push the tracestate over 512 characters. Without our th
  // the span is merely "not known to be probabilistic"; a stale th would be a lie.
  return ot.th === undefined ? ts : ts.unset('ot');
}

/** A non-tracewise sampler decided: pass its result on, plus provenance, minus a stale th. */
function foreignResult(intent: Intent, ts: TraceState | undefined, ot: OtState): SamplingResult {
  const r = intent.foreign!.last;
  let traceState = r.traceState;
  // Its decision is not known to be probabilistic, so an inherited th cannot stay.
  if (traceState === undefined && ts !== undefined && ot.th !== undefined) traceState = withThreshold(ts, ot, undefined);
  if (r.decision !== SamplingDecision.RECORD_AND_SAMPLED) {
    return traceState === r.traceState ? r : { decision: r.decision, attributes: r.attributes, traceState };
  }
  if (traceState === undefined && r.attributes === undefined) return intent.sampledResult;
  const attributes = r.attributes === undefined ? intent.attributes : { ...r.attributes, ...intent.attributes };
  return { decision: r.decision, attributes, traceState };
}

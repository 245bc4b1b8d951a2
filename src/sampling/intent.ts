import type { Attributes } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { ATTR_TRACEWISE_SAMPLER, ATTR_TRACEWISE_SAMPLING_PROBABILITY } from './attributes.js';
import { NEVER_THRESHOLD, type Threshold } from './consistentProbability.js';

/**
 * What a composable sampler wants for one span, before R is compared with T (the OTel
 * composite-sampler idea of a "sampling intent"). Intents are immutable and built ahead of time
 * (per sampler, per rule, per threshold), with their SamplingResult objects, so that deciding a
 * span allocates nothing in the common cases.
 */
export const PROBABILISTIC = 0; // keep iff R >= threshold; a kept span carries th = threshold
export const KEEP = 1; // keep, not probabilistically: th is erased
export const DROP = 2; // drop, not probabilistically (alwaysOff, a drop rule, a parent's "no")
export const FOREIGN = 3; // a non-tracewise sampler decided: see ForeignDecision
export type IntentKind = typeof PROBABILISTIC | typeof KEEP | typeof DROP | typeof FOREIGN;

/** The last result of a wrapped non-tracewise sampler (read right after it decided). */
export interface ForeignDecision {
  last: SamplingResult;
}

export interface Intent {
  readonly kind: IntentKind;
  readonly threshold: Threshold;
  /** The deciding sampler's description: the `tracewise.sampler` attribute. */
  readonly description: string;
  /** The decision follows a parent (its flag or its th): boosts leave it alone. */
  readonly fromParent: boolean;
  readonly attributes: Readonly<Attributes> | undefined;
  /** Kept, tracestate unchanged. */
  readonly sampledResult: SamplingResult;
  /** Kept root span (no incoming tracestate): carries the precomputed `ot=th:T` TraceState. */
  readonly rootResult: SamplingResult;
  readonly foreign: ForeignDecision | undefined;
}

export const NOT_SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

export function makeIntent(
  kind: IntentKind,
  threshold: Threshold,
  description: string,
  fromParent = false,
  foreign?: ForeignDecision,
): Intent {
  const probabilistic = kind === PROBABILISTIC && !threshold.never;
  const attributes =
    kind === DROP || (kind === PROBABILISTIC && threshold.never)
      ? undefined
      : Object.freeze(
          probabilistic
            ? { [ATTR_TRACEWISE_SAMPLER]: description, [ATTR_TRACEWISE_SAMPLING_PROBABILITY]: threshold.probability }
            : { [ATTR_TRACEWISE_SAMPLER]: description },
        );
  const sampledResult: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED, attributes });
  const rootResult: SamplingResult = probabilistic
    ? Object.freeze({
        decision: SamplingDecision.RECORD_AND_SAMPLED,
        attributes,
        traceState: new TraceState().set('ot', `th:${threshold.th}`),
      })
    : sampledResult;
  return Object.freeze({
    kind,
    threshold: kind === PROBABILISTIC ? threshold : NEVER_THRESHOLD,
    description,
    fromParent,
    attributes,
    sampledResult,
    rootResult,
    foreign,
  });
}

/** The same decision under another description (a rule's label, a boost's). */
export function relabel(intent: Intent, description: string): Intent {
  return makeIntent(intent.kind, intent.threshold, description, intent.fromParent, intent.foreign);
}

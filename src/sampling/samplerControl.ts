import type { SpanContext } from '@opentelemetry/api';
import { SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace-base';
import { InvalidConfigError } from '../errors.js';
import { asComposable } from './asComposable.js';
import { ComposableSampler, type SpanInput } from './composableSampler.js';
import { thresholdAtMost, thresholdFromProbability } from './consistentProbability.js';
import { FOREIGN, makeIntent, PROBABILISTIC, type Intent } from './intent.js';
import { checkClock, checkObject, checkPositive, checkPrecision, checkRatio, checkSampler, type Clock } from './validation.js';

/** Raise sampling to at least `ratio`, or multiply every probabilistic decision's ratio by `factor`. */
export type Boost = { ratio: number } | { factor: number };

export interface SamplerControl {
  /** A stable Sampler for the tracer provider; it delegates to the current sampler. */
  readonly sampler: Sampler;
  /** Swap the current sampler (atomic: one reference assignment). */
  set(sampler: Sampler): void;
  /**
   * Raise sampling for `durationMs`, then fall back by itself (checked lazily on the hot path;
   * no timer). A later boost replaces an earlier one.
   */
  boost(boost: Boost, durationMs: number): void;
  current(): Sampler;
}

export interface SamplerControlOptions {
  /** Milliseconds; default `performance.now()`. */
  clock?: Clock;
  /** Significant hex digits of boosted thresholds (1..14, default 4). */
  precision?: number;
}

/**
 * Runtime control over sampling. A boost keeps decisions consistent and `th` truthful: for a
 * probabilistic decision at threshold T it keeps R >= min(T, T_boost) and writes that minimum
 * (`{ ratio }`), or uses the threshold of min(1, p * factor) (`{ factor }`). Decisions that
 * follow a parent, and deliberate drops (alwaysOff, a drop rule), are left alone, so traces stay
 * whole and filters stay filters.
 */
export function createSamplerControl(initial: Sampler, options: SamplerControlOptions = {}): SamplerControl {
  checkSampler('initial', initial);
  const o = checkObject('options', options, ['clock', 'precision']);
  const clock = checkClock('clock', o.clock);
  const precision = checkPrecision('precision', o.precision);
  const sampler = new ControlledSampler(initial, clock);
  return {
    sampler,
    set(next: Sampler): void {
      checkSampler('sampler', next);
      sampler.state = { sampler: next, node: asComposable(next) };
    },
    boost(boost: Boost, durationMs: number): void {
      const duration = checkPositive('durationMs', durationMs, 'Use e.g. 60000 for one minute.');
      sampler.boost = makeBoost(boost, precision, clock() + duration);
    },
    current: () => sampler.state.sampler,
  };
}

interface ControlState {
  readonly sampler: Sampler;
  readonly node: ComposableSampler;
}

class ControlledSampler extends ComposableSampler {
  /** Replaced as a whole: a decision sees either the old or the new sampler, never a mix. */
  state: ControlState;
  boost: BoostState | undefined;

  constructor(
    initial: Sampler,
    private readonly clock: Clock,
  ) {
    super();
    this.state = { sampler: initial, node: asComposable(initial) };
  }

  _decide(span: SpanInput): Intent {
    const intent = this.state.node._decide(span);
    const boost = this.boost;
    // The clock is only read while a boost is on.
    if (boost === undefined) return intent;
    if (this.clock() >= boost.until) {
      if (this.boost === boost) this.boost = undefined;
      return intent;
    }
    return boost.apply(intent, span.parent);
  }

  toString(): string {
    const b = this.boost;
    const boost = b !== undefined && this.clock() < b.until ? `, boost=${b.description}` : '';
    return `SamplerControl{current=${this.state.node.toString()}${boost}}`;
  }
}

interface BoostState {
  readonly until: number;
  readonly description: string;
  apply(intent: Intent, parent: SpanContext | undefined): Intent;
}

function makeBoost(boost: Boost, precision: number, until: number): BoostState {
  const o = checkObject('boost', boost, ['ratio', 'factor']);
  if ((o.ratio === undefined) === (o.factor === undefined)) {
    throw new InvalidConfigError('boost', 'expected exactly one of ratio or factor', 'Use { ratio: 0.5 } or { factor: 4 }.');
  }
  if (o.ratio !== undefined) {
    const ratio = checkRatio('boost.ratio', o.ratio);
    const description = `Boost{ratio=${ratio}}`;
    const head = makeIntent(PROBABILISTIC, thresholdFromProbability(ratio, precision), description);
    return {
      until,
      description,
      apply(intent, parent) {
        if (intent.kind === PROBABILISTIC) {
          // Keep iff R >= T or R >= T_boost, i.e. R >= min(T, T_boost): reuse the lower intent.
          return intent.fromParent || thresholdAtMost(intent.threshold, head.threshold) ? intent : head;
        }
        // A foreign sampler's root-span "no" is not known to be deliberate: boost it.
        if (intent.kind === FOREIGN && parent === undefined && intent.foreign!.last.decision !== SamplingDecision.RECORD_AND_SAMPLED) {
          return head;
        }
        return intent;
      },
    };
  }
  const factor = checkPositive('boost.factor', o.factor, 'Use a factor >= 1, e.g. 4.', 1);
  const description = `Boost{factor=${factor}}`;
  const scaled = new Map<Intent, Intent>();
  return {
    until,
    description,
    apply(intent) {
      if (intent.kind !== PROBABILISTIC || intent.fromParent || intent.threshold.never) return intent;
      let out = scaled.get(intent);
      if (out === undefined) {
        // Adaptive samplers make a new intent a few times a second: bound the cache.
        if (scaled.size >= 64) scaled.clear();
        const t = thresholdFromProbability(Math.min(1, intent.threshold.probability * factor), precision);
        // Rounding to `precision` digits must never make a boost keep less than the base.
        out = thresholdAtMost(t, intent.threshold)
          ? makeIntent(PROBABILISTIC, t, `${description}>${intent.description}`)
          : intent;
        scaled.set(intent, out);
      }
      return out;
    },
  };
}

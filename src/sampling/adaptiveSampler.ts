import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { InvalidConfigError } from '../errors.js';
import { ComposableSampler } from './composableSampler.js';
import { thresholdFromProbability } from './consistentProbability.js';
import { makeIntent, PROBABILISTIC, type Intent } from './intent.js';
import { ParentBasedSampler } from './parentBased.js';
import {
  checkBoolean,
  checkClock,
  checkObject,
  checkPositive,
  checkPrecision,
  checkRatio,
  type Clock,
} from './validation.js';

export interface AdaptiveSamplerOptions {
  /** The throughput goal in newly sampled traces per second (> 0). A goal, not a cap. */
  targetTracesPerSecond: number;
  /** Lowest ratio the controller may choose (default 0). */
  minRatio?: number;
  /** Highest ratio the controller may choose (default 1). Also the starting ratio. */
  maxRatio?: number;
  /** How often the ratio is adjusted (ms, default 500). */
  adjustmentIntervalMs?: number;
  /** Largest factor by which one adjustment may raise the ratio (> 1, default 2). */
  maxIncreasePerAdjustment?: number;
  /** Significant hex digits of the written `th` (1..14, default 4). */
  precision?: number;
  /** Milliseconds; default `performance.now()`. */
  clock?: Clock;
  /** Wrap in parentBased() (default true). */
  parentBased?: boolean;
}

export interface ErrorRateSignal {
  /** Multiply the ratio by this (>= 1, default 2; the result is capped at 1). */
  factor?: number;
  /** For this long (ms, default 60 000); a later signal replaces an earlier one. */
  durationMs?: number;
}

export interface AdaptiveSampler extends Sampler {
  /** Raise the ratio for a bounded time (e.g. when the error rate rose). */
  signalErrorRateRose(signal?: ErrorRateSignal): void;
  /** The probability in force now (including an error-rate raise). */
  currentRatio(): number;
}

const OPTIONS = [
  'targetTracesPerSecond',
  'minRatio',
  'maxRatio',
  'adjustmentIntervalMs',
  'maxIncreasePerAdjustment',
  'precision',
  'clock',
  'parentBased',
];

/**
 * Steers the ratio toward `targetTracesPerSecond`: every adjustment interval it measures the
 * arrival rate and sets ratio = target / arrivals (proportional control with unit gain, in the
 * ratio's log). Decreases apply at once; increases are capped per adjustment, so one quiet
 * interval cannot open the floodgates. The threshold in force is written as `th`, so every kept
 * trace is a consistent, truthful probabilistic decision.
 */
export function adaptiveSampler(options: AdaptiveSamplerOptions): AdaptiveSampler {
  const o = checkObject('options', options, OPTIONS);
  const target = checkPositive('targetTracesPerSecond', o.targetTracesPerSecond, 'Use e.g. 100 for about 100 new traces per second.');
  const minRatio = o.minRatio === undefined ? 0 : checkRatio('minRatio', o.minRatio);
  const maxRatio = o.maxRatio === undefined ? 1 : checkRatio('maxRatio', o.maxRatio);
  if (minRatio > maxRatio) {
    throw new InvalidConfigError('minRatio', `${minRatio} is above maxRatio ${maxRatio}`, 'Make minRatio <= maxRatio.');
  }
  const interval =
    o.adjustmentIntervalMs === undefined
      ? 500
      : checkPositive('adjustmentIntervalMs', o.adjustmentIntervalMs, 'Omit it for 500 ms.');
  const maxIncrease =
    o.maxIncreasePerAdjustment === undefined
      ? 2
      : checkPositive('maxIncreasePerAdjustment', o.maxIncreasePerAdjustment, 'Use a factor > 1, e.g. 2; omit it for 2.', 1);
  const root = new AdaptiveRoot(
    { target, minRatio, maxRatio, interval, maxIncrease },
    checkPrecision('precision', o.precision),
    checkClock('clock', o.clock),
  );
  return checkBoolean('parentBased', o.parentBased, true) ? new ParentBasedAdaptive(root) : root;
}

interface Tuning {
  target: number;
  minRatio: number;
  maxRatio: number;
  interval: number;
  maxIncrease: number;
}

/** Arrivals after which an interval has kept twice its share of the target at `ratio`. */
function surgeArrivals(t: Tuning, ratio: number): number {
  return ratio > 0 ? Math.max(8, (2 * t.target * t.interval) / 1000 / ratio) : Infinity;
}

class AdaptiveRoot extends ComposableSampler implements AdaptiveSampler {
  private readonly description: string;
  /** The controller's ratio (without an error-rate raise). */
  private ratio: number;
  private intervalStart: number;
  private arrivals = 0;
  private surgeArrivals = Infinity;
  private raiseFactor = 1;
  private raiseUntil = Infinity;
  private intent: Intent;

  constructor(
    private readonly tuning: Tuning,
    private readonly precision: number,
    private readonly clock: Clock,
  ) {
    super();
    const t = tuning;
    this.description = `AdaptiveSampler{targetTracesPerSecond=${t.target}, minRatio=${t.minRatio}, maxRatio=${t.maxRatio}}`;
    this.ratio = t.maxRatio;
    this.intervalStart = clock();
    this.intent = makeIntent(PROBABILISTIC, thresholdFromProbability(this.ratio, precision), this.description);
    this.surgeArrivals = surgeArrivals(t, this.ratio);
  }

  _decide(): Intent {
    const now = this.clock();
    const elapsed = now - this.intervalStart;
    if (
      elapsed >= this.tuning.interval ||
      elapsed < 0 ||
      // A surge: this interval already kept twice its share of the target. Decreases are
      // immediate, so do not wait for the interval to end (but give the count 1/10 of it).
      (this.arrivals >= this.surgeArrivals && elapsed * 10 >= this.tuning.interval)
    ) {
      this.adjust(now);
    } else if (now >= this.raiseUntil) {
      this.endRaise();
    }
    this.arrivals++;
    return this.intent;
  }

  private adjust(now: number): void {
    const elapsed = now - this.intervalStart;
    const arrivals = this.arrivals;
    this.intervalStart = now;
    this.arrivals = 0;
    if (elapsed <= 0) return; // the clock went backwards: start a new interval
    const t = this.tuning;
    const perSecond = (arrivals * 1000) / elapsed;
    const wanted = perSecond > 0 ? t.target / perSecond : Infinity;
    let ratio = wanted;
    if (wanted > this.ratio) {
      // An idle stretch counts as the adjustments it spanned.
      const steps = Math.max(1, Math.floor(elapsed / t.interval));
      ratio = Math.min(wanted, this.ratio * t.maxIncrease ** steps);
    }
    this.ratio = Math.min(t.maxRatio, Math.max(t.minRatio, ratio));
    if (now >= this.raiseUntil) this.raiseFactor = 1;
    this.updateIntent();
  }

  signalErrorRateRose(signal: ErrorRateSignal = {}): void {
    const o = checkObject('signal', signal, ['factor', 'durationMs']);
    const factor = o.factor === undefined ? 2 : checkPositive('factor', o.factor, 'Use e.g. 2 to double the ratio.', 1);
    const duration = o.durationMs === undefined ? 60_000 : checkPositive('durationMs', o.durationMs, 'Use e.g. 60000 for one minute.');
    this.raiseFactor = factor;
    this.raiseUntil = this.clock() + duration;
    this.updateIntent();
  }

  private endRaise(): void {
    this.raiseFactor = 1;
    this.raiseUntil = Infinity;
    this.updateIntent();
  }

  currentRatio(): number {
    return this.intent.threshold.probability;
  }

  private updateIntent(): void {
    if (this.raiseFactor === 1) this.raiseUntil = Infinity;
    // At the controller's ratio: an error-rate raise is meant to exceed the target, not a surge.
    this.surgeArrivals = surgeArrivals(this.tuning, this.ratio);
    const threshold = thresholdFromProbability(Math.min(1, this.ratio * this.raiseFactor), this.precision);
    // Most adjustments in steady traffic land on the same 4-digit threshold: keep its intent.
    if (threshold.t14 !== this.intent.threshold.t14) {
      this.intent = makeIntent(PROBABILISTIC, threshold, this.description);
    }
  }

  toString(): string {
    return this.description;
  }
}

class ParentBasedAdaptive extends ParentBasedSampler implements AdaptiveSampler {
  constructor(private readonly adaptive: AdaptiveRoot) {
    super(adaptive);
  }

  signalErrorRateRose(signal?: ErrorRateSignal): void {
    this.adaptive.signalErrorRateRose(signal);
  }

  currentRatio(): number {
    return this.adaptive.currentRatio();
  }
}

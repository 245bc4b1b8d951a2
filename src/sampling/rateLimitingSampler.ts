import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { ComposableSampler, type SpanInput } from './composableSampler.js';
import {
  ALWAYS_THRESHOLD,
  keeps,
  NEVER_THRESHOLD,
  thresholdFromProbability,
} from './consistentProbability.js';
import { makeIntent, PROBABILISTIC, type Intent } from './intent.js';
import { maybeParentBased } from './parentBased.js';
import { checkClock, checkObject, checkPositive, checkPrecision, type Clock } from './validation.js';

export interface RateLimitingSamplerOptions {
  /** The long-run cap on newly sampled traces per second (> 0). */
  tracesPerSecond: number;
  /** Extra traces allowed at once (>= 1; default max(1, tracesPerSecond), i.e. one second's worth). */
  burst?: number;
  /** Significant hex digits of the written `th` (1..14, default 4). */
  precision?: number;
  /** Milliseconds; default `performance.now()`. */
  clock?: Clock;
  /** Wrap in parentBased() (default true). */
  parentBased?: boolean;
}

/**
 * A hard cap on newly sampled traces: over any window of W seconds at most
 * tracesPerSecond * W + burst are kept (a token bucket), and every kept trace is a consistent,
 * truthful probabilistic decision: the sampler estimates the arrival rate and keeps R >= T with
 * T chosen for tracesPerSecond / rate. A trace that passes R >= T while the bucket is empty is
 * dropped (its threshold was effectively "never" at that moment, so it carries no th).
 */
export function rateLimitingSampler(options: RateLimitingSamplerOptions): Sampler {
  const o = checkObject('options', options, ['tracesPerSecond', 'burst', 'precision', 'clock', 'parentBased']);
  const rate = checkPositive('tracesPerSecond', o.tracesPerSecond, 'Use e.g. 100 to keep at most 100 new traces per second.');
  const burst =
    o.burst === undefined
      ? Math.max(1, rate)
      : checkPositive('burst', o.burst, 'Use at least 1 (one trace); omit it for one second of traces.', 1);
  const sampler = new RateLimitingSampler(rate, burst, checkPrecision('precision', o.precision), checkClock('clock', o.clock));
  return maybeParentBased(sampler, o.parentBased);
}

/** The arrival rate is measured in 100 ms slots. */
const SLOT_MS = 100;

export class RateLimitingSampler extends ComposableSampler {
  private readonly description: string;
  private tokens: number;
  private lastRefill: number;
  private slotStart: number;
  private slotCount = 0;
  /** Arrivals per second (exponential average); negative until the first slot ends. */
  private arrivalRate = -1;
  private intent: Intent;
  private readonly exhausted: Intent;

  constructor(
    readonly tracesPerSecond: number,
    readonly burst: number,
    private readonly precision: number,
    private readonly clock: Clock,
  ) {
    super();
    this.description = `RateLimitingSampler{tracesPerSecond=${tracesPerSecond}, burst=${burst}}`;
    // Start full: the first second may use the burst, which the cap allows.
    this.tokens = burst;
    this.lastRefill = this.slotStart = clock();
    this.intent = makeIntent(PROBABILISTIC, ALWAYS_THRESHOLD, this.description);
    this.exhausted = makeIntent(PROBABILISTIC, NEVER_THRESHOLD, this.description);
  }

  /** The probability currently used for candidates (before the budget check). */
  currentRatio(): number {
    return this.intent.threshold.probability;
  }

  _decide(span: SpanInput): Intent {
    const now = this.clock();
    // Re-tune only when a slot ends: the threshold conversion is not for every span.
    if (now - this.slotStart >= SLOT_MS || now < this.slotStart) this.retune(now);
    this.slotCount++;
    const intent = this.intent;
    if (!keeps(span.traceId, span.ot.rv, intent.threshold)) return intent;
    // A candidate: kept only with a token. This alone bounds every window:
    // kept in (t, t + W] <= tokens(t) + rate * W <= burst + rate * W.
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return intent;
    }
    return this.exhausted;
  }

  private refill(now: number): void {
    const elapsed = now - this.lastRefill;
    if (elapsed > 0) {
      const t = this.tokens + (elapsed * this.tracesPerSecond) / 1000;
      this.tokens = t < this.burst ? t : this.burst;
    }
    this.lastRefill = now;
  }

  private retune(now: number): void {
    if (now < this.slotStart) {
      // The clock went backwards: restart the slot, keep the estimate.
      this.slotStart = now;
      return;
    }
    const ended = Math.floor((now - this.slotStart) / SLOT_MS);
    const slotRate = (this.slotCount * 1000) / SLOT_MS;
    this.slotStart += ended * SLOT_MS;
    this.slotCount = 0;
    // Arrival rate: an exponential average over 100 ms slots (half weight on the newest slot;
    // slots that passed without any call had no arrivals), or the newest slot when it is higher,
    // so that a surge is seen within 100 ms (the bucket holds the cap meanwhile).
    this.arrivalRate =
      this.arrivalRate < 0 ? slotRate : (this.arrivalRate * 0.5 + slotRate * 0.5) * 0.5 ** (ended - 1);
    const newest = ended === 1 ? slotRate : 0;
    const arrivals = this.arrivalRate > newest ? this.arrivalRate : newest;

    // Aim a little above the cap while the bucket is fuller than half and below it while it is
    // emptier, so that tokens are neither wasted nor missing. This depends only on the past,
    // never on the current trace's R, so the threshold stays a truthful probability.
    this.refill(now);
    const gain = 0.5 + this.tokens / this.burst;
    const ratio = arrivals > 0 ? Math.min(1, (this.tracesPerSecond * gain) / arrivals) : 1;
    const threshold = thresholdFromProbability(ratio, this.precision);
    if (threshold.t14 !== this.intent.threshold.t14) {
      this.intent = makeIntent(PROBABILISTIC, threshold, this.description);
    }
  }

  toString(): string {
    return this.description;
  }
}

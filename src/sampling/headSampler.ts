import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { thresholdFromProbability } from './consistentProbability.js';
import { FixedSampler } from './fixedSampler.js';
import { makeIntent, PROBABILISTIC } from './intent.js';
import { maybeParentBased } from './parentBased.js';
import { checkObject, checkPrecision, checkRatio } from './validation.js';

export interface HeadSamplerOptions {
  /** Probability in [0, 1] of keeping a new trace. */
  ratio: number;
  /** Significant hex digits of the written `th` (1..14, default 4, the spec's recommendation). */
  precision?: number;
  /** Wrap in parentBased() (default true): spans with a parent follow it. */
  parentBased?: boolean;
}

/**
 * Consistent probability sampling: keeps a trace iff R >= T, with T the threshold for `ratio`
 * at `precision` hex digits, so every service (any language following the OTel spec) keeps the
 * same trace IDs at the same ratio and a superset at a higher one.
 */
export function headSampler(options: HeadSamplerOptions): Sampler {
  const o = checkObject('options', options, ['ratio', 'precision', 'parentBased']);
  const ratio = checkRatio('ratio', o.ratio);
  const precision = checkPrecision('precision', o.precision);
  return maybeParentBased(new FixedSampler(headIntent(ratio, precision)), o.parentBased);
}

function headIntent(ratio: number, precision: number) {
  const threshold = thresholdFromProbability(ratio, precision);
  const th = threshold.never ? 'max' : threshold.th;
  const description = `HeadSampler{ratio=${ratio}, th=${th}${precision === 4 ? '' : `, precision=${precision}`}}`;
  return makeIntent(PROBABILISTIC, threshold, description);
}

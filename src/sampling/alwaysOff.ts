import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { NEVER_THRESHOLD } from './consistentProbability.js';
import { FixedSampler } from './fixedSampler.js';
import { DROP, makeIntent } from './intent.js';

/**
 * Drops every span. A deliberate, non-probabilistic drop: an inherited `th` is erased, and a
 * sampling boost does not override it. Use `parentBased(alwaysOff())` for
 * `parentbased_always_off`.
 */
export function alwaysOff(): Sampler {
  return new FixedSampler(makeIntent(DROP, NEVER_THRESHOLD, 'AlwaysOffSampler'));
}

import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { ALWAYS_THRESHOLD } from './consistentProbability.js';
import { FixedSampler } from './fixedSampler.js';
import { makeIntent, PROBABILISTIC } from './intent.js';

/**
 * Keeps every span, as a probabilistic decision at probability 1: kept spans carry `th:0`
 * (the spec's encoding of 100%) and probability 1. Not parent-based (the env value
 * `always_on`); use `parentBased(alwaysOn())` for `parentbased_always_on`.
 */
export function alwaysOn(): Sampler {
  return new FixedSampler(makeIntent(PROBABILISTIC, ALWAYS_THRESHOLD, 'AlwaysOnSampler'));
}

/**
 * Consistent probability sampling (OpenTelemetry "TraceState: Probability Sampling"): every
 * sampler here keeps a trace iff R >= T, writes the threshold as `ot=th:…` on what it keeps,
 * and names itself in span attributes. All are OTel `Sampler`s usable with any SDK.
 */
export { adaptiveSampler } from './adaptiveSampler.js';
export type { AdaptiveSampler, AdaptiveSamplerOptions, ErrorRateSignal } from './adaptiveSampler.js';
export { alwaysOff } from './alwaysOff.js';
export { alwaysOn } from './alwaysOn.js';
export { ATTR_TRACEWISE_SAMPLER, ATTR_TRACEWISE_SAMPLING_PROBABILITY } from './attributes.js';
export {
  formatOtValue,
  keeps,
  parseOtValue,
  raiseThreshold,
  thresholdFromProbability,
  thresholdFromTh,
} from './consistentProbability.js';
export type { OtState, Threshold } from './consistentProbability.js';
export { headSampler } from './headSampler.js';
export type { HeadSamplerOptions } from './headSampler.js';
export { parentBased } from './parentBased.js';
export type { ParentBasedOptions } from './parentBased.js';
export { rateLimitingSampler } from './rateLimitingSampler.js';
export type { RateLimitingSamplerOptions } from './rateLimitingSampler.js';
export { ruleSampler } from './ruleSampler.js';
export type { RuleSamplerOptions } from './ruleSampler.js';
export type { AttributeMatcher, ParentKind, SamplingRule } from './samplingRule.js';
export { createSamplerControl } from './samplerControl.js';
export type { Boost, SamplerControl, SamplerControlOptions } from './samplerControl.js';
export { samplerFromEnv } from './samplerFromEnv.js';

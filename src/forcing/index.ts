/**
 * Error and latency forcing: keep every failing or slow local trace, whatever the head sampler
 * decided, in bounded memory. See docs/forcing.md.
 */
export { withForcing, forcingOptionsOf, FORCING } from './withForcing.js';
export { ForcingBuffer } from './forcingBuffer.js';
export type { ForcingSink } from './forcingBuffer.js';
export type { ForcingOptions, ForcingBufferOptions, ResolvedForcingOptions } from './forcingOptions.js';
export { FORCING_DEFAULTS } from './forcingOptions.js';
export type { ForcingStats } from './forcingStats.js';
export { forcingStatsOf } from './forcingStatsOf.js';
export { FORCED_ATTRIBUTE, type ForcedReason } from './forcedReason.js';
export { checkSamplerOption, samplerFromConfig } from './samplerFromConfig.js';
export type { ForcingSamplerConfig, SamplerOption } from './samplerFromConfig.js';
export { forcingBufferFor, forcingDropped } from './forcingBufferFor.js';

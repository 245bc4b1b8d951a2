import type { ResolvedForcingOptions } from './forcingOptions.js';
import type { ForcingStats } from './forcingStats.js';

/**
 * The buffer initTracing installed for a set of forcing options. Keyed by the options object,
 * which the application's withForcing() sampler and the live sampler initTracing builds around
 * its runtime control share, so `sampler.stats()` works on either.
 */
export const installedBuffers = new WeakMap<ResolvedForcingOptions, { stats(): ForcingStats }>();

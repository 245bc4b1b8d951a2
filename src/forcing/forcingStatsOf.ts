import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { ForcingStats } from './forcingStats.js';
import { installedBuffers } from './installedBuffers.js';
import { forcingOptionsOf } from './withForcing.js';

/**
 * The forcing counters for a withForcing() sampler given to initTracing(), once installed;
 * undefined for any other sampler.
 */
export function forcingStatsOf(sampler: Sampler): ForcingStats | undefined {
  const options = forcingOptionsOf(sampler);
  return options === undefined ? undefined : installedBuffers.get(options)?.stats();
}

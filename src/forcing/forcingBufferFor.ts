import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { ForcingBuffer } from './forcingBuffer.js';
import type { ForcingStats } from './forcingStats.js';
import { installedBuffers } from './installedBuffers.js';
import { forcingOptionsOf } from './withForcing.js';

/** A ForcingBuffer when `sampler` is a withForcing() sampler (what initTracing installs). */
export function forcingBufferFor(sampler: Sampler): ForcingBuffer | undefined {
  const options = forcingOptionsOf(sampler);
  if (options === undefined) return undefined;
  const buffer = new ForcingBuffer(options);
  installedBuffers.set(options, buffer);
  return buffer;
}

/**
 * Forcing's losses for tracing.metrics' `dropped.byReason`: spans of undecided traces pushed
 * out by a cap, and spans past `maxSpansPerTrace` (discards of traces decided against are the
 * head sampler's drops, not losses).
 */
export function forcingDropped(stats: ForcingStats): Record<string, number> {
  return { forcing_evicted: stats.evictedSpans, forcing_truncated: stats.truncatedSpans };
}

import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { ExportObserver } from '../export/exportObserver.js';
import type { ExportStats } from '../export/exportStats.js';
import { forcingDropped } from '../forcing/forcingBufferFor.js';
import type { ForcingStats } from '../forcing/forcingStats.js';
import { PARENT_ORIGINS, SAMPLING_RESULTS, type SpanCounters } from './spanCounters.js';

type ByResult = Record<(typeof SAMPLING_RESULTS)[number], number>;
type ByParent = Record<(typeof PARENT_ORIGINS)[number], number>;

/** What `tracing.metrics.snapshot()` returns: plain numbers, cumulative since start-up. */
export interface TracingMetricsSnapshot {
  spans: {
    /** Every span started through tracewise, by sampling result and by parent. */
    started: { total: number; byResult: ByResult; byParent: ByParent };
    /** Recording spans that ended. */
    ended: number;
    /** Recording spans started and not yet ended, by sampling result. */
    live: { RECORD_ONLY: number; RECORD_AND_SAMPLE: number };
    /** Spans the collector accepted. */
    exported: number;
    /** Spans lost after they were sampled, by reason (export reasons, and forcing's discards). */
    dropped: { total: number; byReason: Record<string, number> };
  };
  export?: {
    requests: number;
    failedRequests: number;
    retries: number;
    bufferedSpans: number;
    bufferedBytes: number;
    spooledSpans: number;
    spooledBytes: number;
    inFlightRequests: number;
    /** Successful export requests: mean since start, exponential moving average (α = 0.2), last, max. */
    latencyMs: { average: number; ema: number; last: number; max: number };
  };
  sampler: {
    description: string;
    /** The live sampler's current probability, when it has one. */
    ratio?: number;
    decisions: ByResult;
  };
  /** Error/latency forcing's buffer, when forcing is configured (docs/forcing.md). */
  forcing?: ForcingStats;
}

export interface TracingMetrics {
  snapshot(): TracingMetricsSnapshot;
}

export interface MetricsSources {
  counters: SpanCounters;
  /** The live sampler chain, for its description. */
  sampler: () => Sampler;
  /** The sampler whose probability is reported (default: the live one). */
  ratioOf?: () => Sampler;
  exportStats: (() => ExportStats | undefined) | undefined;
  /** Forcing's counters, when forcing is configured. */
  forcing?: () => ForcingStats;
}

const EMA_ALPHA = 0.2;

export interface LatencyTracker {
  /** Pass to the export pipeline. */
  readonly observer: ExportObserver;
  /** The exponential moving average of successful export latency, ms. */
  ema(): number;
}

/** Keeps the export-latency moving average the snapshot reports. */
export function latencyTracker(): LatencyTracker {
  let ema = 0;
  return {
    observer: {
      onExported(_spans: number, _bytes: number, latencyMs: number) {
        ema = ema === 0 ? latencyMs : ema + EMA_ALPHA * (latencyMs - ema);
      },
    },
    ema: () => ema,
  };
}

/** Reads a sampler's current probability if it exposes one (`ratio`, `currentRatio()` or `stats().ratio`). */
export function samplerRatio(sampler: Sampler): number | undefined {
  const s = sampler as { ratio?: unknown; currentRatio?: unknown; stats?: unknown };
  if (typeof s.currentRatio === 'function') return num((s.currentRatio as () => unknown)());
  if (typeof s.ratio === 'number') return s.ratio;
  if (typeof s.stats === 'function') return num(((s.stats as () => { ratio?: unknown })() ?? {}).ratio);
  return undefined;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function createTracingMetrics(src: MetricsSources, latency: LatencyTracker): TracingMetrics {
  return {
    snapshot() {
      const { started, ended } = src.counters;
      const byResult: ByResult = { DROP: 0, RECORD_ONLY: 0, RECORD_AND_SAMPLE: 0 };
      const byParent: ByParent = { none: 0, local: 0, remote: 0 };
      for (let o = 0; o < 3; o++) {
        for (let d = 0; d < 3; d++) {
          const n = started[o * 3 + d];
          byResult[SAMPLING_RESULTS[d]] += n;
          byParent[PARENT_ORIGINS[o]] += n;
        }
      }
      const total = byResult.DROP + byResult.RECORD_ONLY + byResult.RECORD_AND_SAMPLE;
      const e = src.exportStats?.();
      const byReason: Record<string, number> = {};
      const forcing = src.forcing?.();
      for (const [k, v] of Object.entries({ ...(e?.dropped ?? {}), ...(forcing ? forcingDropped(forcing) : {}) })) {
        if (v > 0) byReason[k] = v;
      }
      const sampler = src.sampler();
      const ratio = samplerRatio(src.ratioOf ? src.ratioOf() : sampler);
      return {
        spans: {
          started: { total, byResult, byParent },
          ended: ended[1] + ended[2],
          live: { RECORD_ONLY: byResult.RECORD_ONLY - ended[1], RECORD_AND_SAMPLE: byResult.RECORD_AND_SAMPLE - ended[2] },
          exported: e?.exportedSpans ?? 0,
          dropped: { total: Object.values(byReason).reduce((a, b) => a + b, 0), byReason },
        },
        export: e && {
          requests: e.exportedRequests,
          failedRequests: e.failedRequests,
          retries: e.retries,
          bufferedSpans: e.bufferedSpans + e.pendingSpans,
          bufferedBytes: e.bufferedBytes,
          spooledSpans: e.spooledSpans,
          spooledBytes: e.spooledBytes,
          inFlightRequests: e.inFlightRequests,
          latencyMs: {
            average: e.exportLatencyMs.count ? e.exportLatencyMs.total / e.exportLatencyMs.count : 0,
            ema: latency.ema(),
            last: e.exportLatencyMs.last,
            max: e.exportLatencyMs.max,
          },
        },
        sampler: { description: sampler.toString(), ...(ratio !== undefined ? { ratio } : {}), decisions: { ...byResult } },
        ...(forcing ? { forcing } : {}),
      };
    },
  };
}

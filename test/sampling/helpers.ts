import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ROOT_CONTEXT,
  SpanKind,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type TraceState,
} from '@opentelemetry/api';
import { TraceState as CoreTraceState } from '@opentelemetry/core';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { seededRandom } from '../../bench/harness.js';
import { ATTR_TRACEWISE_SAMPLING_PROBABILITY } from '../../src/sampling/attributes.js';

/** The shared spec vectors, beside the repository (CI: a fresh clone with ../shared). */
export function loadVectors(): any {
  const file = fileURLToPath(new URL('../../../shared/vectors/consistent-sampling.json', import.meta.url));
  return JSON.parse(readFileSync(file, 'utf8'));
}

export const PARENT_SPAN_ID = '0123456789abcdef';

/** A context whose parent span has these properties. */
export function parentContext(opts: {
  traceId: string;
  sampled: boolean;
  remote?: boolean;
  traceState?: string | TraceState;
}): Context {
  const ts = typeof opts.traceState === 'string' ? new CoreTraceState(opts.traceState) : opts.traceState;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: opts.traceId,
    spanId: PARENT_SPAN_ID,
    traceFlags: opts.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: opts.remote ?? true,
    traceState: ts,
  });
}

export function decide(
  sampler: Sampler,
  traceId: string,
  ctx: Context = ROOT_CONTEXT,
  spanName = 'span',
  kind: SpanKind = SpanKind.SERVER,
  attributes: Attributes = {},
): SamplingResult {
  return sampler.shouldSample(ctx, traceId, spanName, kind, attributes, []);
}

export function isSampled(r: SamplingResult): boolean {
  return r.decision === SamplingDecision.RECORD_AND_SAMPLED;
}

/** The tracestate the new span ends up with (the tracer keeps the parent's when none is returned). */
export function outgoingOt(r: SamplingResult, ctx: Context = ROOT_CONTEXT): string | undefined {
  const ts = r.traceState ?? trace.getSpanContext(ctx)?.traceState;
  return ts?.get('ot');
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A seeded random 32-hex-digit trace ID generator: the same IDs as the bench harness's
 * `traceIds(count, seed)`, built from a byte table because simulations need millions.
 */
export function idGenerator(seed: number): () => string {
  const rnd = seededRandom(seed);
  return () => {
    let s = '';
    for (let j = 0; j < 4; j++) {
      const v = (rnd() * 2 ** 32) >>> 0;
      s += HEX[v >>> 24] + HEX[(v >>> 16) & 255] + HEX[(v >>> 8) & 255] + HEX[v & 255];
    }
    return s;
  };
}

export interface Phase {
  /** Arrivals per second. */
  rate: number;
  seconds: number;
}

export interface Simulation {
  /** Arrival times (ms) of kept traces. */
  kept: number[];
  arrivals: number;
  /** Horvitz-Thompson estimate of the arrivals: sum of 1 / probability over kept traces. */
  estimate: number;
  /** Kept per whole second, from t = 0. */
  perSecond: number[];
}

/**
 * Drives a time-dependent sampler with Poisson arrivals of new traces under a simulated clock.
 * The sampler must be built with `clock: sim.clock`.
 */
export function simulator(seed: number) {
  let now = 0;
  const gaps = seededRandom(seed);
  const nextId = idGenerator(seed + 1);
  return {
    clock: () => now,
    advance(ms: number) {
      now += ms;
    },
    run(sampler: Sampler, phases: Phase[], onDecision?: (traceId: string, r: SamplingResult) => void): Simulation {
      const start = now;
      const kept: number[] = [];
      let arrivals = 0;
      let estimate = 0;
      for (const phase of phases) {
        const end = now + phase.seconds * 1000;
        for (;;) {
          const next = now - (Math.log(1 - gaps()) * 1000) / phase.rate;
          if (next >= end) break;
          now = next;
          arrivals++;
          const id = nextId();
          const r = decide(sampler, id);
          onDecision?.(id, r);
          if (isSampled(r)) {
            kept.push(now - start);
            estimate += 1 / (r.attributes![ATTR_TRACEWISE_SAMPLING_PROBABILITY] as number);
          }
        }
        now = end;
      }
      const seconds = Math.round((now - start) / 1000);
      const perSecond = new Array<number>(seconds).fill(0);
      for (const t of kept) perSecond[Math.floor(t / 1000)]++;
      return { kept, arrivals, estimate, perSecond };
    },
  };
}

/**
 * The largest excess of kept traces over `rate * max(W, 1 s) + burst` across every window that
 * starts and ends on a kept trace: every window of W >= 1 s is covered, since the tightest window
 * around kept traces i..j is [t_i, t_j] (widened to 1 s).
 */
export function worstWindowExcess(kept: number[], rate: number, burst: number): number {
  let worst = -Infinity;
  for (let i = 0; i < kept.length; i++) {
    for (let j = i; j < kept.length; j++) {
      const w = Math.max(1000, kept[j] - kept[i]);
      const excess = j - i + 1 - (burst + (rate * w) / 1000);
      if (excess > worst) worst = excess;
    }
  }
  return worst;
}

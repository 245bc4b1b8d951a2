/**
 * shouldSample() cost of every tracewise sampler next to the SDK's TraceIdRatioBasedSampler (the
 * ratio baseline). Targets: <= 2x the baseline for head, parent-based and rules; <= 3x for
 * adaptive and rate limiting. Figures go to docs/sampling.md.
 *
 *     npx tsx bench/sampling.ts
 */
import { pathToFileURL } from 'node:url';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Attributes, type Context } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import { measure, report, traceIds, type BenchResult } from './harness.js';
import {
  adaptiveSampler,
  alwaysOff,
  alwaysOn,
  createSamplerControl,
  headSampler,
  rateLimitingSampler,
  ruleSampler,
} from '../src/sampling/index.js';

// The harness builds IDs with `+=` (V8 ropes), which makes every character read slower than on
// the flat strings that ID generators (the SDK's RandomIdGenerator: Buffer -> hex) produce.
// Flattened, the baseline costs what it costs in production.
const IDS = traceIds(1 << 16, 42).map((id) => Buffer.from(id, 'latin1').toString('latin1'));
const MASK = IDS.length - 1;
const NO_LINKS: never[] = [];

let sink = 0;

function bench(name: string, sampler: Sampler, ctx: Context = ROOT_CONTEXT, spanName = 'GET /cart', attributes: Attributes = {}): BenchResult {
  return measure(name, (i) => {
    sink += sampler.shouldSample(ctx, IDS[i & MASK], spanName, SpanKind.SERVER, attributes, NO_LINKS).decision;
  });
}

function benchRemote(sampler: Sampler, parents: Context[]): BenchResult {
  const n = parents.length - 1;
  return measure('parentBased(head) remote sampled parent', (i) => {
    const ctx = parents[i & n];
    sink += sampler.shouldSample(ctx, trace.getSpanContext(ctx)!.traceId, 'GET /cart', SpanKind.SERVER, {}, NO_LINKS).decision;
  });
}

/** Children of one local parent: same trace ID, same parent SpanContext. */
function benchLocal(sampler: Sampler, parent: Context): BenchResult {
  const traceId = trace.getSpanContext(parent)!.traceId;
  return measure('parentBased(head) local sampled parent', () => {
    sink += sampler.shouldSample(parent, traceId, 'SELECT', SpanKind.CLIENT, {}, NO_LINKS).decision;
  });
}

/**
 * Runs every case `passes` times (default 3) and reports each case's median: the machine may be
 * shared, and a load spike during one case would otherwise skew its ratio.
 */
export async function runSamplingBench(passes = 3): Promise<void> {
  // Incoming requests: every span has a different remote parent (4096 distinct contexts, each
  // with its own tracestate), so nothing is cached across calls.
  // A parent sampled at th:e666 has R >= 0xe666...: take such trace IDs (a contradicting parent
  // would take the rarer path that erases th).
  const keptAtTenth = IDS.filter((id) => id.slice(18) >= 'e666');
  const remoteParents = keptAtTenth.slice(0, 4096).map((traceId) =>
    trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: '0123456789abcdef',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: new TraceState('ot=th:e666'),
    }),
  );
  const localParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: keptAtTenth[0],
    spanId: '0123456789abcdef',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: false,
    traceState: new TraceState('ot=th:e666'),
  });
  // Three rules that a span for GET /cart walks past (exact name, exact attribute, RegExp) before
  // the fallback decides: the slow path of a typical rule set.
  const rules = ruleSampler(
    [
      { name: 'health', spanName: 'GET /health', sampler: alwaysOff() },
      { name: 'checkout', attributes: { 'http.route': '/checkout' }, sampler: alwaysOn() },
      { name: 'search', attributes: { 'http.route': /^\/search/ }, sampler: headSampler({ ratio: 0.01 }) },
    ],
    headSampler({ ratio: 0.1 }),
  );
  const boosted = createSamplerControl(headSampler({ ratio: 0.1 }));
  boosted.boost({ ratio: 0.2 }, 3_600_000);

  const cases: [string, () => BenchResult][] = [
    ['SDK TraceIdRatioBased(0.1)', () => bench('SDK TraceIdRatioBased(0.1)', new TraceIdRatioBasedSampler(0.1))],
    ['head(0.1)', () => bench('head(0.1)', headSampler({ ratio: 0.1, parentBased: false }))],
    ['parentBased(head) root', () => bench('parentBased(head) root', headSampler({ ratio: 0.1 }))],
    ['parentBased(head) remote sampled parent', () => benchRemote(headSampler({ ratio: 0.1 }), remoteParents)],
    [
      'parentBased(head) local sampled parent',
      () => benchLocal(headSampler({ ratio: 0.1 }), localParent),
    ],
    [
      'rules (3 rules, fallback head)',
      () => bench('rules (3 rules, fallback head)', rules, ROOT_CONTEXT, 'GET /cart', { 'http.route': '/cart' }),
    ],
    ['adaptive(1000/s)', () => bench('adaptive(1000/s)', adaptiveSampler({ targetTracesPerSecond: 1000 }))],
    ['rateLimiting(1000/s)', () => bench('rateLimiting(1000/s)', rateLimitingSampler({ tracesPerSecond: 1000 }))],
    ['control(head)', () => bench('control(head)', createSamplerControl(headSampler({ ratio: 0.1 })).sampler)],
    ['control(head) boosted', () => bench('control(head) boosted', boosted.sampler)],
  ];
  const runs = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (let p = 0; p < passes; p++) {
    for (const [name, run] of cases) runs.get(name)!.push(run().nsPerOp);
  }
  const results = cases.map(([name]): BenchResult => {
    const sorted = runs.get(name)!.sort((a, b) => a - b);
    return { name, nsPerOp: sorted[Math.floor(sorted.length / 2)] };
  });
  report(`Sampling: shouldSample() per call (median of ${passes} passes)`, results, 'SDK TraceIdRatioBased(0.1)');
  if (sink === -1) console.log(sink); // keeps the calls observable
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSamplingBench();
}

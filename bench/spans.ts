/**
 * The cost of one span start+end: the no-op API, the raw SDK (AlwaysOff; AlwaysOn with its
 * BatchSpanProcessor) and tracewise (unsampled; sampled; each with metrics on and off). Every
 * SDK-based case batches into the same discarding exporter, so the figures compare the span
 * path, not the network. Each case runs in a fresh child process: in one process, whichever case
 * runs later finds call sites the earlier ones made polymorphic, which skews the ratios.
 * Targets (issue 2): tracewise unsampled <= 0.8x raw AlwaysOff; sampled <= 1.0x raw AlwaysOn.
 * Target (issue 6): metrics on costs <= 5% over metrics off on the sampled path.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ProxyTracerProvider, type Tracer } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { initTracing, type TracingConfig } from '../src/index.js';
import { measure, report, type BenchResult } from './harness.js';

const discard: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: () => Promise.resolve(),
};

function sdkTracer(sampler: 'on' | 'off'): Tracer {
  const provider = new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: sampler === 'on' ? new AlwaysOnSampler() : new AlwaysOffSampler() }),
    spanProcessors: [new BatchSpanProcessor(discard)],
  });
  return provider.getTracer('bench');
}

const tracewise = (config: TracingConfig) => () =>
  initTracing({ serviceName: 'bench', exporter: discard, flushOnExit: false, logLevel: 'error', ...config }).tracer;

/** Each case builds its tracer; tracewise is always initialised so every case has the same context manager. */
const CASES: Record<string, () => Tracer> = {
  'no-op API': () => (tracewise({ samplingRate: 0 })(), new ProxyTracerProvider().getTracer('bench')),
  'raw SDK AlwaysOff': () => (tracewise({ samplingRate: 0 })(), sdkTracer('off')),
  'tracewise unsampled': tracewise({ samplingRate: 0 }),
  'tracewise unsampled, metrics off': tracewise({ samplingRate: 0, metrics: false }),
  'raw SDK AlwaysOn + BSP': () => (tracewise({ samplingRate: 0 })(), sdkTracer('on')),
  'tracewise sampled': tracewise({}),
  'tracewise sampled, metrics off': tracewise({ metrics: false }),
};

const attrs = { 'http.route': '/orders/:id', 'http.request.method': 'GET' };

function runCase(name: string): BenchResult {
  const tracer = CASES[name]();
  return measure(name, () => tracer.startSpan('op', { attributes: attrs }).end(), { iterations: 50_000, rounds: 21 });
}

export async function runSpanBench(): Promise<BenchResult[]> {
  const self = fileURLToPath(import.meta.url);
  const results = Object.keys(CASES).map(
    (name) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', self, '--case', name], { encoding: 'utf8' })) as BenchResult,
  );
  const by = (n: string) => results.find((r) => r.name === n)!;
  report('span start+end (ns/op, 2 attributes; each case in its own process)', results, 'raw SDK AlwaysOff');
  const ratio = (a: string, b: string) => (by(a).nsPerOp / by(b).nsPerOp).toFixed(2);
  console.log(`\ntracewise unsampled / raw SDK AlwaysOff     = ${ratio('tracewise unsampled', 'raw SDK AlwaysOff')} (target <= 0.80)`);
  console.log(`tracewise sampled   / raw SDK AlwaysOn + BSP = ${ratio('tracewise sampled', 'raw SDK AlwaysOn + BSP')} (target <= 1.00)`);
  console.log(
    `metrics on / off: unsampled ${ratio('tracewise unsampled', 'tracewise unsampled, metrics off')}, ` +
      `sampled ${ratio('tracewise sampled', 'tracewise sampled, metrics off')} (target <= 1.05)`,
  );
  return results;
}

const caseArg = process.argv.indexOf('--case');
if (caseArg > 0) {
  process.stdout.write(JSON.stringify(runCase(process.argv[caseArg + 1])));
  process.exit(0);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await runSpanBench();
}

/**
 * The cost of one span start+end, in one run: the no-op API, the raw SDK (AlwaysOff; AlwaysOn
 * with its BatchSpanProcessor) and tracewise (unsampled; sampled). Every SDK-based case batches
 * into the same discarding exporter, so the figures compare the span path, not the network.
 * Targets (issue 2): tracewise unsampled <= 0.8x raw AlwaysOff; sampled <= 1.0x raw AlwaysOn.
 */
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

const attrs = { 'http.route': '/orders/:id', 'http.request.method': 'GET' };
const startEnd = (t: Tracer) => () => t.startSpan('op', { attributes: attrs }).end();
const OPTS = { iterations: 50_000, rounds: 21 };

/** Measures `fn` while a tracewise instance with `config` is the live one (it is a singleton). */
async function withTracewise(name: string, config: TracingConfig): Promise<BenchResult> {
  const tracing = initTracing({ serviceName: 'bench', exporter: discard, flushOnExit: false, logLevel: 'error', ...config });
  const result = measure(name, startEnd(tracing.tracer), OPTS);
  await tracing.shutdown();
  return result;
}

export async function runSpanBench(): Promise<BenchResult[]> {
  // The raw SDK cases run while a tracewise instance is live, so all cases share the same
  // globally registered AsyncLocalStorage context manager.
  const holder = initTracing({ serviceName: 'bench', exporter: discard, flushOnExit: false, logLevel: 'error' });
  const noop = measure('no-op API', startEnd(new ProxyTracerProvider().getTracer('bench')), OPTS);
  const rawOff = measure('raw SDK AlwaysOff', startEnd(sdkTracer('off')), OPTS);
  const rawOn = measure('raw SDK AlwaysOn + BSP', startEnd(sdkTracer('on')), OPTS);
  await holder.shutdown();
  const twOff = await withTracewise('tracewise unsampled', { samplingRate: 0 });
  const twOn = await withTracewise('tracewise sampled', {});

  const results = [noop, rawOff, twOff, rawOn, twOn];
  report('span start+end (ns/op, 2 attributes)', results, 'raw SDK AlwaysOff');
  console.log(`\ntracewise unsampled / raw SDK AlwaysOff     = ${(twOff.nsPerOp / rawOff.nsPerOp).toFixed(2)} (target <= 0.80)`);
  console.log(`tracewise sampled   / raw SDK AlwaysOn + BSP = ${(twOn.nsPerOp / rawOn.nsPerOp).toFixed(2)} (target <= 1.00)`);
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runSpanBench();
}

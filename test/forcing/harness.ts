/**
 * The tracer path of initTracing() without the OTLP exporter: tracewise's tracer over an SDK
 * provider, a withForcing() sampler, and a ForcingBuffer whose export processor is a real
 * SimpleSpanProcessor into an InMemorySpanExporter (head-sampled spans go there too).
 */
import { ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { ForcingBuffer } from '../../src/forcing/forcingBuffer.js';
import type { ForcingOptions } from '../../src/forcing/forcingOptions.js';
import { forcingOptionsOf, withForcing } from '../../src/forcing/withForcing.js';
import { FastIdGenerator } from '../../src/ids/fastIdGenerator.js';
import { PreDecidedSampler } from '../../src/tracer/preDecidedSampler.js';
import { TracewiseTracer, type TracerCore } from '../../src/tracer/tracewiseTracer.js';

export interface Harness {
  tracer: TracewiseTracer;
  buffer: ForcingBuffer;
  exporter: InMemorySpanExporter;
  sampler: Sampler;
  /** Exported spans by name (throws when a name is missing or repeated). */
  byName(name: string): ReadableSpan;
  exported(): ReadableSpan[];
  /** Starts `name` as a child of `parent` (a root when undefined), with an explicit context. */
  start(name: string, parent?: Span | Context, options?: Parameters<TracewiseTracer['startSpan']>[1]): Span;
  shutdown(): Promise<void>;
}

export function forcingHarness(options: ForcingOptions, head: Sampler = new AlwaysOffSampler()): Harness {
  const sampler = withForcing(head, options);
  const buffer = new ForcingBuffer(forcingOptionsOf(sampler)!);
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  const resource = resourceFromAttributes({ 'service.name': 'forcing-test' });
  const ids = new FastIdGenerator();
  const preDecided = new PreDecidedSampler(() => sampler);
  const core: TracerCore = {
    sampler,
    ids,
    preDecided,
    provenance: { 'tracewise.sampler': sampler.toString() },
    forcing: buffer,
    counters: undefined,
  };
  const provider = new BasicTracerProvider({ resource, sampler: preDecided, idGenerator: ids, spanProcessors: [buffer, processor] });
  buffer.attach({ processor, resource, scope: { name: 'forcing-test' } });
  const tracer = new TracewiseTracer(provider.getTracer('forcing-test'), core);
  const exported = () => exporter.getFinishedSpans();
  return {
    tracer,
    buffer,
    exporter,
    sampler,
    exported,
    byName(name) {
      const found = exported().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`${found.length} spans named ${name} among ${exported().map((s) => s.name).join(', ')}`);
      return found[0];
    },
    start(name, parent, opts) {
      const ctx = parent === undefined ? ROOT_CONTEXT : 'spanContext' in parent ? trace.setSpan(ROOT_CONTEXT, parent) : parent;
      return tracer.startSpan(name, opts, ctx);
    },
    shutdown: () => provider.shutdown(),
  };
}

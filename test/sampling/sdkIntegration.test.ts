import { describe, it, expect } from 'vitest';
import { ROOT_CONTEXT, trace, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_TRACEWISE_SAMPLER, ATTR_TRACEWISE_SAMPLING_PROBABILITY } from '../../src/sampling/attributes.js';
import { headSampler } from '../../src/sampling/headSampler.js';
import { ruleSampler } from '../../src/sampling/ruleSampler.js';
import { alwaysOff } from '../../src/sampling/alwaysOff.js';

function setup(sampler: Sampler): { tracer: Tracer; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer('test'), exporter };
}

describe('with the OTel SDK (BasicTracerProvider)', () => {
  it('kept traces carry ot=th and provenance on the root and every child; dropped ones are not exported', () => {
    const { tracer, exporter } = setup(headSampler({ ratio: 0.25 }));
    let keptRoots = 0;
    for (let i = 0; i < 400; i++) {
      const root = tracer.startSpan('root');
      const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
      if (root.isRecording()) keptRoots++;
      expect(child.isRecording()).toBe(root.isRecording());
      child.end();
      root.end();
    }
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBe(2 * keptRoots);
    expect(keptRoots).toBeGreaterThan(60);
    for (const s of spans) {
      expect(s.spanContext().traceState?.serialize()).toBe('ot=th:c');
      expect(s.attributes[ATTR_TRACEWISE_SAMPLING_PROBABILITY]).toBe(0.25);
      expect(s.attributes[ATTR_TRACEWISE_SAMPLER]).toBe(
        s.name === 'root' ? 'HeadSampler{ratio=0.25, th=c}' : 'ParentBased{root=HeadSampler{ratio=0.25, th=c}}',
      );
    }
  });

  it('the outgoing traceparent/tracestate carry the decision to the next service, which agrees', () => {
    const upstream = setup(headSampler({ ratio: 0.5 }));
    const downstream = setup(headSampler({ ratio: 0.01 })); // follows the parent despite its own ratio
    const propagator = new W3CTraceContextPropagator();
    let kept = 0;
    for (let i = 0; i < 50; i++) {
      const span = upstream.tracer.startSpan('call', { attributes: { i } });
      const carrier: Record<string, string> = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
      const incoming = propagator.extract(ROOT_CONTEXT, carrier, { get: (c, k) => (c as Record<string, string>)[k], keys: Object.keys });
      const server = downstream.tracer.startSpan('serve', {}, incoming);
      expect(server.isRecording()).toBe(span.isRecording());
      if (span.isRecording()) {
        kept++;
        expect(carrier.tracestate).toBe('ot=th:8');
      }
      server.end();
      span.end();
    }
    expect(kept).toBeGreaterThan(10);
    expect(downstream.exporter.getFinishedSpans()).toHaveLength(kept);
    for (const s of downstream.exporter.getFinishedSpans()) {
      expect(s.spanContext().traceState?.get('ot')).toBe('th:8');
      expect(s.attributes[ATTR_TRACEWISE_SAMPLING_PROBABILITY]).toBe(0.5);
    }
  });

  it('rule attributes seen at span start decide; a drop rule exports nothing', () => {
    const { tracer, exporter } = setup(
      ruleSampler([{ name: 'health', attributes: { 'url.path': '/health' }, sampler: alwaysOff() }], headSampler({ ratio: 1 })),
    );
    tracer.startSpan('GET', { attributes: { 'url.path': '/health' } }).end();
    tracer.startSpan('GET', { attributes: { 'url.path': '/orders' } }).end();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.attributes['url.path'])).toEqual(['/orders']);
    expect(spans[0].attributes[ATTR_TRACEWISE_SAMPLER]).toBe('fallback>HeadSampler{ratio=1, th=0}');
  });
});

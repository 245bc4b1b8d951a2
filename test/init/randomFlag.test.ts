import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { initTracing, type Tracing } from '../../src/index.js';
import { startOtlpServer, type OtlpServer } from '../helpers/otlpServer.js';

/** W3C Trace Context Level 2: the random trace-id flag (0x02). */
let server: OtlpServer;
let tracing: Tracing;
// What span processors (and so exporters) receive; the test receiver's decoder predates Span.flags.
const exported = new InMemorySpanExporter();
beforeAll(async () => {
  server = await startOtlpServer();
  tracing = initTracing(
    { endpoint: server.url, flushOnExit: false, logLevel: 'none', exportInterval: 20, spanProcessors: [new SimpleSpanProcessor(exported)] },
    {},
  );
});
afterAll(async () => {
  await tracing.shutdown();
  await server.stop();
});

const flagsOf = (headers: Record<string, string>) => headers.traceparent.slice(53);

describe('the random trace flag', () => {
  const { withSpan } = { withSpan: (name: string, fn: () => void, parent?: Record<string, string>) => tracing.instrumentation.withSpan(name, fn, parent ? { parent: tracing.instrumentation.extract(parent) } : undefined) };

  it('is set on new root traces, sampled or not, and exported', async () => {
    const out: Record<string, string> = {};
    withSpan('root', () => tracing.instrumentation.inject(out));
    expect(flagsOf(out)).toBe('03');
    const [span] = exported.getFinishedSpans();
    expect(span.name).toBe('root');
    expect(span.spanContext().traceFlags).toBe(0x03);
  });

  it('is propagated from an incoming traceparent, and not invented when absent', () => {
    const withRandom = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03' };
    const without = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const unsampledRandom = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02' };
    const a: Record<string, string> = {};
    const b: Record<string, string> = {};
    const c: Record<string, string> = {};
    withSpan('child of random', () => tracing.instrumentation.inject(a), withRandom);
    withSpan('child of non-random', () => tracing.instrumentation.inject(b), without);
    withSpan('child of unsampled random', () => tracing.instrumentation.inject(c), unsampledRandom);
    expect(flagsOf(a)).toBe('03');
    expect(flagsOf(b)).toBe('01');
    expect(flagsOf(c)).toBe('02'); // parent-based: not sampled, still random
    expect(a.traceparent.slice(3, 35)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('is set on an unsampled root too', async () => {
    await tracing.shutdown();
    tracing = initTracing({ endpoint: server.url, flushOnExit: false, logLevel: 'none', samplingRate: 0 }, {});
    const out: Record<string, string> = {};
    tracing.instrumentation.withSpan('dropped root', () => tracing.instrumentation.inject(out));
    expect(flagsOf(out)).toBe('02');
  });
});

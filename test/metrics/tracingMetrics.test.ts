import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { context, SamplingDecision, trace, TraceFlags, type Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-base';
import { initTracing, type Tracing } from '../../src/index.js';
import { startOtlpServer, type OtlpServer } from '../helpers/otlpServer.js';
import { startOtlpHttpServer } from '../helpers/otlpHttpServer.js';

/** Decides by span name, so the workload's counts are known exactly. */
const byName: Sampler = {
  shouldSample(_c, _t, name): SamplingResult {
    if (name.startsWith('keep')) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    if (name.startsWith('record')) return { decision: SamplingDecision.RECORD };
    return { decision: SamplingDecision.NOT_RECORD };
  },
  toString: () => 'ByName',
};

class TestReader extends MetricReader {
  protected onForceFlush() {
    return Promise.resolve();
  }
  protected onShutdown() {
    return Promise.resolve();
  }
}

let server: OtlpServer;
let tracing: Tracing | undefined;
beforeAll(async () => {
  server = await startOtlpServer();
});
afterAll(() => server.stop());
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  server.clear();
});

/** 10 sampled roots (each with 2 local children, one left open), 5 record-only, 20 dropped, 3 remote-parent spans. */
function workload(t: Tracing) {
  const { instrumentation } = t;
  for (let i = 0; i < 10; i++) {
    instrumentation.withSpan('keep root', () => {
      instrumentation.startSpan('keep child').end();
      instrumentation.startSpan('keep open child'); // never ended: stays live
    });
  }
  for (let i = 0; i < 5; i++) instrumentation.startSpan('record only').end();
  for (let i = 0; i < 20; i++) instrumentation.startSpan('drop me').end();
  const remote = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  for (let i = 0; i < 3; i++) instrumentation.startSpan('keep from remote', { parent: remote }).end();
}

function points(data: MetricData[], name: string): { attributes: Attributes; value: number }[] {
  const m = data.find((d) => d.descriptor.name === name);
  if (!m) throw new Error(`metric ${name} not exported; have ${data.map((d) => d.descriptor.name).join(', ')}`);
  return m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as number }));
}

describe('tracing.metrics', () => {
  it('counts a known workload exactly', async () => {
    tracing = initTracing({ sampler: byName, endpoint: server.url, flushOnExit: false, logLevel: 'none', exportInterval: 20 }, {});
    workload(tracing);
    const s = tracing.metrics.snapshot();
    expect(s.spans.started.byResult).toEqual({ RECORD_AND_SAMPLE: 33, RECORD_ONLY: 5, DROP: 20 });
    expect(s.spans.started.byParent).toEqual({ none: 10 + 5 + 20, local: 20, remote: 3 });
    expect(s.spans.started.total).toBe(58);
    expect(s.spans.ended).toBe(10 + 10 + 5 + 3);
    expect(s.spans.live).toEqual({ RECORD_AND_SAMPLE: 10, RECORD_ONLY: 0 });
    expect(s.sampler.description).toBe('SamplerControl{current=ByName}');
    expect(s.sampler.decisions).toEqual({ RECORD_AND_SAMPLE: 33, RECORD_ONLY: 5, DROP: 20 });
  });

  it('counts nothing when metrics are off', () => {
    tracing = initTracing({ sampler: byName, metrics: false, endpoint: server.url, flushOnExit: false, logLevel: 'none' }, {});
    workload(tracing);
    expect(tracing.metrics.snapshot().spans.started.total).toBe(0);
  });

  it('publishes the semantic-convention names through a real MeterProvider', async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    tracing = initTracing({ sampler: byName, meterProvider, endpoint: server.url, flushOnExit: false, logLevel: 'none' }, {});
    workload(tracing);
    const { resourceMetrics } = await reader.collect();
    const data = resourceMetrics.scopeMetrics.find((s) => s.scope.name === 'tracewise')!.metrics;
    const started = points(data, 'otel.sdk.span.started');
    const startedOf = (origin: string, result: string) =>
      started.find((p) => p.attributes['otel.span.parent.origin'] === origin && p.attributes['otel.span.sampling_result'] === result)?.value;
    expect(startedOf('none', 'RECORD_AND_SAMPLE')).toBe(10);
    expect(startedOf('local', 'RECORD_AND_SAMPLE')).toBe(20);
    expect(startedOf('remote', 'RECORD_AND_SAMPLE')).toBe(3);
    expect(startedOf('none', 'RECORD_ONLY')).toBe(5);
    expect(startedOf('none', 'DROP')).toBe(20);
    const live = points(data, 'otel.sdk.span.live');
    expect(live.find((p) => p.attributes['otel.span.sampling_result'] === 'RECORD_AND_SAMPLE')?.value).toBe(10);
    const decisions = points(data, 'tracewise.sampler.decisions');
    expect(decisions.find((p) => p.attributes['otel.span.sampling_result'] === 'DROP')?.value).toBe(20);
    await meterProvider.shutdown();
  });
  it.each([
    ['grpc', 'otlp_grpc_span_exporter'],
    ['http/protobuf', 'otlp_http_span_exporter'],
  ] as const)('labels the %s exporter %s, as the semantic conventions name it', async (protocol, type) => {
    const httpServer = protocol === 'http/protobuf' ? await startOtlpHttpServer() : undefined;
    try {
      const reader = new TestReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      const endpoint = httpServer?.url ?? server.url;
      tracing = initTracing({ sampler: byName, meterProvider, protocol, endpoint, flushOnExit: false, logLevel: 'none' }, {});
      workload(tracing);
      await tracing.forceFlush();
      const { resourceMetrics } = await reader.collect();
      const data = resourceMetrics.scopeMetrics.find((s) => s.scope.name === 'tracewise')!.metrics;
      const exported = points(data, 'otel.sdk.exporter.span.exported').filter((p) => p.attributes['error.type'] === undefined);
      expect(exported).toEqual([{ attributes: { 'otel.component.type': type, 'otel.component.name': `${type}/0` }, value: 23 }]);
      await meterProvider.shutdown();
    } finally {
      await tracing?.shutdown();
      tracing = undefined;
      await httpServer?.stop();
    }
  });

  it("calls the application's export observer next to its own metrics", async () => {
    const seen = { exported: 0, requests: 0 };
    const observer = {
      onExported(spans: number) {
        seen.exported += spans;
        seen.requests++;
      },
      onBuffered() {
        throw new Error('a throwing hook is ignored');
      },
    };
    tracing = initTracing({ sampler: byName, endpoint: server.url, flushOnExit: false, logLevel: 'none', export: { observer } }, {});
    workload(tracing);
    await tracing.forceFlush();
    expect(seen.exported).toBe(23);
    expect(seen.requests).toBeGreaterThan(0);
    expect(tracing.metrics.snapshot().spans.exported).toBe(23);
    expect(server.spans.length).toBe(23);
  });
});

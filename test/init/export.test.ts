import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { tracingWithReceiver, spanNamed } from '../helpers/tracingWithReceiver.js';

const fixture = tracingWithReceiver({ serviceName: 'checkout', serviceVersion: '1.2.3', environment: 'test' });
const init = fixture.init;
const byName = spanNamed;

describe('initTracing → OTLP/gRPC', () => {
  it('delivers spans with their resource, kind, attributes and the deciding sampler', async () => {
    const t = init({ resourceAttributes: { team: 'payments' } });
    const span = t.instrumentation.startSpan('charge', { kind: SpanKind.SERVER, attributes: { 'order.id': 42 } });
    span.end();
    await t.forceFlush();
    const [s] = await fixture.server.waitForSpans(1);
    expect(s.name).toBe('charge');
    expect(s.kind).toBe(2); // OTLP SPAN_KIND_SERVER
    expect(s.attributes['order.id']).toBe(42);
    expect(typeof s.attributes['tracewise.sampler']).toBe('string');
    // the default parentbased_always_on: the root decision is always_on's, probability 1
    expect(s.attributes['tracewise.sampler']).toBe('AlwaysOnSampler');
    expect(s.attributes['tracewise.sampling.probability']).toBe(1);
    expect(s.traceState).toBe('ot=th:0');
    expect(s.resource).toMatchObject({
      'service.name': 'checkout',
      'service.version': '1.2.3',
      'deployment.environment.name': 'test',
      team: 'payments',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'process.pid': process.pid,
    });
    expect(s.resource['host.name']).toBeTypeOf('string');
    expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('links children to parents through the active context, and root: true starts a new trace', async () => {
    const t = init();
    t.instrumentation.withSpan('parent', () => {
      t.instrumentation.withSpan('child', () => {
        t.instrumentation.startSpan('grandchild').end();
        t.instrumentation.startSpan('detached', { root: true }).end();
      });
    });
    await t.forceFlush();
    const spans = await fixture.server.waitForSpans(4);
    const parent = byName(spans, 'parent');
    const child = byName(spans, 'child');
    const grandchild = byName(spans, 'grandchild');
    const detached = byName(spans, 'detached');
    expect(parent.parentSpanId).toBe('');
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(grandchild.parentSpanId).toBe(child.spanId);
    expect(new Set([parent.traceId, child.traceId, grandchild.traceId]).size).toBe(1);
    expect(detached.traceId).not.toBe(parent.traceId);
    expect(detached.parentSpanId).toBe('');
  });

  it('accepts an explicit parent context, links and start time', async () => {
    const t = init();
    const a = t.instrumentation.startSpan('a');
    const parentCtx = trace.setSpan(t.instrumentation.extract({}), a);
    const startTime = new Date(Date.now() - 60_000);
    const b = t.instrumentation.startSpan('b', { parent: parentCtx, links: [{ context: a.spanContext(), attributes: { why: 'x' } }], startTime });
    b.end();
    a.end();
    await t.forceFlush();
    const spans = await fixture.server.waitForSpans(2);
    const sa = byName(spans, 'a');
    const sb = byName(spans, 'b');
    expect(sb.parentSpanId).toBe(sa.spanId);
    expect(sb.links).toEqual([{ traceId: sa.traceId, spanId: sa.spanId, attributes: { why: 'x' } }]);
    expect(Number(sb.startTimeUnixNano / 1_000_000n)).toBe(startTime.getTime());
  });

  it('withSpan returns the value, records a sync throw and re-throws it', async () => {
    const t = init();
    expect(t.instrumentation.withSpan('ok', () => 7)).toBe(7);
    const boom = new TypeError('bad input');
    expect(() => t.instrumentation.withSpan('sync-fail', () => { throw boom; })).toThrow(boom);
    await t.forceFlush();
    const spans = await fixture.server.waitForSpans(2);
    expect(byName(spans, 'ok').status.code).toBe(0);
    const failed = byName(spans, 'sync-fail');
    expect(failed.status).toEqual({ code: 2, message: 'bad input' });
    expect(failed.events).toHaveLength(1);
    expect(failed.events[0].name).toBe('exception');
    expect(failed.events[0].attributes['exception.type']).toBe('TypeError');
    expect(failed.events[0].attributes['exception.message']).toBe('bad input');
    expect(String(failed.events[0].attributes['exception.stacktrace'])).toContain('bad input');
  });

  it('withSpan awaits promises, records a rejection and re-throws it', async () => {
    const t = init();
    await expect(t.instrumentation.withSpan('async-ok', async () => 'v')).resolves.toBe('v');
    await expect(
      t.instrumentation.withSpan('async-fail', async () => {
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('db down');
      }),
    ).rejects.toThrow('db down');
    // a non-Error rejection is still recorded
    await expect(t.instrumentation.withSpan('odd-fail', () => Promise.reject('plain string'))).rejects.toBe('plain string');
    await t.forceFlush();
    const spans = await fixture.server.waitForSpans(3);
    expect(byName(spans, 'async-ok').status.code).toBe(0);
    const failed = byName(spans, 'async-fail');
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.durationMs).toBeGreaterThanOrEqual(4);
    expect(failed.events[0].attributes['exception.message']).toBe('db down');
    expect(byName(spans, 'odd-fail').status).toEqual({ code: 2, message: 'plain string' });
  });

  it('the span is active inside withSpan, also across await', async () => {
    const t = init();
    await t.instrumentation.withSpan('outer', async (outer) => {
      await new Promise((r) => setTimeout(r, 1));
      expect(trace.getActiveSpan()?.spanContext().spanId).toBe(outer.spanContext().spanId);
      expect(t.instrumentation.logContext()).toEqual({
        trace_id: outer.spanContext().traceId,
        span_id: outer.spanContext().spanId,
        trace_flags: '03', // sampled + W3C Level 2 random
      });
    });
    expect(t.instrumentation.logContext()).toBeUndefined();
  });

  it('recordError adds the exception, ERROR status and extra attributes', async () => {
    const t = init();
    const span = t.instrumentation.startSpan('manual');
    t.instrumentation.recordError(span, new RangeError('too big'), { 'order.id': 'o-1' });
    span.end();
    await t.forceFlush();
    const [s] = await fixture.server.waitForSpans(1);
    expect(s.status).toEqual({ code: 2, message: 'too big' });
    expect(s.attributes['order.id']).toBe('o-1');
    expect(s.events[0].attributes['exception.type']).toBe('RangeError');
  });

  it('shutdown() flushes every ended span, is idempotent, and unregisters the globals', async () => {
    const t = init({ exportInterval: 60_000 }); // nothing leaves on a timer before shutdown
    for (let i = 0; i < 300; i++) t.instrumentation.startSpan(`s${i}`).end();
    const p1 = t.shutdown();
    const p2 = t.shutdown();
    expect(p2).toBe(p1);
    await p1;
    expect(fixture.server.spans).toHaveLength(300);
    expect(new Set(fixture.server.spans.map((s) => s.spanId)).size).toBe(300);
    // after shutdown a new initTracing() builds a fresh instance
    const again = init();
    expect(again).not.toBe(t);
    expect(again.registration.tracerProvider).toBe(true);
  });

  it('sends the configured headers as gRPC metadata', async () => {
    const t = init({ headers: { 'x-api-key': 'secret-123' } });
    t.instrumentation.startSpan('with-headers').end();
    await t.forceFlush();
    await fixture.server.waitForSpans(1);
    expect(fixture.server.requests[0].metadata['x-api-key']).toBe('secret-123');
  });

  it('trace.getTracer() from the global API goes through tracewise (instrumentations get spans too)', async () => {
    const t = init();
    const other = trace.getTracer('some-instrumentation', '1.0.0');
    t.instrumentation.withSpan('app', () => other.startSpan('lib').end());
    await t.forceFlush();
    const spans = await fixture.server.waitForSpans(2);
    const lib = byName(spans, 'lib');
    expect(lib.scope).toBe('some-instrumentation');
    expect(lib.parentSpanId).toBe(byName(spans, 'app').spanId);
  });
});

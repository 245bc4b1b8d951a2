import { describe, expect, it } from 'vitest';
import { context, propagation, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { initTracing, InvalidConfigError, type Tracing } from '../../src/index.js';
import type { TracingConfig } from '../../src/config.js';
import { withForcing } from '../../src/forcing/withForcing.js';
import { forcingStatsOf } from '../../src/forcing/forcingStatsOf.js';
import { headSampler } from '../../src/sampling/headSampler.js';
import type { ReceivedSpan } from '../helpers/otlpServer.js';
import { spanNamed, tracingWithReceiver } from '../helpers/tracingWithReceiver.js';

const fixture = tracingWithReceiver({ serviceName: 'forcing' });

const init = (config: TracingConfig): Tracing => fixture.init(config);

const byName = spanNamed;

const under = (span: Span) => trace.setSpan(context.active(), span);

/** Waits a little longer than the export interval, for spans that must not arrive. */
const settle = () => new Promise((r) => setTimeout(r, 200));

describe('forcing through initTracing → OTLP/gRPC', () => {
  it('an error in a deep child delivers the whole local trace, parent links intact; a fast OK trace is dropped', async () => {
    const t = init({ sampler: { ratio: 0, forceErrors: true, forceSlowerThanMs: 2000 } });
    const i = t.instrumentation;
    i.withSpan('fast-ok', () => i.withSpan('fast-child', () => 1));
    await i.withSpan('GET /orders/:id', async () => {
      i.withSpan('auth', () => 1);
      await i.withSpan('load', async () => {
        await i.withSpan('db.query', async () => {
          await new Promise((r) => setTimeout(r, 2));
          i.withSpan('decode', (span) => span.setStatus({ code: SpanStatusCode.ERROR, message: 'corrupt row' }));
        });
      });
    }).catch(() => {});
    await t.forceFlush();
    const spans = await fixture.server.waitForSpans(5);
    await settle();
    expect(fixture.server.spans.map((s) => s.name).sort()).toEqual(['GET /orders/:id', 'auth', 'db.query', 'decode', 'load']);
    const root = byName(spans, 'GET /orders/:id');
    expect(root.parentSpanId).toBe('');
    expect(byName(spans, 'auth').parentSpanId).toBe(root.spanId);
    expect(byName(spans, 'load').parentSpanId).toBe(root.spanId);
    expect(byName(spans, 'db.query').parentSpanId).toBe(byName(spans, 'load').spanId);
    expect(byName(spans, 'decode').parentSpanId).toBe(byName(spans, 'db.query').spanId);
    expect(byName(spans, 'decode').status).toEqual({ code: 2, message: 'corrupt row' });
    for (const s of spans) {
      expect(s.traceId).toBe(root.traceId);
      expect(s.attributes['tracewise.forced']).toBe('error');
      expect(s.traceState).not.toMatch(/th:/);
      expect(s.resource['service.name']).toBe('forcing');
      expect(s.scope).toBe('forcing');
    }
  });

  it('keeps a slow root', async () => {
    const t = init({ sampler: { ratio: 0, forceSlowerThanMs: 50 } });
    const i = t.instrumentation;
    await i.withSpan('slow', async () => {
      await new Promise((r) => setTimeout(r, 60));
      i.startSpan('inside').end();
    });
    i.withSpan('quick', () => 1);
    await t.forceFlush();
    const spans = await fixture.server.waitForSpans(2);
    await settle();
    expect(fixture.server.spans.map((s) => s.name).sort()).toEqual(['inside', 'slow']);
    expect(byName(spans, 'slow').durationMs).toBeGreaterThanOrEqual(50);
    for (const s of spans) expect(s.attributes['tracewise.forced']).toBe('latency');
  });

  it('leaves head-sampled traces as they were (th kept, no forced attribute)', async () => {
    const sampler = withForcing(headSampler({ ratio: 1 }), { forceSlowerThanMs: 1 });
    expect(forcingStatsOf(sampler)).toBeUndefined();
    const t = init({ sampler });
    expect(forcingStatsOf(sampler)).toMatchObject({ bufferedTraces: 0, discardedSpans: 0 });
    t.instrumentation.withSpan('sampled', () => t.instrumentation.startSpan('child').end());
    await t.forceFlush();
    const spans = await fixture.server.waitForSpans(2);
    for (const s of spans) {
      expect(s.attributes['tracewise.forced']).toBeUndefined();
      expect(s.attributes['tracewise.sampler']).toMatch(/HeadSampler/);
      expect(s.traceState).toBe('ot=th:0');
    }
    expect(forcingStatsOf(sampler)).toMatchObject({ bufferedTraces: 0, discardedSpans: 0, kept: { error: 0, latency: 0, predicate: 0 } });
  });

  it('forced spans carry the allowed baggage attributes, like head-sampled ones', async () => {
    const t = init({ sampler: { ratio: 0 }, baggage: { allow: ['tenant'] } });
    const ctx = propagation.setBaggage(context.active(), propagation.createBaggage({ tenant: { value: 'acme' }, secret: { value: 'x' } }));
    context.with(ctx, () => t.instrumentation.withSpan('failing', (span) => span.setStatus({ code: SpanStatusCode.ERROR })));
    await t.forceFlush();
    const [s] = await fixture.server.waitForSpans(1);
    expect(s.attributes).toMatchObject({ 'baggage.tenant': 'acme', 'tracewise.forced': 'error' });
    expect(s.attributes['baggage.secret']).toBeUndefined();
  });

  it('shutdown decides undecided traces as on timeout', async () => {
    const t = init({ sampler: { ratio: 0, forceWhen: (s) => s.attributes['http.response.status_code'] === 503 } });
    const i = t.instrumentation;
    const flagged = i.startSpan('never-ended');
    i.startSpan('call', { parent: under(flagged), attributes: { 'http.response.status_code': 503 } }).end();
    const plain = i.startSpan('also-never-ended');
    i.startSpan('other', { parent: under(plain) }).end();
    await settle();
    expect(fixture.server.spans).toHaveLength(0);
    await t.shutdown();
    const spans = await fixture.server.waitForSpans(1);
    await settle();
    expect(spans.map((s) => [s.name, s.attributes['tracewise.forced']])).toEqual([['call', 'predicate']]);
  });

  it('reports forcing in tracing.metrics', () => {
    const t = init({ sampler: { ratio: 0, buffer: { maxTraces: 1 } } });
    const i = t.instrumentation;
    for (let n = 0; n < 3; n++) i.startSpan('child', { parent: under(i.startSpan('open')) }).end();
    i.withSpan('a', () => i.startSpan('b').end());
    const snap = t.metrics.snapshot();
    expect(snap.sampler.description).toMatch(/^Forcing\{head=SamplerControl\{current=ParentBased\{root=HeadSampler\{ratio=0/);
    expect(snap.spans.started.byResult.RECORD_ONLY).toBe(8);
    expect(snap.spans.live.RECORD_ONLY).toBe(3); // the open roots
    expect(snap.spans.dropped.byReason).toEqual({ forcing_evicted: 3 }); // the third open trace too, for 'a'
    expect(snap.forcing).toMatchObject({ evictedTraces: 3, evictedSpans: 3, bufferedTraces: 0, discardedSpans: 2 }); // 'a' and 'b', decided when 'a' ended
  });

  it('a forced span keeps the instrumentation scope of the tracer that started it', async () => {
    const t = init({ sampler: { ratio: 0, forceErrors: true } });
    const lib = trace.getTracer('some-library', '2.1.0');
    t.instrumentation.withSpan('app', () => {
      const s = lib.startSpan('library call');
      s.setStatus({ code: SpanStatusCode.ERROR });
      s.end();
    });
    await t.forceFlush();
    const spans = await fixture.server.waitForSpans(2);
    expect(byName(spans, 'library call').scope).toBe('some-library');
    expect(byName(spans, 'app').scope).toBe('forcing');
    expect(byName(spans, 'library call').attributes['tracewise.forced']).toBe('error');
  });
});

describe('the sampler option', () => {
  const bad: [unknown, string][] = [
    [{}, 'sampler'],
    [42, 'sampler'],
    [{ ratio: 2 }, 'sampler.ratio'],
    [{ head: {}, forceErrors: true }, 'sampler.head'],
    [{ head: headSampler({ ratio: 0.1 }), ratio: 0.1 }, 'sampler.ratio'],
    [{ forceSlowerThanMs: -1 }, 'sampler.forceSlowerThanMs'],
    [{ forceErrors: 'yes' }, 'sampler.forceErrors'],
    [{ latencyScope: 'all' }, 'sampler.latencyScope'],
    [{ forceWhen: 'status >= 500' }, 'sampler.forceWhen'],
    [{ forceErrors: true, buffer: { maxBytes: 10 } }, 'sampler.buffer.maxBytes'],
    [{ forceErrors: true, buffer: { maxTraces: 1.5 } }, 'sampler.buffer.maxTraces'],
    [{ forceErrors: true, buffer: { size: 1 } }, 'sampler.buffer.size'],
    [{ forceErrors: true, forceLatency: 1 }, 'sampler.forceLatency'],
  ];
  const label = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x?.shouldSample === 'function' ? '<sampler>' : x));
  for (const [sampler, option] of bad) {
    it(`rejects ${label(sampler)} naming \`${option}\``, () => {
      let err: unknown;
      try {
        initTracing({ sampler: sampler as never, flushOnExit: false, logLevel: 'none' }, {});
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidConfigError);
      expect((err as InvalidConfigError).option).toBe(option);
    });
  }

  it('with nothing to force, the object form is just its head', () => {
    const t = init({ sampler: { ratio: 0.25, forceErrors: false } });
    expect(t.metrics.snapshot().sampler.description).toMatch(/^SamplerControl\{current=ParentBased\{root=HeadSampler\{ratio=0.25/);
  });
});

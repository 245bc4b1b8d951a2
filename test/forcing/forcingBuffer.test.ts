import { afterEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel, ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags, type DiagLogger, type Span } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { AlwaysOnSampler, SamplingDecision, type ReadableSpan, type Sampler } from '@opentelemetry/sdk-trace-base';
import { FORCED_ATTRIBUTE } from '../../src/forcing/forcedReason.js';
import { isProvisional, type ProvisionalSpan } from '../../src/forcing/provisionalSpan.js';
import { forcingHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.shutdown();
  h = undefined;
  diag.disable();
});

function use(harness: Harness): Harness {
  h = harness;
  return harness;
}

const parentId = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('forcing: what is kept', () => {
  it('an error in a deep child keeps the whole local trace, parent links intact', () => {
    const { start, byName, exported, buffer } = use(forcingHarness({ forceErrors: true }));
    const root = start('root');
    const a = start('a', root);
    const b = start('b', a);
    const c = start('c', b);
    const sibling = start('sibling', root);
    sibling.end();
    c.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    c.end();
    b.end();
    a.end();
    root.end();

    expect(exported().map((s) => s.name).sort()).toEqual(['a', 'b', 'c', 'root', 'sibling']);
    const [r, sa, sb, sc, ss] = ['root', 'a', 'b', 'c', 'sibling'].map(byName);
    expect(r.parentSpanContext).toBeUndefined();
    expect(parentId(sa)).toBe(r.spanContext().spanId);
    expect(parentId(sb)).toBe(sa.spanContext().spanId);
    expect(parentId(sc)).toBe(sb.spanContext().spanId);
    expect(parentId(ss)).toBe(r.spanContext().spanId);
    for (const s of exported()) {
      expect(s.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(s.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(TraceFlags.SAMPLED);
      expect(s.attributes[FORCED_ATTRIBUTE]).toBe('error');
      expect(s.resource.attributes['service.name']).toBe('forcing-test');
      expect(s.instrumentationScope.name).toBe('forcing-test');
    }
    expect(sc.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    // The application's own span keeps its unsampled context: that flag was propagated.
    expect(root.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    const st = buffer.stats();
    expect(st.kept).toEqual({ error: 1, latency: 0, predicate: 0 });
    expect(st.bufferedTraces).toBe(0);
    expect(st.bufferedSpans).toBe(0);
    expect(st.estimatedBytes).toBe(0);
    // The spans that ended after the error are the trace's normal continuation, not late.
    expect(st.lateSpansKept).toBe(0);
  });

  it('recordException marks the trace as an error too', () => {
    const { start, exported } = use(forcingHarness({}));
    const root = start('root');
    const child = start('child', root);
    child.recordException(new TypeError('nope'));
    child.end();
    root.end();
    expect(exported()).toHaveLength(2);
    const ex = exported().find((s) => s.name === 'child')!.events[0];
    expect(ex.name).toBe('exception');
    expect(ex.attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'nope' });
  });

  it('keeps a slow root, drops a fast OK trace', () => {
    const { start, exported, buffer } = use(forcingHarness({ forceSlowerThanMs: 2000 }));
    const slow = start('slow', undefined, { startTime: Date.now() - 2500 });
    start('slow-child', slow).end();
    slow.end();
    const fast = start('fast');
    start('fast-child', fast).end();
    fast.end();

    expect(exported().map((s) => s.name).sort()).toEqual(['slow', 'slow-child']);
    for (const s of exported()) expect(s.attributes[FORCED_ATTRIBUTE]).toBe('latency');
    const root = exported().find((s) => s.name === 'slow')!;
    expect(root.duration[0]).toBeGreaterThanOrEqual(2);
    const st = buffer.stats();
    expect(st.kept.latency).toBe(1);
    expect(st.discardedSpans).toBe(2);
  });

  it('latencyScope: a slow child counts only with "any"', () => {
    for (const [scope, kept] of [['root', 0], ['any', 2]] as const) {
      const t = forcingHarness({ forceErrors: false, forceSlowerThanMs: 1000, latencyScope: scope });
      const root = t.start('root');
      t.start('slow-child', root, { startTime: Date.now() - 1500 }).end();
      root.end();
      expect(t.exported()).toHaveLength(kept);
      void t.shutdown();
    }
  });

  it('a predicate on ended spans keeps the trace; a throwing one is reported once and counts as false', () => {
    const lines: string[] = [];
    const logger: DiagLogger = { error: (m) => lines.push(m), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} };
    diag.setLogger(logger, { logLevel: DiagLogLevel.ERROR, suppressOverrideMessage: true });
    const { start, exported, buffer } = use(
      forcingHarness({
        forceWhen: (s) => {
          if (s.attributes.explode) throw new Error('bad predicate');
          return Number(s.attributes['http.response.status_code']) >= 500;
        },
      }),
    );
    const kept = start('kept');
    start('upstream', kept, { attributes: { 'http.response.status_code': 503 } }).end();
    kept.end();
    for (let i = 0; i < 3; i++) {
      const root = start('exploding', undefined, { attributes: { explode: true } });
      root.end();
    }
    expect(exported().map((s) => s.name).sort()).toEqual(['kept', 'upstream']);
    expect(exported()[0].attributes[FORCED_ATTRIBUTE]).toBe('predicate');
    expect(buffer.stats().kept.predicate).toBe(1);
    expect(lines.filter((l) => l.includes('forceWhen'))).toHaveLength(1);
  });

  it('leaves head-sampled traces alone', () => {
    const { start, exported, buffer } = use(forcingHarness({ forceSlowerThanMs: 1 }, new AlwaysOnSampler()));
    const root = start('root');
    const child = start('child', root);
    child.setStatus({ code: SpanStatusCode.ERROR });
    child.end();
    root.end();
    expect(exported()).toHaveLength(2);
    for (const s of exported()) {
      expect(s.attributes[FORCED_ATTRIBUTE]).toBeUndefined();
      expect(s.constructor.name).toBe('SpanImpl');
    }
    expect(buffer.stats()).toMatchObject({ bufferedTraces: 0, kept: { error: 0, latency: 0, predicate: 0 }, discardedSpans: 0 });
  });

  it('children of a provisional span are provisional, whatever the head would say for them', () => {
    // Not parent-based: it would sample every span but the one named "root".
    const head: Sampler = {
      shouldSample: (_c, _t, name) => ({ decision: name === 'root' ? SamplingDecision.NOT_RECORD : SamplingDecision.RECORD_AND_SAMPLED }),
      toString: () => 'all-but-root',
    };
    const { start, exported } = use(forcingHarness({}, head));
    const root = start('root');
    const child = start('child', root);
    expect(child.constructor.name).toBe('ProvisionalSpan');
    child.setStatus({ code: SpanStatusCode.ERROR });
    child.end();
    root.end();
    expect(exported().map((s) => [s.name, s.attributes[FORCED_ATTRIBUTE]])).toEqual([
      ['child', 'error'],
      ['root', 'error'],
    ]);
  });

  it('erases th from the kept spans, keeping other ot sub-keys and other members', () => {
    const incoming = new TraceState('vendor=abc,ot=th:c;rv:0123456789abcd;x:1');
    const head: Sampler = {
      shouldSample: () => ({ decision: SamplingDecision.NOT_RECORD, traceState: incoming }),
      toString: () => 'drops-with-th',
    };
    const { start, exported } = use(forcingHarness({}, head));
    const root = start('root');
    root.setStatus({ code: SpanStatusCode.ERROR });
    root.end();
    const ts = exported()[0].spanContext().traceState!;
    expect(ts.get('ot')).toBe('rv:0123456789abcd;x:1');
    expect(ts.get('vendor')).toBe('abc');
  });

  it('records the local part under a remote unsampled parent, and keeps it on error', () => {
    const { tracer, exported } = use(forcingHarness({}));
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    const server = tracer.startSpan('server', {}, remote);
    const db = tracer.startSpan('db', {}, trace.setSpan(ROOT_CONTEXT, server));
    db.setStatus({ code: SpanStatusCode.ERROR });
    db.end();
    server.end();
    const s = exported().find((x) => x.name === 'server')!;
    expect(exported()).toHaveLength(2);
    expect(s.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(s.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });
});

describe('forcing: deferred attributes', () => {
  it('are computed only for spans that are kept, once, and exported with them', () => {
    const { start, exported } = use(forcingHarness({ forceErrors: true }));
    let calls = 0;
    const source = { deferredAttributes: () => (calls++, { 'late.attr': 'computed' }) };
    for (const fail of [false, true, false]) {
      const span = start(fail ? 'failing' : 'ok', undefined, { attributes: { early: 1 } });
      expect(isProvisional(span)).toBe(true);
      (span as ProvisionalSpan).deferAttributes(source);
      if (fail) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    expect(calls).toBe(1);
    expect(exported().map((s) => [s.name, s.attributes])).toEqual([['failing', { early: 1, 'late.attr': 'computed', [FORCED_ATTRIBUTE]: 'error' }]]);
  });
});

describe('forcing: after the decision', () => {
  it('late spans follow the decision: kept ones are exported as they end, dropped ones are not', () => {
    const { start, exported, buffer } = use(forcingHarness({ forceSlowerThanMs: 1000 }));
    const slow = start('slow', undefined, { startTime: Date.now() - 1500 });
    const pending = start('pending', slow);
    slow.end();
    expect(exported().map((s) => s.name)).toEqual(['slow']);
    const later = start('started-after', slow);
    pending.end();
    later.end();
    expect(exported().map((s) => s.name).sort()).toEqual(['pending', 'slow', 'started-after']);
    expect(exported().find((s) => s.name === 'pending')!.attributes[FORCED_ATTRIBUTE]).toBe('latency');
    expect(buffer.stats().lateSpansKept).toBe(2);

    const fast = start('fast');
    const open = start('open', fast);
    fast.end();
    expect(open.isRecording()).toBe(false);
    open.setStatus({ code: SpanStatusCode.ERROR }); // too late: the trace was decided
    open.end();
    const afterDrop = start('after-drop', fast);
    expect(afterDrop.isRecording()).toBe(false);
    afterDrop.end();
    expect(exported()).toHaveLength(3);
    expect(buffer.stats().lateSpansDropped).toBe(2);
  });

  it('another local part of a kept trace (a later request of the same trace) is kept too', () => {
    const { tracer, exported } = use(forcingHarness({}));
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    const first = tracer.startSpan('first-request', {}, remote);
    first.setStatus({ code: SpanStatusCode.ERROR });
    first.end();
    const retry = tracer.startSpan('retry', {}, remote);
    retry.end();
    const unrelated = tracer.startSpan('unrelated');
    unrelated.end();
    expect(exported().map((s) => s.name).sort()).toEqual(['first-request', 'retry']);
    expect(exported().find((s) => s.name === 'retry')!.attributes[FORCED_ATTRIBUTE]).toBe('error');
  });

  it('decides a trace whose root never ends after traceTimeoutMs (injected clock)', () => {
    let now = 0;
    const clock = () => now;
    const { start, exported, buffer } = use(
      forcingHarness({ forceWhen: (s) => s.attributes.flag === true, buffer: { traceTimeoutMs: 10_000, clock } }),
    );
    const dropped = start('never-ends-ok');
    start('child-ok', dropped).end();
    now = 1000;
    const kept = start('never-ends-flagged');
    start('child-flagged', kept, { attributes: { flag: true } }).end();

    now = 10_500;
    expect(buffer.sweep()).toBe(1);
    expect(buffer.stats()).toMatchObject({ timedOutTraces: 1, discardedSpans: 1, bufferedTraces: 1 });
    expect(exported()).toHaveLength(0);

    // The next new root also sweeps.
    now = 11_000;
    start('fresh');
    expect(buffer.stats()).toMatchObject({ timedOutTraces: 2, kept: { predicate: 1 }, bufferedTraces: 1 });
    expect(exported().map((s) => s.name)).toEqual(['child-flagged']);

    kept.end();
    dropped.end();
    expect(exported().map((s) => s.name)).toEqual(['child-flagged', 'never-ends-flagged']);
    expect(buffer.stats()).toMatchObject({ lateSpansKept: 1, lateSpansDropped: 1 });
  });

  it('a trace open longer than the latency threshold is kept at timeout', () => {
    let now = 0;
    const { start, exported, buffer } = use(
      forcingHarness({ forceSlowerThanMs: 2000, buffer: { traceTimeoutMs: 5000, clock: () => now } }),
    );
    const root = start('stuck');
    start('child', root).end();
    now = 5000;
    buffer.sweep();
    expect(exported().map((s) => [s.name, s.attributes[FORCED_ATTRIBUTE]])).toEqual([['child', 'latency']]);
  });

  it('forceFlush and shutdown decide undecided traces as on timeout', async () => {
    const { start, exported, buffer } = use(forcingHarness({ forceWhen: (s) => s.name === 'flagged' }));
    const a = start('a');
    start('flagged', a).end();
    const b = start('b');
    start('plain', b).end();
    await buffer.forceFlush();
    expect(exported().map((s) => s.name)).toEqual(['flagged']);
    expect(buffer.stats()).toMatchObject({ bufferedTraces: 0, timedOutTraces: 0, discardedSpans: 1 });
    await buffer.shutdown();
    expect(start('after-shutdown').isRecording()).toBe(false);
  });
});

describe('forcing: bounded memory', () => {
  it('maxTraces evicts the oldest undecided traces, and counts them', () => {
    const { start, buffer } = use(forcingHarness({ buffer: { maxTraces: 3 } }));
    const roots = [];
    for (let i = 0; i < 5; i++) {
      const r = start(`r${i}`);
      start('child', r).end();
      roots.push(r);
    }
    expect(buffer.stats()).toMatchObject({ bufferedTraces: 3, bufferedSpans: 3, evictedTraces: 2, evictedSpans: 2 });
    roots[0].end(); // evicted: follows its (drop) decision
    expect(buffer.stats().lateSpansDropped).toBe(1);
  });

  it('an evicted trace that already has a reason to be kept is exported instead', () => {
    const { start, exported, buffer } = use(forcingHarness({ forceWhen: (s) => s.name === 'flagged', buffer: { maxTraces: 1 } }));
    const a = start('a');
    start('flagged', a).end();
    start('b');
    expect(exported().map((s) => s.name)).toEqual(['flagged']);
    expect(buffer.stats()).toMatchObject({ evictedTraces: 0, kept: { predicate: 1 } });
    a.end();
    expect(exported().map((s) => s.name)).toEqual(['flagged', 'a']);
  });

  it('maxSpansPerTrace truncates, and the error still counts', () => {
    const { start, exported, buffer } = use(forcingHarness({ buffer: { maxSpansPerTrace: 2 } }));
    const root = start('root');
    for (let i = 0; i < 4; i++) start(`c${i}`, root).end();
    expect(buffer.stats()).toMatchObject({ bufferedSpans: 2, truncatedSpans: 2 });
    root.setStatus({ code: SpanStatusCode.ERROR });
    root.end();
    expect(exported().map((s) => s.name)).toEqual(['c0', 'c1', 'root']);
  });

  it('holds the byte cap with 100k concurrent traces, evicting the oldest', () => {
    const maxBytes = 256 * 1024;
    const { tracer, buffer } = use(forcingHarness({ buffer: { maxBytes, maxTraces: 1_000_000 } }));
    const gc = (globalThis as { gc?: () => void }).gc; // with NODE_OPTIONS=--expose-gc
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let maxSeen = 0;
    // Roots never ended: the application keeps 1 in 100 of them, the rest it forgets.
    const kept: Span[] = [];
    for (let i = 0; i < 100_000; i++) {
      const root = tracer.startSpan('request', { attributes: { 'http.route': '/orders/:id', 'url.path': `/orders/${i}` } }, ROOT_CONTEXT);
      tracer.startSpan('db', { attributes: { 'db.query.text': `SELECT * FROM orders WHERE id = ${i}` } }, trace.setSpan(ROOT_CONTEXT, root)).end();
      if (i % 100 === 0) kept.push(root);
      const b = buffer.stats().estimatedBytes;
      if (b > maxSeen) maxSeen = b;
    }
    const st = buffer.stats();
    expect(maxSeen).toBeLessThanOrEqual(maxBytes);
    expect(st.estimatedBytes).toBeLessThanOrEqual(maxBytes);
    expect(st.evictedTraces).toBeGreaterThan(90_000);
    expect(st.evictedTraces + st.bufferedTraces).toBe(100_000);
    expect(st.evictedSpans + st.bufferedSpans).toBe(100_000);
    if (gc !== undefined) {
      gc();
      // Unbounded, 100k traces would hold tens of MiB. Generous: the estimate runs ~1.2x the heap,
      // and the 1000 roots the application holds and the code compiled meanwhile count here too.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(maxBytes * 8);
    }
    // Ending evicted roots follows their decision: nothing is exported, nothing grows.
    for (const r of kept) r.end();
    expect(buffer.stats().lateSpansDropped).toBeGreaterThan(900);
  });
});

describe('provisional spans behave like SDK spans', () => {
  it('applies the default span limits and records links, events, name changes', () => {
    const { start, exported } = use(forcingHarness({}));
    const attributes: Record<string, number> = {};
    for (let i = 0; i < 130; i++) attributes[`k${i}`] = i;
    const link = { context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }, attributes: { why: 'batch' } };
    const span = start('before', undefined, { attributes, links: [link] });
    span.setAttribute('k0', 'overwritten');
    span.setAttribute('extra', 1);
    span.setAttribute('', 1);
    span.setAttribute('bad', { nested: true } as never);
    span.addEvent('e1', { a: 1 });
    span.updateName('after');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'x' });
    span.end();
    span.end(); // reported, ignored
    const s = exported()[0];
    expect(s.name).toBe('after');
    expect(Object.keys(s.attributes)).toHaveLength(129); // 128 + tracewise.forced
    expect(s.attributes.k0).toBe('overwritten');
    expect(s.droppedAttributesCount).toBe(3);
    expect(s.links).toEqual([{ context: link.context, attributes: { why: 'batch' } }]);
    expect(s.events.map((e) => e.name)).toEqual(['e1']);
    expect(s.ended).toBe(true);
  });

  it('takes start and end times as the SDK does (Date, epoch ms, HrTime), before the process started too', () => {
    const { start, exported } = use(forcingHarness({}));
    const t0 = Date.now() - 60_000;
    const a = start('date', undefined, { startTime: new Date(t0) });
    a.setStatus({ code: SpanStatusCode.ERROR });
    a.end(new Date(t0 + 1234));
    const b = start('hr', undefined, { startTime: [Math.floor(t0 / 1000), 5] });
    b.setStatus({ code: SpanStatusCode.ERROR });
    b.end(t0 + 60_000);
    const [sa, sb] = exported();
    expect(sa.startTime[0] * 1000 + Math.round(sa.startTime[1] / 1e6)).toBe(t0);
    expect(sa.duration[0]).toBe(1);
    expect(Math.round(sa.duration[1] / 1e6)).toBe(234);
    expect(sb.startTime[0]).toBe(Math.floor(t0 / 1000));
    expect(Math.abs(sb.startTime[1] - 5)).toBeLessThan(1000); // sub-microsecond
    expect(sb.endTime[0] * 1000 + Math.round(sb.endTime[1] / 1e6)).toBe(t0 + 60_000);
  });

  it('carries the W3C random flag like the tracer: on new roots, inherited from parents', () => {
    const { start, tracer, exported } = use(forcingHarness({}));
    const root = start('root');
    expect(root.spanContext().traceFlags).toBe(0x02);
    const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 0, isRemote: true });
    expect(tracer.startSpan('not-random', {}, remote).spanContext().traceFlags).toBe(0);
    root.setStatus({ code: SpanStatusCode.ERROR });
    root.end();
    expect(exported()[0].spanContext().traceFlags).toBe(0x03);
  });
});

import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type AttributeValue, type Link, type SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor, type TimedEvent } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeSpans } from '../../src/export/serializeSpans.js';
import { decodeTraceRequest } from '../helpers/otlpServer.js';

/** The official serializer's bytes, for the same spans. */
const official = (spans: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(spans)!;

// ---- generated spans: every kind of value the official encoder handles, and edge sizes of lengths

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }), // non-ASCII, multi-byte
  fc.string({ unit: 'binary', maxLength: 30 }), // lone surrogates included
  fc.string({ minLength: 40, maxLength: 200 }), // across the short-string limit and the 1-byte length
  fc.constantFrom('', 'GET', 'é', '😀', '\ud800', 'x'.repeat(127), 'x'.repeat(128), 'é'.repeat(64), 'y'.repeat(16_400)),
);
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 32, 2 ** 32 - 1, 2 ** 53, -(2 ** 53), 2 ** 63, -(2 ** 63), 2 ** 64, NaN, Infinity, -Infinity, -0, 0.5),
  fc.maxSafeInteger(),
);
const attributeValue: fc.Arbitrary<AttributeValue> = fc.oneof(
  text,
  number,
  fc.boolean(),
  fc.array(text, { maxLength: 4 }),
  fc.array(number, { maxLength: 4 }),
  fc.array(fc.boolean(), { maxLength: 3 }),
  fc.array(fc.option(text, { nil: null }), { maxLength: 3 }) as fc.Arbitrary<AttributeValue>,
);
/** What a ReadableSpan from elsewhere may carry beyond attribute values: bytes, maps, nulls. */
const anyValue = fc.oneof(
  attributeValue,
  fc.uint8Array({ maxLength: 40 }),
  fc.dictionary(fc.string({ maxLength: 8 }), attributeValue, { maxKeys: 3 }),
  fc.constant(null),
  fc.constant(undefined),
) as fc.Arbitrary<AttributeValue>;
const attributes = (values: fc.Arbitrary<AttributeValue>) => fc.dictionary(fc.oneof(fc.string({ maxLength: 30 }), text), values, { maxKeys: 8 }) as fc.Arbitrary<Attributes>;
const hrTime = fc.tuple(fc.integer({ min: 0, max: 2 ** 34 }), fc.integer({ min: 0, max: 999_999_999 })) as fc.Arbitrary<[number, number]>;
const traceState = fc.oneof(
  fc.constantFrom('ot=th:8;rv:0123456789abcd', 'vendor=value,ot=th:0', 'a=1,b=2,c=3').map((s) => new TraceState(s)),
  fc.constant(undefined),
  fc.constant(null), // hand-built contexts: the official's `?.` skips it
) as fc.Arbitrary<TraceState | undefined>;
const spanContext: fc.Arbitrary<SpanContext> = fc.record({
  traceId: hex(16),
  spanId: hex(8),
  traceFlags: fc.constantFrom(TraceFlags.NONE, TraceFlags.SAMPLED, 3, 0xff),
  traceState,
  isRemote: fc.option(fc.boolean(), { nil: undefined }),
});
const event: fc.Arbitrary<TimedEvent> = fc.record(
  { name: text, time: hrTime, attributes: attributes(anyValue), droppedAttributesCount: fc.nat(300) },
  { requiredKeys: ['name', 'time'] },
);
const link: fc.Arbitrary<Link> = fc.record({ context: spanContext, attributes: attributes(anyValue), droppedAttributesCount: fc.nat(5) }, { requiredKeys: ['context'] });

const resources: Resource[] = [
  resourceFromAttributes({ 'service.name': 'a', 'process.pid': 1234, 'host.arch': 'amd64', list: ['x', 'y'] }),
  resourceFromAttributes({ 'service.name': 'b', 'é': 'ü'.repeat(70) }),
  resourceFromAttributes({}, { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' }),
];
const scopes = [
  { name: 'tracewise' },
  { name: '@opentelemetry/instrumentation-http', version: '0.208.0', schemaUrl: 'https://opentelemetry.io/schemas/1.27.0' },
  { name: 'scoped', attributes: { 'scope.key': 'v', n: 3 }, droppedAttributesCount: 2 } as { name: string },
  { name: 'numeric-version', version: 2 } as unknown as { name: string }, // getTracer('x', 2) in plain JavaScript
];

const span: fc.Arbitrary<ReadableSpan> = fc
  .record({
    context: spanContext,
    parent: fc.option(spanContext, { nil: undefined }),
    // A number as a name: the API's types forbid it, JavaScript does not (the official writes "").
    name: fc.oneof({ weight: 9, arbitrary: text }, { weight: 1, arbitrary: fc.integer() as unknown as fc.Arbitrary<string> }),
    kind: fc.constantFrom(SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER),
    startTime: hrTime,
    endTime: hrTime,
    attributes: fc.oneof(attributes(attributeValue), attributes(anyValue)),
    events: fc.array(event, { maxLength: 3 }),
    links: fc.array(link, { maxLength: 3 }),
    status: fc.oneof(
      fc.constant({ code: SpanStatusCode.UNSET }),
      fc.record({ code: fc.constantFrom(SpanStatusCode.OK, SpanStatusCode.ERROR), message: fc.option(text, { nil: undefined }) }),
    ),
    dropped: fc.tuple(fc.nat(200), fc.nat(3), fc.nat(3)),
    resource: fc.constantFrom(...resources),
    scope: fc.constantFrom(...scopes),
  })
  .map((r) => ({
    name: r.name,
    kind: r.kind,
    spanContext: () => r.context,
    parentSpanContext: r.parent,
    startTime: r.startTime,
    endTime: r.endTime,
    duration: [0, 0],
    status: r.status,
    attributes: r.attributes,
    links: r.links,
    events: r.events,
    ended: true,
    resource: r.resource,
    instrumentationScope: r.scope,
    droppedAttributesCount: r.dropped[0],
    droppedEventsCount: r.dropped[1],
    droppedLinksCount: r.dropped[2],
  }));

describe('serializeSpans', () => {
  it('writes the same bytes as the official OTLP serializer, for generated batches of spans', () => {
    fc.assert(
      fc.property(fc.array(span, { minLength: 1, maxLength: 12 }), (spans) => {
        expect(Buffer.from(serializeSpans(spans)).equals(Buffer.from(official(spans)))).toBe(true);
      }),
      { seed: 20261121, numRuns: 1500 },
    );
  });

  it('writes the same bytes for spans recorded by the SDK, in large batches whose lengths need 3 bytes', () => {
    const ended: ReadableSpan[] = [];
    const processor: SpanProcessor = { onStart() {}, onEnd: (s) => void ended.push(s), forceFlush: async () => {}, shutdown: async () => {} };
    const provider = new BasicTracerProvider({ spanProcessors: [processor], resource: resources[0] });
    const tracers = [provider.getTracer('one'), provider.getTracer('two', '1.0.0')];
    for (let i = 0; i < 3000; i++) {
      const parent = tracers[i % 2].startSpan(`GET /orders/:id`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'url.path': `/orders/${i}`, 'server.port': 8080 } });
      parent.setAttributes({ 'http.response.status_code': i % 100 === 99 ? 500 : 200, 'user_agent.original': 'autocannon' });
      if (i % 100 === 99) {
        parent.recordException(new Error(`failure ${i}`));
        parent.setStatus({ code: SpanStatusCode.ERROR, message: 'inventory unavailable' });
      }
      parent.addLink({ context: parent.spanContext(), attributes: { k: i } });
      parent.end();
    }
    for (const size of [1, 7, 512, 3000]) {
      const batch = ended.slice(0, size);
      const ours = serializeSpans(batch);
      expect(Buffer.from(ours).equals(Buffer.from(official(batch)))).toBe(true);
      // And a receiver reads it back: every span, by its IDs (grouped by tracer, so in another order).
      const decoded = decodeTraceRequest(Buffer.from(ours));
      expect(decoded.map((d) => d.spanId).sort()).toEqual(batch.map((s) => s.spanContext().spanId).sort());
    }
    expect(serializeSpans(ended).length).toBeGreaterThan(0x200000 / 4);
  });

  it('writes the same bytes for messages whose lengths need 4 bytes, and after its buffer shrinks back', () => {
    const [base] = fc.sample(span, { seed: 11, numRuns: 1 });
    const huge = { ...base, attributes: { blob: 'z'.repeat(3 * 1024 * 1024), 'é': 'ü'.repeat(300_000) } };
    expect(Buffer.from(serializeSpans([huge, base])).equals(Buffer.from(official([huge, base])))).toBe(true);
    // The next, small request is written into a buffer shrunk back from the 3 MiB one.
    const small = fc.sample(fc.array(span, { minLength: 3, maxLength: 3 }), { seed: 12, numRuns: 1 })[0];
    expect(Buffer.from(serializeSpans(small)).equals(Buffer.from(official(small)))).toBe(true);
  });

  it('a call made from inside a call (an attribute getter) leaves the outer request intact', () => {
    const [inner, outerBase] = fc.sample(span, { seed: 13, numRuns: 2 });
    const attributes = {};
    let nested: Uint8Array | undefined;
    Object.defineProperty(attributes, 'computed', {
      enumerable: true,
      get: () => {
        nested = serializeSpans([inner]);
        return 'value';
      },
    });
    const outer = { ...outerBase, attributes };
    const ours = serializeSpans([outer]);
    expect(Buffer.from(nested!).equals(Buffer.from(official([inner])))).toBe(true);
    expect(Buffer.from(ours).equals(Buffer.from(official([outer])))).toBe(true);
  });

  it('serializes a tracestate anew in each request (a custom TraceState may change between them)', () => {
    let text = 'a=1';
    const mutable = { serialize: () => text, get: () => undefined, set: () => mutable, unset: () => mutable } as unknown as TraceState;
    const [base] = fc.sample(span, { seed: 14, numRuns: 1 });
    const ctx = { ...base.spanContext(), traceState: mutable };
    const s = { ...base, spanContext: () => ctx };
    expect(Buffer.from(serializeSpans([s])).equals(Buffer.from(official([s])))).toBe(true);
    text = 'b=2';
    expect(Buffer.from(serializeSpans([s])).equals(Buffer.from(official([s])))).toBe(true);
  });

  it('returns a copy: a later call does not change bytes already returned', () => {
    const spans = fc.sample(fc.array(span, { minLength: 2, maxLength: 4 }), { seed: 7, numRuns: 2 });
    const first = serializeSpans(spans[0]);
    const copy = Buffer.from(first);
    serializeSpans(spans[1]);
    expect(Buffer.from(first).equals(copy)).toBe(true);
  });

  it('throws, as the official does, on a span that is not a ReadableSpan', () => {
    const broken = { ...fc.sample(span, { seed: 3, numRuns: 1 })[0], spanContext: undefined } as unknown as ReadableSpan;
    expect(() => official([broken])).toThrow();
    expect(() => serializeSpans([broken])).toThrow();
  });
});

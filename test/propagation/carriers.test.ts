import { once } from 'node:events';
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metadata } from '@grpc/grpc-js';
import { ROOT_CONTEXT, propagation, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPropagator,
  extractFrom,
  grpcMetadata,
  httpHeaders,
  injectInto,
  messageAttributes,
  sqsMessageAttributes,
} from '../../src/propagation/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;
const p = createPropagator(['tracecontext', 'baggage']);
const ctx = propagation.setBaggage(
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED }),
  propagation.createBaggage({ tenant: { value: 'acme corp' } }),
);

/** What a context carries, in a form easy to compare. */
function seen(c: Context) {
  const sc = trace.getSpanContext(c);
  const baggage = propagation.getBaggage(c);
  return {
    traceId: sc?.traceId,
    spanId: sc?.spanId,
    baggage: Object.fromEntries((baggage?.getAllEntries() ?? []).map(([k, e]) => [k, e.value])),
  };
}
const expected = { traceId: TRACE_ID, spanId: SPAN_ID, baggage: { tenant: 'acme corp' } };

describe('node:http on loopback', () => {
  let server: Server;
  let url: string;
  const received: IncomingMessage['headers'][] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      received.push(req.headers);
      const incoming = extractFrom(req, ROOT_CONTEXT, p); // IncomingMessage
      injectInto(res, incoming, p); // ServerResponse: echo the context back in response headers
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(seen(incoming)));
      injectInto(res, incoming, p); // after the headers went out: must be a silent no-op
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  async function call(prepare: (req: http.ClientRequest) => void, options: http.RequestOptions = {}) {
    const req = http.request(url, options);
    prepare(req);
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    let body = '';
    for await (const chunk of res) body += chunk;
    return { body: JSON.parse(body) as unknown, res };
  }

  it('ClientRequest → IncomingMessage → ServerResponse → IncomingMessage', async () => {
    const { body, res } = await call((req) => injectInto(req, ctx, p));
    expect(received.at(-1)).toMatchObject({ traceparent: TRACEPARENT, baggage: 'tenant=acme%20corp' });
    expect(body).toEqual(expected);
    expect(seen(extractFrom(res, ROOT_CONTEXT, p))).toEqual(expected);
  });

  it('a plain headers object for http.request', async () => {
    const { body } = await call(() => {}, { headers: injectInto({}, ctx, p) });
    expect(body).toEqual(expected);
  });

  it('repeated baggage headers are merged', async () => {
    const { body } = await call((req) => {
      req.setHeader('traceparent', TRACEPARENT);
      req.setHeader('baggage', ['a=1', 'b=2;prop']);
    });
    expect(body).toMatchObject({ baggage: { a: '1', b: '2' } });
  });

  it('fetch with Headers, and a fetch Request object', async () => {
    const res = await fetch(url, { headers: injectInto(new Headers(), ctx, p) });
    expect(await res.json()).toEqual(expected);
    expect(seen(extractFrom(res, ROOT_CONTEXT, p))).toEqual(expected); // a Response: its headers

    const request = injectInto(new Request(url), ctx, p);
    expect(request.headers.get('traceparent')).toBe(TRACEPARENT);
    expect(await (await fetch(request)).json()).toEqual(expected);
  });
});

describe('httpHeaders on a headers object', () => {
  it('reads array values (node keeps repeats of some headers as arrays) and numbers', () => {
    const headers = { traceparent: [TRACEPARENT], baggage: ['tenant=acme%20corp', 'n=1'], 'content-length': 3 };
    expect(seen(p.extract(ROOT_CONTEXT, headers, httpHeaders))).toEqual({ ...expected, baggage: { tenant: 'acme corp', n: '1' } });
    // Two traceparent fields: the W3C test suite expects the trace to restart (no parent).
    const repeated = { ...headers, traceparent: [TRACEPARENT, TRACEPARENT] };
    expect(seen(p.extract(ROOT_CONTEXT, repeated, httpHeaders)).traceId).toBeUndefined();
    expect(httpHeaders.get(headers, 'content-length')).toBe('3');
  });
});

describe('fetch Headers', () => {
  it('inject and extract', () => {
    const headers = injectInto(new Headers({ accept: 'text/plain' }), ctx, p);
    expect(headers.get('traceparent')).toBe(TRACEPARENT);
    expect(headers.get('baggage')).toBe('tenant=acme%20corp');
    expect(seen(extractFrom(headers, ROOT_CONTEXT, p))).toEqual(expected);
  });

  it('an immutable Headers (a received Response) does not throw', () => {
    const headers = Response.error().headers;
    expect(() => injectInto(headers, ctx, p)).not.toThrow();
  });
});

describe('@grpc/grpc-js Metadata', () => {
  it('inject and extract with detection', () => {
    const md = injectInto(new Metadata(), ctx, p);
    expect(md.get('traceparent')).toEqual([TRACEPARENT]);
    expect(seen(extractFrom(md, ROOT_CONTEXT, p))).toEqual(expected);
  });

  it('the explicit getter/setter, and repeated values', () => {
    const md = new Metadata();
    p.inject(ctx, md, grpcMetadata);
    md.add('baggage', 'extra=1');
    const got = seen(p.extract(ROOT_CONTEXT, md, grpcMetadata));
    expect(got.baggage).toEqual({ tenant: 'acme corp', extra: '1' });
    expect(grpcMetadata.keys(md)).toEqual(expect.arrayContaining(['traceparent', 'baggage']));
  });
});

describe('Map and plain-object message attributes', () => {
  it('Map<string, string>', () => {
    const map = injectInto(new Map<string, string>(), ctx, p);
    expect(map.get('traceparent')).toBe(TRACEPARENT);
    expect(seen(extractFrom(map, ROOT_CONTEXT, p))).toEqual(expected);
  });

  it('plain object', () => {
    const attrs = injectInto({} as Record<string, unknown>, ctx, p);
    expect(attrs).toEqual({ traceparent: TRACEPARENT, baggage: 'tenant=acme%20corp' });
    expect(seen(extractFrom(attrs, ROOT_CONTEXT, p))).toEqual(expected);
  });

  it('Kafka headers as Buffers (UTF-8), in an object or a Map, repeated as arrays', () => {
    const headers = {
      traceparent: Buffer.from(TRACEPARENT),
      baggage: [Buffer.from('tenant=acme%20corp'), Buffer.from('city=Z%C3%BCrich')],
      other: Buffer.from([0xff, 0xfe]),
    };
    expect(seen(extractFrom(headers, ROOT_CONTEXT, p))).toEqual({ ...expected, baggage: { tenant: 'acme corp', city: 'Zürich' } });
    const map = new Map<string, unknown>([['traceparent', Buffer.from(TRACEPARENT)]]);
    expect(seen(extractFrom(map, ROOT_CONTEXT, p)).traceId).toBe(TRACE_ID);
    expect(messageAttributes.get(headers, 'other')).toBe('\uFFFD\uFFFD');
  });

  it('header names that are not lower-case (older Sleuth, hand-written producers)', () => {
    expect(seen(extractFrom({ Traceparent: TRACEPARENT }, ROOT_CONTEXT, p)).traceId).toBe(TRACE_ID);
  });

  it('SQS MessageAttributes: AWS SDK and Lambda event shapes', () => {
    const sdk = {
      traceparent: { DataType: 'String', StringValue: TRACEPARENT },
      baggage: { DataType: 'String', StringValue: 'tenant=acme%20corp' },
    };
    expect(seen(extractFrom(sdk, ROOT_CONTEXT, p))).toEqual(expected);
    const lambda = { traceparent: { dataType: 'String', stringValue: TRACEPARENT } };
    expect(seen(extractFrom(lambda, ROOT_CONTEXT, p)).traceId).toBe(TRACE_ID);
  });

  it('SQS: injecting beside existing SQS attributes writes the SQS shape; empty needs the explicit setter', () => {
    const withExisting = injectInto({ orderId: { DataType: 'Number', StringValue: '7' } } as Record<string, unknown>, ctx, p);
    expect(withExisting.traceparent).toEqual({ DataType: 'String', StringValue: TRACEPARENT });
    const empty: Record<string, unknown> = {};
    p.inject(ctx, empty, sqsMessageAttributes);
    expect(empty.baggage).toEqual({ DataType: 'String', StringValue: 'tenant=acme%20corp' });
  });
});

describe('never throws', () => {
  it('non-object carriers are ignored', () => {
    expect(injectInto(undefined, ctx, p)).toBeUndefined();
    expect(injectInto('x', ctx, p)).toBe('x');
    expect(extractFrom(null, ctx, p)).toBe(ctx);
    expect(extractFrom(42, ROOT_CONTEXT, p)).toBe(ROOT_CONTEXT);
  });

  it('a carrier whose accessors throw', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('boom'); } });
    expect(() => injectInto(hostile, ctx, p)).not.toThrow();
    expect(extractFrom(hostile, ROOT_CONTEXT, p)).toBe(ROOT_CONTEXT);
  });

  it('defaults to the global propagator and the active context', () => {
    propagation.setGlobalPropagator(p);
    try {
      expect(injectInto({})).toEqual({}); // no active span, no baggage: nothing to inject
      expect(seen(extractFrom({ traceparent: TRACEPARENT })).traceId).toBe(TRACE_ID);
    } finally {
      propagation.disable();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { propagation, type TextMapPropagator } from '@opentelemetry/api';
import { ContextHeaders } from '../../src/instrumentations/httpServer/contextHeaders.js';

/** rawHeaders as Node gives them: [name, value, name, value...], names as sent. */
const raw = (...pairs: [string, string][]) => pairs.flat();
const scan = (headers: ContextHeaders, ...pairs: [string, string][]) => ({ ...headers.scan(raw(...pairs)) });

describe('ContextHeaders.scan', () => {
  afterEach(() => propagation.disable());

  it('finds every well-known context header, in any case', () => {
    const headers = new ContextHeaders();
    for (const name of ['traceparent', 'TraceParent', 'TRACESTATE', 'baggage', 'B3', 'X-B3-TraceId', 'x-b3-spanid', 'X-B3-Sampled', 'x-b3-flags',
      'X-B3-ParentSpanId', 'Uber-Trace-Id', 'ot-tracer-traceid', 'OT-Tracer-SpanId', 'ot-tracer-sampled', 'X-Amzn-Trace-Id']) {
      expect(scan(headers, ['Host', 'a.example'], [name, 'v']).context, name).toBe(true);
    }
  });

  it('finds the per-entry baggage prefixes, but not the bare prefix', () => {
    const headers = new ContextHeaders();
    expect(scan(headers, ['uberctx-tenant', 'acme']).context).toBe(true);
    expect(scan(headers, ['UberCtx-Tenant', 'acme']).context).toBe(true);
    expect(scan(headers, ['OT-Baggage-user', 'x']).context).toBe(true);
    expect(scan(headers, ['uberctx-', 'x']).context).toBe(false);
  });

  it('leaves common headers of the same lengths alone', () => {
    const headers = new ContextHeaders();
    // Connection and User-Agent have tracestate's length, Content-Type x-b3-traceid's,
    // Accept-Encoding x-amzn-trace-id's, Content-Length x-b3-spanid's + 3...
    const common: [string, string][] = [['Connection', 'keep-alive'], ['User-Agent', 'curl/8'], ['Content-Type', 'text/plain'],
      ['Accept-Encoding', 'gzip'], ['Content-Length', '0'], ['Accept', '*/*'], ['tracestatf', 'x'], ['traceparenT2', 'x'], ['ubertrace-id', 'x'], ['otbaggage-user', 'x']];
    expect(scan(new ContextHeaders(), ...common).context).toBe(false);
    expect(scan(headers, ...common, ['tracestate', 'a=b']).context).toBe(true);
  });

  it('adds the registered propagator’s fields on refresh()', () => {
    const custom: TextMapPropagator = { inject() {}, extract: (c) => c, fields: () => ['X-Request-Context', ''] };
    propagation.setGlobalPropagator(custom);
    const headers = new ContextHeaders();
    expect(scan(headers, ['x-request-context', 'v']).context).toBe(false);
    headers.refresh();
    expect(scan(headers, ['X-REQUEST-CONTEXT', 'v']).context).toBe(true);
    expect(scan(headers, ['x-request-contexts', 'v']).context).toBe(false);
    expect(scan(headers, ['traceparent', 'v']).context).toBe(true);
  });

  it('reads the first Host, Forwarded, X-Forwarded-Host and X-Forwarded-Proto, in any case', () => {
    const headers = new ContextHeaders();
    expect(scan(headers, ['HOST', 'a.example'], ['Host', 'b.example'], ['FORWARDED', 'host=f'], ['X-Forwarded-Host', 'h1'],
      ['x-forwarded-host', 'h2'], ['X-FORWARDED-PROTO', 'https'], ['Hosts', 'x'])).toEqual({
      context: false, host: 'a.example', forwarded: 'host=f', forwardedHost: 'h1', forwardedProto: 'https',
    });
    // The result object is reused: a second scan starts afresh.
    expect(scan(headers, ['Accept', '*/*'])).toEqual({ context: false, host: undefined, forwarded: undefined, forwardedHost: undefined, forwardedProto: undefined });
  });
});

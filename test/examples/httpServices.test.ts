import { describe, expect, it } from 'vitest';
import { main } from '../../examples/http-services/index.js';
import { expectChildOf, KIND, one, service } from './spanQueries.js';

describe('examples/http-services', () => {
  it('connects gateway → orders → inventory through fetch and node:http with no manual spans', async () => {
    const spans = await main({ log: () => {} });
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(2);
    // no span at all for GET /health
    expect(spans.some((s) => s.attributes['url.path'] === '/health' || String(s.attributes['url.full']).endsWith('/health'))).toBe(false);

    const gw = spans.filter((s) => service(s) === 'gateway' && s.kind === KIND.SERVER);
    expect(gw.map((s) => s.name)).toEqual(['GET /checkout', 'GET /checkout']);
    for (const root of gw) {
      const trace = spans.filter((s) => s.traceId === root.traceId);
      expect(trace).toHaveLength(5);
      expect(root.parentSpanId).toBe('');
      expect(root.attributes).toMatchObject({ 'http.route': '/checkout', 'http.request.method': 'GET', 'url.path': '/checkout' });

      const fetchOut = one(trace, (s) => service(s) === 'gateway' && s.kind === KIND.CLIENT, 'the gateway fetch');
      expect(fetchOut.scope).toBe('@opentelemetry/instrumentation-undici');
      expect(fetchOut.attributes['http.request.method']).toBe('POST');
      expect(String(fetchOut.attributes['url.full'])).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/orders\?item=/);
      expectChildOf(fetchOut, root);

      const ordersIn = one(trace, (s) => service(s) === 'orders' && s.kind === KIND.SERVER, 'the orders server span');
      expect(ordersIn.name).toBe('POST /orders');
      expect(ordersIn.attributes['http.route']).toBe('/orders');
      expectChildOf(ordersIn, fetchOut);

      const httpOut = one(trace, (s) => service(s) === 'orders' && s.kind === KIND.CLIENT, 'the orders node:http call');
      expect(httpOut.scope).toBe('@opentelemetry/instrumentation-http');
      expect(String(httpOut.attributes['url.full'])).toMatch(/\/stock\/(book|unicorn)$/);
      expectChildOf(httpOut, ordersIn);

      const inv = one(trace, (s) => service(s) === 'inventory', 'the inventory span');
      expect(inv.kind).toBe(KIND.SERVER);
      expect(inv.name).toBe('GET /stock/:item');
      expect(inv.attributes['http.route']).toBe('/stock/:item');
      expectChildOf(inv, httpOut);
    }
    // the unknown item: 404 from inventory, 409 from orders; client spans of 4xx are errors, server spans are not
    const missing = one(spans, (s) => s.name === 'GET /stock/:item' && s.attributes['http.response.status_code'] === 404, 'the 404');
    expect(missing.status.code).toBe(0);
    const failedCall = one(spans, (s) => s.kind === KIND.CLIENT && s.attributes['http.response.status_code'] === 404, 'the call that got 404');
    expect(failedCall.status.code).toBe(2);
    expect(spans.every((s) => typeof s.resource['service.name'] === 'string')).toBe(true);
  });
});

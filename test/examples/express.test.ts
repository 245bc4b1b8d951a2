import { describe, expect, it } from 'vitest';
import { main } from '../../examples/express/index.js';
import { expectChildOf, KIND, one } from './spanQueries.js';

describe('examples/express', () => {
  it('gives route-named server spans, Express middleware and handler spans, and records errors from the error handler', async () => {
    const spans = await main({ log: () => {} });
    const servers = spans.filter((s) => s.kind === KIND.SERVER);
    expect(servers.map((s) => s.name).sort()).toEqual(['GET /users/:id', 'GET /users/:id', 'POST /orders', 'POST /orders']);
    expect(spans.some((s) => s.attributes['url.path'] === '/health')).toBe(false);
    expect(spans.every((s) => s.resource['service.name'] === 'shop')).toBe(true);

    for (const server of servers) {
      const trace = spans.filter((s) => s.traceId === server.traceId);
      const route = server.name.split(' ')[1];
      expect(server.attributes['http.route']).toBe(route);
      const handler = one(trace, (s) => s.attributes['express.type'] === 'request_handler', `the handler span of ${server.name}`);
      expect(handler.name).toBe(`request handler - ${route}`);
      expect(handler.kind).toBe(KIND.INTERNAL);
      expect(handler.scope).toBe('@opentelemetry/instrumentation-express');
      expect(handler.attributes['http.route']).toBe(route);
      expectChildOf(handler, server);
      const middleware = trace.filter((s) => s.attributes['express.type'] === 'middleware').map((s) => s.name);
      expect(middleware).toEqual(expect.arrayContaining(['middleware - query', 'middleware - expressInit', 'middleware - jsonParser']));
    }

    const notFound = one(servers, (s) => s.attributes['http.response.status_code'] === 404, 'the 404');
    expect(notFound.status.code).toBe(0);
    const failed = one(servers, (s) => s.attributes['http.response.status_code'] === 500, 'the 500');
    expect(failed.name).toBe('POST /orders');
    expect(failed.status.code).toBe(2);
    // recorded by the app's error handler on the request's span
    expect(failed.events.map((e) => [e.name, e.attributes['exception.message'], e.attributes['exception.type']])).toEqual([['exception', 'card declined', 'Error']]);
    const failedHandler = one(spans, (s) => s.traceId === failed.traceId && s.attributes['express.type'] === 'request_handler', 'the failing handler');
    expect(failedHandler.status).toEqual({ code: 2, message: 'card declined' });
  });
});

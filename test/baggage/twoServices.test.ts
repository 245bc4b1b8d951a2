import { once } from 'node:events';
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBaggageManager, withStaticBaggage } from '../../src/baggage/index.js';
import { createPropagator, extractFrom, injectInto } from '../../src/propagation/index.js';

/**
 * Two services on loopback with the global OTel context manager and propagator, as initTracing()
 * will register them: A receives a request, adds request-scoped baggage, calls B over real
 * node:http; B reports what it extracted.
 */
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const manager = createBaggageManager({ staticEntries: { 'deployment.environment': 'staging', 'service.version': '1.4.2' } });

async function listen(handler: http.RequestListener): Promise<{ server: Server; url: string }> {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function get(url: string, prepare: (req: http.ClientRequest) => void): Promise<unknown> {
  const req = http.request(url);
  prepare(req);
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  let body = '';
  for await (const chunk of res) body += chunk;
  return JSON.parse(body);
}

describe('baggage across two HTTP services', () => {
  let a: { server: Server; url: string };
  let b: { server: Server; url: string };
  const bHeaders: IncomingMessage['headers'][] = [];

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(withStaticBaggage(createPropagator(['tracecontext', 'baggage']), manager.staticEntries));

    b = await listen((req, res) => {
      bHeaders.push(req.headers);
      context.with(extractFrom(req), () => {
        res.end(JSON.stringify({ baggage: manager.getAll(), traceId: trace.getSpanContext(context.active())?.traceId }));
      });
    });
    a = await listen((req, res) => {
      context.with(extractFrom(req), () =>
        manager.withBaggage({ 'user.tier': 'gold' }, async () => {
          const seenByB = await get(b.url, (out) => injectInto(out));
          res.end(JSON.stringify(seenByB));
        }),
      );
    });
  });

  afterAll(async () => {
    for (const s of [a?.server, b?.server]) {
      if (!s) continue;
      s.close();
      await once(s, 'close');
    }
    propagation.disable();
    context.disable();
  });

  it('B sees the caller baggage, A request-scoped baggage and A static entries', async () => {
    const seen = await get(a.url, (req) => {
      req.setHeader('traceparent', TRACEPARENT);
      req.setHeader('baggage', 'tenant=acme%20corp;ttl=30');
    });
    expect(seen).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      baggage: {
        'deployment.environment': 'staging',
        'service.version': '1.4.2',
        tenant: 'acme corp',
        'user.tier': 'gold',
      },
    });
    // Static first, then the request's; the property of `tenant` went along, still encoded.
    expect(bHeaders.at(-1)!.baggage).toBe(
      'deployment.environment=staging,service.version=1.4.2,tenant=acme%20corp;ttl=30,user.tier=gold',
    );
  });

  it('request-scoped baggage wins over a static entry with the same key', async () => {
    const seen = (await get(a.url, (req) => req.setHeader('baggage', 'deployment.environment=canary'))) as {
      baggage: Record<string, string>;
    };
    expect(seen.baggage['deployment.environment']).toBe('canary');
  });

  it('without incoming baggage B still gets the static entries', async () => {
    const seen = (await get(a.url, () => {})) as { baggage: Record<string, string> };
    expect(seen.baggage).toEqual({ 'deployment.environment': 'staging', 'service.version': '1.4.2', 'user.tier': 'gold' });
  });
});

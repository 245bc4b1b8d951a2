import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, SpanKind } from '@opentelemetry/api';
import { initTracing, type Tracing } from '../../src/index.js';
import { startOtlpServer, type OtlpServer } from '../helpers/otlpServer.js';

/**
 * Two HTTP services on loopback: "front" calls "back" with injected headers, "back" extracts.
 * Both run in this process (one tracing instance), but every hop crosses real HTTP, so the
 * link between them exists only if the headers carry it.
 */
let collector: OtlpServer;
let tracing: Tracing;
let back: http.Server;
let backUrl: string;
const seenHeaders: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  collector = await startOtlpServer();
  tracing = initTracing(
    {
      serviceName: 'front',
      endpoint: collector.url,
      flushOnExit: false,
      logLevel: 'none',
      exportInterval: 50,
      baggage: { staticEntries: { region: 'eu-west' }, allow: ['tenant'] },
      // Propagation by hand is what is tested here; the HTTP instrumentation would add its own spans.
      instrumentations: false,
    },
    {},
  );
  const { instrumentation } = tracing;
  back = http.createServer((req, res) => {
    seenHeaders.push(req.headers);
    const ctx = instrumentation.extract(req.headers);
    context.with(ctx, () => {
      instrumentation.withSpan('GET /stock', (span) => {
        const tenant = propagation.getActiveBaggage()?.getEntry('tenant')?.value ?? 'none';
        span.setAttribute('tenant.seen', tenant);
        span.setAttribute('region.seen', tracing.baggage.get('region') ?? 'none');
        res.end(tenant);
      }, { kind: SpanKind.SERVER });
    });
  });
  await new Promise<void>((r) => back.listen(0, '127.0.0.1', r));
  backUrl = `http://127.0.0.1:${(back.address() as AddressInfo).port}/stock`;
});

afterAll(async () => {
  await tracing.shutdown();
  await new Promise((r) => back.close(r));
  await collector.stop();
});

function get(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('propagation across HTTP services', () => {
  it('the server span is a child of the client span, and baggage travels', async () => {
    const { instrumentation } = tracing;
    const bag = propagation.createBaggage({ tenant: { value: 'acme corp' } });
    const body = await context.with(propagation.setBaggage(context.active(), bag), () =>
      instrumentation.withSpan('call back', async () => get(backUrl, instrumentation.inject({})), { kind: SpanKind.CLIENT }),
    );
    expect(body).toBe('acme corp');
    expect(seenHeaders.at(-1)!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/);
    // static entries first, then the request's own
    expect(seenHeaders.at(-1)!.baggage).toBe('region=eu-west,tenant=acme%20corp');

    await tracing.forceFlush();
    const spans = await collector.waitForSpans(2);
    const client = spans.find((s) => s.name === 'call back')!;
    const server = spans.find((s) => s.name === 'GET /stock')!;
    expect(server.traceId).toBe(client.traceId);
    expect(server.parentSpanId).toBe(client.spanId);
    expect(server.kind).toBe(2);
    expect(client.kind).toBe(3);
    expect(server.attributes['tenant.seen']).toBe('acme corp');
    expect(server.attributes['region.seen']).toBe('eu-west');
    // allowlisted baggage is copied into attributes at span start; other keys are not
    expect(server.attributes['baggage.tenant']).toBe('acme corp');
    expect(server.attributes['baggage.region']).toBeUndefined();
    expect(client.attributes['baggage.tenant']).toBe('acme corp');
  });

  it('inject writes through setHeader on an outgoing request', async () => {
    const { instrumentation } = tracing;
    await instrumentation.withSpan('raw request', () =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(backUrl);
        instrumentation.inject(req);
        req.on('response', (res) => res.resume().on('end', resolve));
        req.on('error', reject);
        req.end();
      }),
    );
    expect(seenHeaders.at(-1)!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/);
  });
});

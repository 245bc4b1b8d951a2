import { describe, expect, it } from 'vitest';
import { main } from '../../examples/grpc/index.js';
import { expectChildOf, KIND, one, service } from './spanQueries.js';

describe('examples/grpc', () => {
  it('parents the server span to the client span through gRPC metadata, with rpc.* attributes', async () => {
    const spans = await main({ log: () => {} });
    expect(spans).toHaveLength(4);
    const clients = spans.filter((s) => s.kind === KIND.CLIENT);
    expect(clients.map(service)).toEqual(['storefront', 'storefront']);
    for (const client of clients) {
      const server = one(spans, (s) => s.kind === KIND.SERVER && s.traceId === client.traceId, 'the server span of the call');
      expect(service(server)).toBe('pricing');
      expectChildOf(server, client);
      for (const s of [client, server]) {
        expect(s.name).toBe('grpc.shop.Pricing/GetPrice');
        expect(s.scope).toBe('@opentelemetry/instrumentation-grpc');
        expect(s.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.service': 'shop.Pricing', 'rpc.method': 'GetPrice' });
      }
    }
    const ok = clients.filter((s) => s.attributes['rpc.grpc.status_code'] === 0);
    const notFound = clients.filter((s) => s.attributes['rpc.grpc.status_code'] === 5);
    expect([ok.length, notFound.length]).toEqual([1, 1]);
    expect(ok[0].status.code).not.toBe(2);
    expect(notFound[0].status.code).toBe(2);
  });
});

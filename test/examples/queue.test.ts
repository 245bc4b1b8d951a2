import { describe, expect, it } from 'vitest';
import { main } from '../../examples/queue/index.js';
import { expectChildOf, KIND, one, service } from './spanQueries.js';

describe('examples/queue', () => {
  it('carries the context through message attributes: process spans are children of the send spans, receive spans link to them', async () => {
    const spans = await main({ log: () => {} });
    const sends = spans.filter((s) => s.kind === KIND.PRODUCER);
    expect(sends).toHaveLength(3);
    const receives = spans.filter((s) => s.name === 'receive orders');
    expect(receives.length).toBeGreaterThanOrEqual(1);

    for (const send of sends) {
      expect(service(send)).toBe('checkout');
      expect(send.name).toBe('send orders');
      expect(send.attributes).toMatchObject({
        'messaging.system': 'minibroker',
        'messaging.destination.name': 'orders',
        'messaging.operation.type': 'send',
      });
      const id = send.attributes['messaging.message.id'];
      const http = one(spans, (s) => s.kind === KIND.SERVER && s.traceId === send.traceId, 'the producer HTTP span');
      expect(http.name).toBe('POST /orders');
      expectChildOf(send, http);

      const process = one(spans, (s) => s.name === 'process orders' && s.attributes['messaging.message.id'] === id, `the process span of ${id}`);
      expect(service(process)).toBe('fulfilment');
      expect(process.kind).toBe(KIND.CONSUMER);
      expect(process.attributes['messaging.operation.type']).toBe('process');
      expectChildOf(process, send); // parented by the producer, across processes
      const work = one(spans, (s) => s.name === 'reserve stock' && s.parentSpanId === process.spanId, 'the work inside processing');
      expect(work.traceId).toBe(send.traceId);

      // the batch that brought it links to the producer span
      const receive = one(receives, (r) => r.links.some((l) => l.spanId === send.spanId), `the receive span of ${id}`);
      expect(receive.links.find((l) => l.spanId === send.spanId)).toEqual({ traceId: send.traceId, spanId: send.spanId, attributes: { 'messaging.message.id': id } });
    }
    for (const r of receives) {
      expect(r.kind).toBe(KIND.CONSUMER);
      expect(r.parentSpanId).toBe('');
      expect(r.attributes['messaging.batch.message_count']).toBe(r.links.length);
    }
    expect(receives.reduce((n, r) => n + r.links.length, 0)).toBe(3);
  });
});

/**
 * The producer, `producer.ts <broker-port>`: an HTTP service (traced by the default
 * instrumentations) whose POST /orders publishes a message. The PRODUCER span is written by
 * hand, as for any client library without an instrumentation: `instrumentation.inject()` writes
 * the trace context (`traceparent`, `baggage`) into the message attributes. Prints `ready <port>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { initTracing, setHttpRoute } from '../../src/index.js';
import { connectQueue } from './queueClient.js';
import { messagingAttributes, QUEUE } from './messaging.js';
import type { Message } from './broker.js';

const { instrumentation } = initTracing();
const queue = await connectQueue(Number(process.argv[2]));
let next = 1;

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || !req.url?.startsWith('/orders')) return void res.writeHead(404).end();
  setHttpRoute('/orders');
  const item = new URL(req.url, 'http://localhost').searchParams.get('item') ?? 'book';
  const message: Message = { id: `m-${next++}`, body: { item }, attributes: { 'content-type': 'application/json' } };
  instrumentation
    .withSpan(
      `send ${QUEUE}`,
      async () => {
        instrumentation.inject(message.attributes); // the context of this PRODUCER span
        await queue.publish(QUEUE, message);
      },
      { kind: SpanKind.PRODUCER, attributes: messagingAttributes('send', { 'messaging.message.id': message.id }) },
    )
    .then(
      () => res.writeHead(202).end(message.id),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
});
server.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as AddressInfo).port}`));

/**
 * The consumer, `consumer.ts <broker-port>`: receives batches and processes each message. Per
 * batch a `receive orders` CONSUMER span, linked to every message's producer span (a batch has
 * many parents); per message a `process orders` CONSUMER span whose parent is the context
 * extracted from the message attributes, so processing continues the producer's trace. Prints
 * `processed <id>` per message.
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { initTracing } from '../../src/index.js';
import { connectQueue } from './queueClient.js';
import { messagingAttributes, QUEUE } from './messaging.js';
import type { Message } from './broker.js';

const { instrumentation } = initTracing();
const queue = await connectQueue(Number(process.argv[2]));

async function processMessage(message: Message): Promise<void> {
  const producerContext = instrumentation.extract(message.attributes, context.active());
  await instrumentation.withSpan(
    `process ${QUEUE}`,
    async () => {
      // the work itself: an ordinary span, a child of the process span
      await instrumentation.withSpan('reserve stock', async (span) => {
        span.setAttribute('order.item', String((message.body as { item?: string }).item));
        await new Promise((r) => setTimeout(r, 5));
      });
    },
    { kind: SpanKind.CONSUMER, parent: producerContext, attributes: messagingAttributes('process', { 'messaging.message.id': message.id }) },
  );
  console.log(`processed ${message.id}`);
}

console.log('ready');
// Runs until SIGTERM: tracewise flushes the spans, then the process exits as it would have.
for (;;) {
  const batch = await queue.receive(QUEUE, 10);
  const links = batch.flatMap((m) => {
    const producer = trace.getSpanContext(instrumentation.extract(m.attributes));
    return producer ? [{ context: producer, attributes: { 'messaging.message.id': m.id } }] : [];
  });
  await instrumentation.withSpan(
    `receive ${QUEUE}`,
    async () => {
      for (const message of batch) await processMessage(message);
    },
    { kind: SpanKind.CONSUMER, root: true, links, attributes: messagingAttributes('receive', { 'messaging.batch.message_count': batch.length }) },
  );
}

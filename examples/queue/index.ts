/**
 * `npx tsx examples/queue/index.ts`: a producer (HTTP service that publishes order messages) and
 * a consumer, two processes around a small broker, the trace context carried in the message
 * attributes. Prints the traces from a loopback OTLP receiver (or sends them to
 * OTEL_EXPORTER_OTLP_ENDPOINT when set).
 */
import { startBroker } from './broker.js';
import { runExample, runIfMain, type ReceivedSpan } from '../shared/services.js';

const here = (f: string) => new URL(f, import.meta.url).href;
const ITEMS = ['book', 'lamp', 'mug'];

export async function main({ log = console.log }: { log?: (line: string) => void } = {}): Promise<ReceivedSpan[]> {
  const broker = await startBroker();
  try {
    return await runExample(log, async ({ start }) => {
      const args = [String(broker.port)];
      const consumer = await start('fulfilment', here('./consumer.ts'), { args });
      const producer = await start('checkout', here('./producer.ts'), { args });
      for (const item of ITEMS) {
        const res = await fetch(`${producer.url}/orders?item=${item}`, { method: 'POST' });
        log(`POST /orders?item=${item} → ${res.status} ${await res.text()}`);
      }
      for (let i = 1; i <= ITEMS.length; i++) log(await consumer.waitFor(new RegExp(`^processed m-${i}$`)));
    });
  } finally {
    await broker.stop();
  }
}

runIfMain(import.meta.url, main);

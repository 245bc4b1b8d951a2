/**
 * `npx tsx examples/http-services/index.ts`: gateway → orders → inventory, three node:http
 * services in three processes, traced by the default instrumentations alone (no spans written by
 * hand). Sends two checkouts (one for an unknown item) and a health check, stops the services and
 * prints the traces that arrived at a loopback OTLP receiver (or sends them to
 * OTEL_EXPORTER_OTLP_ENDPOINT when set).
 */
import { printTraces, runIfMain, startReceiver, startService, stopAll, type ReceivedSpan, type Service } from '../shared/services.js';

const script = new URL('./service.ts', import.meta.url).href;

export async function main({ log = console.log }: { log?: (line: string) => void } = {}): Promise<ReceivedSpan[]> {
  const receiver = await startReceiver();
  const services: Service[] = [];
  try {
    const inventory = await startService('inventory', script, receiver.endpoint, { args: ['inventory'] });
    services.push(inventory);
    const orders = await startService('orders', script, receiver.endpoint, { args: ['orders', inventory.url] });
    services.push(orders);
    const gateway = await startService('gateway', script, receiver.endpoint, { args: ['gateway', orders.url] });
    services.push(gateway);

    for (const path of ['/checkout?item=book', '/checkout?item=unicorn', '/health']) {
      const res = await fetch(`${gateway.url}${path}`);
      log(`GET ${path} → ${res.status} ${await res.text()}`);
    }
    await stopAll(services); // SIGTERM: each service flushes its spans before exiting
    printTraces(receiver, log);
    return receiver.server?.spans ?? [];
  } finally {
    await stopAll(services);
    await receiver.stop();
  }
}

runIfMain(import.meta.url, main);

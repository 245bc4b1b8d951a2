/**
 * `npx tsx examples/http-services/index.ts`: gateway → orders → inventory, three node:http
 * services in three processes, traced by the default instrumentations alone (no spans written by
 * hand). Sends two checkouts (one for an unknown item) and a health check, stops the services and
 * prints the traces that arrived at a loopback OTLP receiver (or sends them to
 * OTEL_EXPORTER_OTLP_ENDPOINT when set).
 */
import { runExample, runIfMain, type ReceivedSpan } from '../shared/services.js';

const script = new URL('./service.ts', import.meta.url).href;

export function main({ log = console.log }: { log?: (line: string) => void } = {}): Promise<ReceivedSpan[]> {
  return runExample(log, async ({ start }) => {
    const inventory = await start('inventory', script, { args: ['inventory'] });
    const orders = await start('orders', script, { args: ['orders', inventory.url] });
    const gateway = await start('gateway', script, { args: ['gateway', orders.url] });
    for (const path of ['/checkout?item=book', '/checkout?item=unicorn', '/health']) {
      const res = await fetch(`${gateway.url}${path}`);
      log(`GET ${path} → ${res.status} ${await res.text()}`);
    }
  });
}

runIfMain(import.meta.url, main);

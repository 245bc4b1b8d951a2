/**
 * `npx tsx examples/express/index.ts`: starts the Express app the way it runs in production,
 * `node --import ./instrumentation.js app.js`, sends a few requests (one ends in the error
 * handler), stops it and prints the traces a loopback OTLP receiver got (or sends them to
 * OTEL_EXPORTER_OTLP_ENDPOINT when set).
 */
import { runExample, runIfMain, type ReceivedSpan } from '../shared/services.js';

const here = (f: string) => new URL(f, import.meta.url).href;

export function main({ log = console.log }: { log?: (line: string) => void } = {}): Promise<ReceivedSpan[]> {
  return runExample(log, async ({ start }) => {
    const app = await start('shop', here('./app.ts'), { preload: [here('./instrumentation.ts')] });
    const calls: [string, string, unknown?][] = [
      ['GET', '/users/7'],
      ['GET', '/users/8'],
      ['POST', '/orders', { items: ['book'] }],
      ['POST', '/orders', { items: ['lamp'], card: 'declined' }],
      ['GET', '/health'],
    ];
    for (const [method, path, body] of calls) {
      const res = await fetch(`${app.url}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      log(`${method} ${path} → ${res.status} ${await res.text()}`);
    }
  });
}

runIfMain(import.meta.url, main);

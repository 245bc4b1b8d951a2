/**
 * `npx tsx examples/custom-sampler/index.ts`: runs the shop service with its RouteSampler, sends
 * 3 checkouts, 10 static file requests and 20 product listings, and prints which traces were
 * kept (from a loopback OTLP receiver, or sends them to OTEL_EXPORTER_OTLP_ENDPOINT).
 */
import { runExample, runIfMain, type ReceivedSpan } from '../shared/services.js';

const here = (f: string) => new URL(f, import.meta.url).href;
export const REQUESTS = { '/checkout': 3, '/static/site.css': 10, '/products': 20 } as const;

export function main({ log = console.log }: { log?: (line: string) => void } = {}): Promise<ReceivedSpan[]> {
  return runExample(log, async ({ start }) => {
    const app = await start('shop', here('./app.ts'));
    for (const [path, n] of Object.entries(REQUESTS)) {
      for (let i = 0; i < n; i++) {
        const res = await fetch(`${app.url}${path}`, { method: path === '/checkout' ? 'POST' : 'GET' });
        await res.arrayBuffer();
      }
      log(`${n} × ${path}`);
    }
  });
}

runIfMain(import.meta.url, main);

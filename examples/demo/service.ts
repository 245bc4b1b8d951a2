/**
 * One tiny HTTP service of the demo: `service.ts <name> [downstream-url]`. It traces every
 * request with tracewise, calls its downstream (if any) with the context injected, and prints
 * `ready <port>` once listening. SIGTERM flushes its spans (tracewise's exit hook) and exits.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { initTracing } from '../../src/index.js';

const [name, downstream] = process.argv.slice(2);
// The demo shows the manual API (withSpan, inject, extract), so the automatic HTTP spans are off;
// examples/http-services has the same three services traced by the instrumentations alone.
const tracing = initTracing({ serviceName: name, serviceVersion: '1.0.0', environment: 'demo', exportInterval: 200, instrumentations: false });
const { instrumentation } = tracing;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function call(url: string): Promise<{ status: number; body: string }> {
  return instrumentation.withSpan(`GET ${new URL(url).pathname}`, (span) =>
    new Promise((resolve, reject) => {
      const req = http.get(url, { headers: instrumentation.inject({}) }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          span.setAttribute('http.response.status_code', res.statusCode ?? 0);
          if ((res.statusCode ?? 500) >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.statusCode}` });
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
    }), { kind: SpanKind.CLIENT });
}

async function handle(item: string): Promise<{ status: number; body: string }> {
  if (name === 'inventory') {
    return instrumentation.withSpan('reserve stock', async (span) => {
      span.setAttribute('item', item);
      await instrumentation.withSpan('db.query SELECT stock', () => sleep(item === 'slow' ? 300 : 5));
      if (item === 'broken') throw new Error(`no stock record for "${item}"`);
      return { status: 200, body: `reserved ${item}` };
    });
  }
  if (name === 'orders') {
    await instrumentation.withSpan('validate order', () => sleep(2));
    const res = await call(`${downstream}/reserve?item=${encodeURIComponent(item)}`);
    if (res.status >= 500) return { status: 502, body: `inventory failed: ${res.body}` };
    await instrumentation.withSpan('db.insert order', () => sleep(3));
    return { status: 200, body: `order placed: ${res.body}` };
  }
  return call(`${downstream}/orders?item=${encodeURIComponent(item)}`);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const item = url.searchParams.get('item') ?? 'book';
  context.with(instrumentation.extract(req.headers), () =>
    instrumentation
      .withSpan(`${req.method} ${url.pathname}`, async (span) => {
        span.setAttributes({ 'http.request.method': req.method ?? 'GET', 'url.path': url.pathname });
        try {
          const out = await handle(item);
          span.setAttribute('http.response.status_code', out.status);
          if (out.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${out.status}` });
          res.writeHead(out.status).end(out.body);
        } catch (err) {
          instrumentation.recordError(span, err);
          res.writeHead(500).end((err as Error).message);
        }
      }, { kind: SpanKind.SERVER })
      .catch(() => {}),
  );
});
server.listen(0, '127.0.0.1', () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});

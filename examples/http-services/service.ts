/**
 * One of the three services: `service.ts gateway|orders|inventory [downstream-url]`. Its only
 * tracing code is `initTracing()` (default instrumentations: node:http in and out, fetch out) and
 * `setHttpRoute()` to name routes, since plain node:http has no router to do it. Configured by
 * OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT. Prints `ready <port>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTracing, setHttpRoute } from '../../src/index.js';

initTracing();

const [role, downstream] = process.argv.slice(2);
const STOCK: Record<string, number> = { book: 12, lamp: 3 };

type Reply = { status: number; body: unknown };

/** orders → inventory over node:http (SERVER spans by tracewise, CLIENT spans by @opentelemetry/instrumentation-http). */
function getJson(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
      })
      .on('error', reject);
  });
}

async function handle(method: string, url: URL): Promise<Reply> {
  if (url.pathname === '/health') return { status: 200, body: { ok: true } };
  if (role === 'gateway' && method === 'GET' && url.pathname === '/checkout') {
    setHttpRoute('/checkout');
    const item = url.searchParams.get('item') ?? 'book';
    // gateway → orders with fetch (traced by @opentelemetry/instrumentation-undici)
    const res = await fetch(`${downstream}/orders?item=${encodeURIComponent(item)}`, { method: 'POST' });
    return { status: res.status, body: await res.json() };
  }
  if (role === 'orders' && method === 'POST' && url.pathname === '/orders') {
    setHttpRoute('/orders');
    const item = url.searchParams.get('item') ?? '';
    const stock = await getJson(`${downstream}/stock/${encodeURIComponent(item)}`);
    if (stock.status !== 200) return { status: 409, body: { error: `cannot order ${item}`, inventory: stock.body } };
    return { status: 201, body: { order: `o-${Date.now()}`, item } };
  }
  const m = /^\/stock\/([^/]+)$/.exec(url.pathname);
  if (role === 'inventory' && method === 'GET' && m) {
    setHttpRoute('/stock/:item');
    const count = STOCK[decodeURIComponent(m[1])];
    return count === undefined ? { status: 404, body: { error: 'unknown item' } } : { status: 200, body: { count } };
  }
  return { status: 404, body: { error: 'not found' } };
}

const server = http.createServer((req, res) => {
  handle(req.method ?? 'GET', new URL(req.url ?? '/', 'http://localhost')).then(
    ({ status, body }) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    (err: unknown) => res.writeHead(500).end(JSON.stringify({ error: String(err) })),
  );
});
server.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as AddressInfo).port}`));

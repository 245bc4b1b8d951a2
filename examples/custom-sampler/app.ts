/**
 * The shop service with its own sampler: every checkout is kept, static files never, anything
 * else 25% of the time. Wrapped in ParentBasedSampler, so spans with a parent follow it: the
 * checkout's call to /price and the /price server span are kept with it. Prints `ready <port>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { initTracing, setHttpRoute } from '../../src/index.js';
import { RouteSampler } from './routeSampler.js';

initTracing({
  sampler: new ParentBasedSampler({
    root: new RouteSampler([{ prefix: '/checkout', ratio: 1 }, { prefix: '/static/', ratio: 0 }], 0.25),
  }),
});

let self = '';
const server = http.createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/checkout') {
    setHttpRoute('/checkout');
    const price = (await fetch(`${self}/price`).then((r) => r.json())) as { cents: number };
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ order: 'o-1', ...price }));
  } else if (path === '/price') {
    setHttpRoute('/price');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"cents":1299}');
  } else if (path.startsWith('/static/')) {
    res.writeHead(200, { 'content-type': 'text/css' }).end('body{}');
  } else if (path === '/products') {
    setHttpRoute('/products');
    res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  } else res.writeHead(404).end();
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  self = `http://127.0.0.1:${port}`;
  console.log(`ready ${port}`);
});

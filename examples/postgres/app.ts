/**
 * The catalog service: node:http + a pg Pool on DATABASE_URL, no tracing code. GET /products/:id
 * reads a product; GET /report queries a table that does not exist (the query span records the
 * error). Prints `ready <port>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { setHttpRoute } from '../../src/index.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });

async function handle(url: URL): Promise<[number, unknown]> {
  if (url.pathname === '/health') return [200, { ok: true }];
  const m = /^\/products\/(\d+)$/.exec(url.pathname);
  if (m) {
    setHttpRoute('/products/:id');
    const { rows } = await pool.query('SELECT id, name, price_cents FROM products WHERE id = $1', [Number(m[1])]);
    return rows.length ? [200, rows[0]] : [404, { error: 'no such product' }];
  }
  if (url.pathname === '/report') {
    setHttpRoute('/report');
    const { rows } = await pool.query('SELECT count(*) FROM sales');
    return [200, rows[0]];
  }
  return [404, { error: 'not found' }];
}

const server = http.createServer((req, res) => {
  handle(new URL(req.url ?? '/', 'http://localhost')).then(
    ([status, body]) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    (err: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.message })),
  );
});
server.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => {
  server.close();
  void pool.end();
});

/**
 * `npm run demo`: an embedded OTLP/gRPC receiver and three HTTP services on loopback
 * (gateway → orders → inventory), each its own process with its own tracewise. It sends a few
 * requests (one failing, one slow), stops the services (SIGTERM: each flushes its spans), and
 * prints every received trace as a waterfall. Nothing external is needed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { startOtlpServer } from '../../test/helpers/otlpServer.js';
import { waterfall } from './waterfall.js';

const serviceScript = fileURLToPath(new URL('./service.ts', import.meta.url));

async function startService(name: string, endpoint: string, downstream?: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', serviceScript, name, ...(downstream ? [downstream] : [])], {
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited early with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

const receiver = await startOtlpServer();
const services: ChildProcess[] = [];
try {
  const inventory = await startService('inventory', receiver.url);
  services.push(inventory.child);
  const orders = await startService('orders', receiver.url, inventory.url);
  services.push(orders.child);
  const gateway = await startService('gateway', receiver.url, orders.url);
  services.push(gateway.child);

  console.log(`OTLP receiver on ${receiver.url}; gateway on ${gateway.url}\n`);
  for (const item of ['book', 'lamp', 'broken', 'slow']) {
    const res = await get(`${gateway.url}/checkout?item=${item}`);
    console.log(`GET /checkout?item=${item} → ${res.status} ${res.body}`);
  }

  // SIGTERM: each service's tracewise flushes its spans, then the process exits as it would have.
  for (const child of services) child.kill('SIGTERM');
  await Promise.all(services.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : null)));
  services.length = 0;

  const traces = new Map<string, typeof receiver.spans>();
  for (const s of receiver.spans) traces.set(s.traceId, [...(traces.get(s.traceId) ?? []), s]);
  console.log(`\nReceived ${receiver.spans.length} spans in ${traces.size} traces:\n`);
  for (const [traceId, spans] of traces) {
    const services = new Set(spans.map((s) => s.resource['service.name']));
    console.log(`trace ${traceId} (${spans.length} spans, ${services.size} services)`);
    console.log(waterfall(spans));
    console.log();
  }
  if (traces.size !== 4 || [...traces.values()].some((t) => new Set(t.map((s) => s.resource['service.name'])).size !== 3)) {
    console.error('expected 4 traces, each spanning gateway, orders and inventory');
    process.exitCode = 1;
  }
} finally {
  for (const child of services) child.kill('SIGKILL');
  await receiver.stop();
}

/**
 * The service under test of `npm run bench:http`: `httpService.ts <case> <otlp-url>`. One
 * node:http server answering GET /orders/<n> with a small JSON order; every 100th order id (n % 100
 * === 99) fails with a 500, so error forcing has something to force. Cases:
 * - `none`: no tracing at all.
 * - `nodesdk`: the official NodeSDK (@opentelemetry/sdk-node) with its defaults plus
 *   `traceExporter: new OTLPTraceExporter({ url })` (OTLP/gRPC) and
 *   `instrumentations: [new HttpInstrumentation()]`. Its defaults include a metrics pipeline
 *   (OTLP/HTTP to localhost:4318 every 60 s) and a logs pipeline.
 * - `nodesdk-traces`: the same with OTEL_METRICS_EXPORTER=none and OTEL_LOGS_EXPORTER=none:
 *   traces only, like tracewise.
 * - `tracewise`: `initTracing({ sampler: { ratio: 0.1, forceErrors: true } })` (or
 *   `samplingRate: 0.1` if error forcing is not available in this tree), default instrumentations.
 * - `tracewise-all`: `initTracing()` keeping every trace, for comparison at the same volume.
 * - `tracewise-none`: `initTracing({ samplingRate: 0 })`: nothing recorded or exported, so what
 *   remains is the HTTP instrumentation's own work per request (the floor of any sampling rate).
 * - `tracewise-head`, `tracewise-force` (with --cases only, to see where the time goes): 10% head
 *   sampling without forcing; forcing errors with no head sampling.
 * - `context-only`: no tracing; each request runs inside `AsyncLocalStorage.run()`, the
 *   mechanism of every Node tracer's context: the floor any of them pays on this Node version.
 * tracewise cases load the package built as npm ships it (bench/builtPackage.ts).
 * node:http is loaded with require() after the setup, as an application loaded after a preload
 * would be, so that every case patches it the way its documentation says.
 * Prints `ready <port> <detail>` on stdout; answers any IPC message with `{ cpuUs, sysUs, mainUs, requests }` (CPU time, its kernel part, the main thread's part).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type * as Http from 'node:http';
import { importBuilt } from './builtPackage.js';

const [which, url] = process.argv.slice(2);
let detail = '';

if (which === 'nodesdk' || which === 'nodesdk-traces') {
  if (which === 'nodesdk-traces') {
    process.env.OTEL_METRICS_EXPORTER = 'none';
    process.env.OTEL_LOGS_EXPORTER = 'none';
  }
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const sdk = new NodeSDK({
    serviceName: 'bench-http',
    traceExporter: new OTLPTraceExporter({ url }),
    instrumentations: [new HttpInstrumentation()],
  });
  sdk.start();
  process.on('SIGTERM', () => void sdk.shutdown().finally(() => process.exit(0)));
  detail = which === 'nodesdk' ? 'defaults' : 'traces only';
} else if (which === 'tracewise' || which === 'tracewise-all' || which === 'tracewise-none' || which === 'tracewise-head' || which === 'tracewise-force') {
  // The built package, as users run it (bench/http.ts builds it first).
  const built = await importBuilt();
  const { isTracewiseError } = built;
  // BENCH_TRACEWISE_CONFIG: JSON merged over the case's options (diagnostics: what costs what).
  const extra = JSON.parse(process.env.BENCH_TRACEWISE_CONFIG ?? '{}') as object;
  const initTracing = (options: Parameters<typeof built.initTracing>[0]) => built.initTracing({ ...options, ...extra });
  const base = { serviceName: 'bench-http', endpoint: url };
  if (which === 'tracewise-head') {
    initTracing({ ...base, samplingRate: 0.1 });
    detail = 'samplingRate: 0.1, no forcing';
  } else if (which === 'tracewise-force') {
    initTracing({ ...base, sampler: { ratio: 0, forceErrors: true } });
    detail = 'sampler: { ratio: 0, forceErrors: true }';
  } else if (which === 'tracewise-all') {
    initTracing(base);
    detail = 'keep all';
  } else if (which === 'tracewise-none') {
    initTracing({ ...base, samplingRate: 0 });
    detail = 'keep none';
  } else {
    try {
      // The object form of `sampler` (error forcing) is being built in src/forcing.
      initTracing({ ...base, sampler: { ratio: 0.1, forceErrors: true } } as Parameters<typeof initTracing>[0]);
      detail = 'sampler: { ratio: 0.1, forceErrors: true }';
    } catch (err) {
      if (!isTracewiseError(err)) throw err;
      initTracing({ ...base, samplingRate: 0.1 });
      detail = 'samplingRate: 0.1 (error forcing not available in this tree)';
    }
  }
} else if (which !== 'none' && which !== 'context-only') {
  throw new Error(`unknown case ${which}`);
}

const http = createRequire(import.meta.url)('node:http') as typeof Http;

// The parent asks over IPC for this process's CPU time and request count, before and after the
// measured load: CPU per request is the figure that does not depend on what else the machine runs.
let requests = 0;
// The main thread's own CPU time (user + system), where Linux tells it (/proc/thread-self, in
// clock ticks of 10 ms): what limits this service's req/s. process.cpuUsage() adds every other
// thread (GC helpers, the compiler, libuv's pool, a worker). The read must stay synchronous:
// an asynchronous one would run on a libuv pool thread and read that thread's time.
const mainThreadUs = (): number | undefined => {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // After "pid (comm) ": the thread name may hold ") ", so from the last one.
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const us = (Number(fields[11]) + Number(fields[12])) * 10_000; // utime, stime: fields 14, 15
    return Number.isFinite(us) ? us : undefined;
  } catch {
    return undefined;
  }
};
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send!({ cpuUs: user + system, sysUs: system, mainUs: mainThreadUs(), requests });
});

const handler: Http.RequestListener = (req, res) => {
  requests++;
  const m = /^\/orders\/(\d+)/.exec(req.url ?? '');
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  const id = Number(m[1]);
  if (id % 100 === 99) {
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"inventory unavailable"}');
    return;
  }
  const order = {
    id,
    status: 'confirmed',
    items: Array.from({ length: 5 }, (_, i) => ({ sku: `sku-${id}-${i}`, qty: 1 + (i % 3), price: 9.99 + i })),
  };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(order));
};
// context-only: each request runs in AsyncLocalStorage.run(), as any tracer's context does,
// and nothing else: the cost of context propagation alone on this Node version.
const als = new AsyncLocalStorage<object>();
const server = http.createServer(which === 'context-only' ? (req, res) => als.run({ req }, handler, req, res) : handler);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`ready ${(server.address() as AddressInfo).port} ${detail}`);
});

/**
 * `npm run bench:http [-- --duration 10 --rounds 3 --connections 32 --write]` (diagnostics: `--cases a,b`,
 * `--rate <req/s>`, `--pin`; see their options below): HTTP overhead of
 * tracing on one node:http service (bench/httpService.ts) under a fixed load from autocannon on
 * loopback. Three processes: the service under test (a child, one per case and round), autocannon
 * (this process), and the OTLP/gRPC receiver (bench/httpReceiver.ts, another child), so none of
 * them shares an event loop. Rounds rotate the case order; each figure is the median over
 * rounds. `--write` replaces the `## HTTP overhead` section of BENCHMARKS.md. The tracewise
 * cases run the package built as npm ships it (bench/builtPackage.ts), not the TypeScript sources.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildForBench } from './builtPackage.js';
import { median } from './harness.js';
import { serviceReady } from './serviceReady.js';

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: object) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    // Diagnostics: a fixed request rate instead of as many as the service answers (service CPU
    // per request is then the figure), and the service pinned to the last CPU, autocannon and the
    // receiver to the others (taskset), which removes most of the run-to-run noise of a 2-core VM.
    rate: { type: 'string' },
    pin: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    cases: { type: 'string' },
  },
});
const duration = Number(args.duration);
const warmup = Number(args.warmup);
const rounds = Number(args.rounds);
const connections = Number(args.connections);
const rate = args.rate === undefined ? undefined : Number(args.rate);
if (args.write && (rate !== undefined || args.pin)) throw new Error('--write measures the default way: leave --rate and --pin out');
const cpus = os.cpus().length;
if (args.pin) {
  if (cpus < 2) throw new Error('--pin needs 2 CPUs or more');
  // This process (autocannon) and the receiver it forks: every CPU but the last.
  execFileSync('taskset', ['-p', '-c', `0-${cpus - 2}`, String(process.pid)], { stdio: 'ignore' });
}

buildForBench();

const ALL_CASES = ['none', 'context-only', 'nodesdk', 'nodesdk-traces', 'tracewise', 'tracewise-all', 'tracewise-none'] as const;
// Diagnostic cases, only with --cases: the two halves of the `tracewise` case.
const EXTRA_CASES = ['tracewise-head', 'tracewise-force'] as const;
type Case = (typeof ALL_CASES)[number] | (typeof EXTRA_CASES)[number];
// `--cases none,tracewise` for a quick look while working; --write needs them all.
const CASES: readonly Case[] = args.cases ? [...ALL_CASES, ...EXTRA_CASES].filter((c) => args.cases!.split(',').includes(c)) : ALL_CASES;
if (CASES.length === 0) throw new Error(`--cases names no known case; known: ${[...ALL_CASES, ...EXTRA_CASES].join(', ')}`);
// Anything but exactly the published cases gets the short summary, and cannot be written.
const partial = CASES.length !== ALL_CASES.length || ALL_CASES.some((c) => !CASES.includes(c));
if (args.write && partial) throw new Error('--write needs every case (leave --cases out)');
const LABELS: Record<Case, string> = {
  none: 'no tracing',
  'context-only': 'no tracing, each request in AsyncLocalStorage.run() (the context floor of any tracer)',
  nodesdk: 'official NodeSDK, defaults',
  'nodesdk-traces': 'official NodeSDK, traces only (metrics and logs exporters off)',
  tracewise: 'tracewise, 10% head + error forcing',
  'tracewise-all': 'tracewise, keep all (for reference)',
  'tracewise-head': 'tracewise, 10% head, no forcing',
  'tracewise-force': 'tracewise, error forcing only (no head sampling)',
  'tracewise-none': 'tracewise, keep none: the HTTP instrumentation alone (for reference)',
};

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
// 100 order ids per connection, in turn; id 99 answers 500 (1% errors).
const requests = Array.from({ length: 100 }, (_, i) => ({ method: 'GET', path: `/orders/${i}` }));

async function startReceiver(): Promise<{ child: ChildProcess; url: string; spans(): Promise<number> }> {
  const child = fork(here('./httpReceiver.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [first] = (await once(child, 'message')) as [{ url: string }];
  const spans = async () => {
    child.send('stats');
    const [m] = (await once(child, 'message')) as [{ spans: number }];
    return m.spans;
  };
  return { child, url: first.url, spans };
}

interface Usage {
  cpuUs: number;
  /** The kernel's part of cpuUs. */
  sysUs: number;
  /** The main thread's part of cpuUs (Linux only; 10 ms resolution). */
  mainUs?: number;
  requests: number;
}

async function startService(which: Case, otlpUrl: string): Promise<{ child: ChildProcess; url: string; detail: string; usage(): Promise<Usage> }> {
  // BENCH_SERVICE_FLAGS: extra Node/V8 flags for the service under test (e.g. --trace-gc-nvp,
  // --cpu-prof), to see where its time goes; its output then goes to this process's stderr.
  // BENCH_TRACEWISE_CONFIG (JSON merged over a tracewise case's initTracing options) and
  // BENCH_DIST_DIR (another build, bench/builtPackage.ts) reach it through the environment.
  const flags = process.env.BENCH_SERVICE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const argv = [...flags, '--import', 'tsx', here('./httpService.ts'), which, otlpUrl];
  const child = spawn(args.pin ? 'taskset' : process.execPath, args.pin ? ['-c', String(cpus - 1), process.execPath, ...argv] : argv, {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, OTEL_LOG_LEVEL: 'error' },
  });
  const { port, detail } = await serviceReady(child, which, flags.length > 0);
  const usage = async () => {
    child.send('usage');
    const [m] = (await once(child, 'message')) as [Usage];
    return m;
  };
  return { child, url: `http://127.0.0.1:${port}`, detail, usage };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM'); // tracing flushes on SIGTERM
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Service CPU time (user + system) per request handled, µs. */
  cpuPerReq: number;
  /** Of which in the kernel (system time), µs. */
  sysPerReq: number;
  /** Of which on the main thread, µs (NaN where not known). */
  mainPerReq: number;
  requests: number;
  spans: number;
  non2xx: number;
  errors: number;
}

const shownUs = (us: number) => (Number.isNaN(us) ? 'n/a' : us.toFixed(1));

const samples = new Map<Case, Sample[]>(CASES.map((c) => [c, []]));
const details = new Map<Case, string>();
const receiver = await startReceiver();
try {
  for (let r = 0; r < rounds; r++) {
    const order = CASES.map((_, i) => CASES[(i + r) % CASES.length]);
    for (const which of order) {
      const service = await startService(which, receiver.url);
      try {
        details.set(which, service.detail);
        const load = { url: service.url, connections, pipelining: 1, requests, ...(rate !== undefined ? { overallRate: rate } : {}) };
        await autocannon({ ...load, duration: warmup });
        const spansBefore = await receiver.spans();
        const before = await service.usage();
        const res = await autocannon({ ...load, duration });
        const after = await service.usage();
        await stop(service.child);
        const spans = (await receiver.spans()) - spansBefore;
        const s: Sample = {
          rps: res.requests.average,
          p50: res.latency.p50,
          p99: res.latency.p99,
          cpuPerReq: (after.cpuUs - before.cpuUs) / (after.requests - before.requests),
          sysPerReq: (after.sysUs - before.sysUs) / (after.requests - before.requests),
          mainPerReq:
            typeof after.mainUs === 'number' && typeof before.mainUs === 'number' ? (after.mainUs - before.mainUs) / (after.requests - before.requests) : NaN,
          requests: Math.round(res.requests.average * duration),
          spans,
          non2xx: res.non2xx,
          errors: res.errors + res.timeouts,
        };
        samples.get(which)!.push(s);
        console.error(`round ${r + 1}/${rounds} ${which.padEnd(14)} ${s.rps.toFixed(0).padStart(6)} req/s  p99 ${s.p99} ms  ${s.cpuPerReq.toFixed(1)} µs CPU/req (kernel ${s.sysPerReq.toFixed(1)}, main thread ${shownUs(s.mainPerReq)})  spans ${spans}`);
      } finally {
        await stop(service.child);
      }
    }
  }
} finally {
  receiver.child.disconnect();
}

const summary = new Map(
  CASES.map((c) => {
    const xs = samples.get(c)!;
    return [
      c,
      {
        rps: median(xs.map((x) => x.rps)),
        p99: median(xs.map((x) => x.p99)),
        p50: median(xs.map((x) => x.p50)),
        cpu: median(xs.map((x) => x.cpuPerReq)),
        sys: median(xs.map((x) => x.sysPerReq)),
        main: median(xs.map((x) => x.mainPerReq)),
        spansPerReq: median(xs.map((x) => x.spans / x.requests)),
      },
    ];
  }),
);
if (partial) {
  const none = summary.get('none');
  for (const [c, x] of summary) {
    const ratio = none ? ` ${(x.rps / none.rps).toFixed(2)}× no tracing` : '';
    console.log(`${c.padEnd(14)} ${x.rps.toFixed(0).padStart(6)} req/s${ratio}  p99 ${x.p99} ms  ${x.cpu.toFixed(1)} µs CPU/req (kernel ${x.sys.toFixed(1)}, main thread ${shownUs(x.main)})  ${x.spansPerReq.toFixed(3)} spans/req`);
  }
  process.exit(0);
}
const base = summary.get('none')!;
const sdk = summary.get('nodesdk')!;
const sdkTraces = summary.get('nodesdk-traces')!;
const tw = summary.get('tracewise')!;

const lines: string[] = [];
lines.push('## HTTP overhead', '');
lines.push(
  `Produced by \`npm run bench:http\` (Node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model.trim()}): one node:http service ` +
    `(bench/httpService.ts: GET /orders/<n> answering a 5-item JSON order, 1% of ids answer 500) in a child process; ` +
    `autocannon in the parent, ${connections} connections, no pipelining, ${warmup} s warm-up then ${duration} s measured; the OTLP/gRPC ` +
    `receiver (test/helpers/otlpServer.ts, counting only) in a third process. ${rounds} rounds in rotating order; medians.`,
  '',
  'req/s and latency depend on everything else the machine runs (see the load average and the per-round figures below); the service\'s own CPU time per request depends much less on it, and is the figure to compare across runs.',
  '',
);
lines.push('| case | req/s | × no tracing | p50 ms | p99 ms | service CPU µs / request | of which kernel | spans exported / request |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const c of CASES) {
  const s = summary.get(c)!;
  const label = c === 'tracewise' ? `${LABELS[c]} (${details.get(c)})` : LABELS[c];
  lines.push(`| ${label} | ${s.rps.toFixed(0)} | ${(s.rps / base.rps).toFixed(2)} | ${s.p50} | ${s.p99} | ${s.cpu.toFixed(1)} | ${s.sys.toFixed(1)} | ${s.spansPerReq.toFixed(3)} |`);
}
lines.push('');
lines.push(`- NodeSDK cases: \`new NodeSDK({ serviceName, traceExporter: new OTLPTraceExporter({ url }) /* exporter-trace-otlp-grpc */, instrumentations: [new HttpInstrumentation()] }).start()\`, everything else default: parent-based always-on sampler, BatchSpanProcessor (512 spans / 5000 ms / 2048 queue), default resource detectors, AsyncLocalStorage context, W3C propagators, and (defaults case only) the default metrics pipeline (PeriodicExportingMetricReader, OTLP/HTTP to localhost:4318 every 60 s: the HTTP instrumentation records its duration histograms into it; nothing listens on 4318, which only shows as one failed export at shutdown) and logs pipeline. The traces-only case sets OTEL_METRICS_EXPORTER=none and OTEL_LOGS_EXPORTER=none.`);
lines.push(`- tracewise case: \`initTracing({ serviceName, endpoint, ${details.get('tracewise')?.split(' (')[0] ?? ''} })\` with its default instrumentations (HTTP + undici) and defaults otherwise, built as npm ships it (bench/builtPackage.ts), not the TypeScript sources through tsx.`);
lines.push('');
// Rounds run the cases back to back, so a ratio within one round compares like with like even
// when the machine's speed drifts between rounds (it does, by ±20% here): the median of the
// per-round ratios is the figure against the targets.
const perRound = (a: Case, b: Case, f: (x: Sample) => number) =>
  median(samples.get(a)!.map((x, i) => f(x) / f(samples.get(b)![i])));
lines.push('```');
lines.push(`tracewise req/s / no tracing        = ${(tw.rps / base.rps).toFixed(3)} (medians); ${perRound('tracewise', 'none', (x) => x.rps).toFixed(3)} (median of per-round ratios) (target >= 0.90)`);
lines.push(`tracewise req/s / NodeSDK defaults  = ${(tw.rps / sdk.rps).toFixed(3)} (medians); ${perRound('tracewise', 'nodesdk', (x) => x.rps).toFixed(3)} (per-round) (target > 1)`);
lines.push(`tracewise p99   / NodeSDK defaults  = ${(tw.p99 / sdk.p99).toFixed(3)} (medians); ${perRound('tracewise', 'nodesdk', (x) => x.p99).toFixed(3)} (per-round) (target < 1)`);
lines.push(`tracewise req/s / NodeSDK traces    = ${(tw.rps / sdkTraces.rps).toFixed(3)}`);
lines.push(`tracewise p99   / NodeSDK traces    = ${(tw.p99 / sdkTraces.p99).toFixed(3)}`);
lines.push(`service CPU per request over no tracing: tracewise ${(tw.cpu - base.cpu).toFixed(1)} µs, NodeSDK defaults ${(sdk.cpu - base.cpu).toFixed(1)} µs, NodeSDK traces only ${(sdkTraces.cpu - base.cpu).toFixed(1)} µs`);
lines.push('```');
const floor = summary.get('tracewise-none')!;
const ctx = summary.get('context-only')!;
lines.push('');
lines.push(
  `Where the time goes (service CPU per request, medians): the handler alone ${base.cpu.toFixed(1)} µs; running each request in ` +
    `AsyncLocalStorage, as every Node tracer does, ${ctx.cpu - base.cpu > 0.2 ? `${(ctx.cpu - base.cpu).toFixed(1)} µs more` : `no measurable cost (${(ctx.cpu - base.cpu).toFixed(1)} µs)`} (${perRound('context-only', 'none', (x) => x.rps).toFixed(2)} of the req/s); ` +
    `tracewise's HTTP server instrumentation with nothing kept (keep-none) ${(floor.cpu - base.cpu).toFixed(1)} µs over the handler ` +
    `(${perRound('tracewise-none', 'none', (x) => x.rps).toFixed(2)} of the req/s: the floor of every sampling rate); 10% head sampling with error forcing ` +
    `${(tw.cpu - floor.cpu).toFixed(1)} µs over that floor (a provisional span for every request, one span in ten recorded, encoded and sent); ` +
    `keeping every span ${(summary.get('tracewise-all')!.cpu - floor.cpu).toFixed(1)} µs over the floor (NodeSDK, traces only: ` +
    `${(sdkTraces.cpu - base.cpu).toFixed(1)} µs over the handler). The CPU per request includes the kernel's share of each response's ` +
    `write on loopback (waking the load generator), which grows as the service slows: req/s falls faster than the JavaScript work added.`,
);
lines.push('');
lines.push(`Machine load average when done: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other processes share these ${os.cpus().length} cores).`, '');
lines.push('Per round (req/s, p99 ms):', '');
for (const c of CASES) {
  lines.push(`- ${c}: ${samples.get(c)!.map((s) => `${s.rps.toFixed(0)} / ${s.p99}`).join(', ')}${samples.get(c)!.some((s) => s.errors) ? ' (socket errors seen)' : ''}`);
}
const section = lines.join('\n') + '\n';
console.log('\n' + section);

if (args.write) {
  const file = here('../BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('\n## HTTP overhead');
  let next = start === -1 ? -1 : text.indexOf('\n## ', start + 1);
  const updated =
    start === -1
      ? `${text.trimEnd()}\n\n${section}`
      : `${text.slice(0, start)}\n${section}${next === -1 ? '' : text.slice(next)}`;
  writeFileSync(file, updated);
  console.error('BENCHMARKS.md updated');
}

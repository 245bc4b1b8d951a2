/**
 * Export benchmark: tracewise's pipeline next to the official default (BatchSpanProcessor +
 * OTLPTraceExporter over gRPC, defaults), against the same OTLP/gRPC receiver running in a child
 * process. Scenarios (select with argv, default all):
 *   throughput  highest steady rate with zero loss over 10 s
 *   outage      a 10 s collector outage at 5k spans/s in a 15 s run: loss, resumption, event-loop lag
 *   heap        memory during a 60 s outage at 20k spans/s, after a 5 s warm-up with the collector up
 * Run: `npx tsx bench/export.ts [throughput] [outage] [heap] [--heap-seconds=60]
 * [--exporters=tracewise,official[,discard]]`. Figures only: nothing here asserts on speed.
 */
import { trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createExportPipeline, EXPORT_DEFAULTS, type ExportPipeline } from '../src/export/index.js';
import { startReceiver, type Receiver } from './receiver.js';

/**
 * `discard` (heap only, with --exporters=...): a processor that drops every ended span, for the
 * memory of the application's own span garbage at the same rate with no pipeline at all.
 */
const EXPORTER_NAMES = ['tracewise', 'official', 'discard'] as const;
type ExporterName = (typeof EXPORTER_NAMES)[number];
const EXPORTERS: ExporterName[] = ['tracewise', 'official'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

const discarding: SpanProcessor = {
  onStart() {},
  onEnd() {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

function makeProcessor(name: ExporterName, url: string): SpanProcessor {
  if (name === 'discard') return discarding;
  return name === 'tracewise' ? createExportPipeline({ endpoint: url }) : new BatchSpanProcessor(new OTLPTraceExporter({ url }));
}

function makeProvider(processor: SpanProcessor) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'export-bench', 'host.name': 'bench-host' }),
    spanProcessors: [processor],
  });
  return { provider, tracer: provider.getTracer('export-bench', '1.0.0') };
}

/** An HTTP-server-like span: six attributes, ~200 bytes encoded. */
function oneSpan(tracer: Tracer, i: number): void {
  const span = tracer.startSpan('GET /api/orders/:id', {
    kind: 1,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/api/orders/:id',
      'url.path': `/api/orders/${i % 10_000}`,
      'http.response.status_code': 200,
      'server.address': 'orders.internal',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) bench',
    },
  });
  span.end();
}

/**
 * Ends spans at `rate` per second for `ms`, in 1 ms ticks, as an application would. When the
 * process cannot keep up, it falls behind (catch-up is capped at 20 ms worth per tick) and the
 * achieved rate says so.
 */
async function generate(tracer: Tracer, rate: number, ms: number, startIndex = 0): Promise<number> {
  const t0 = performance.now();
  let made = 0;
  const maxPerTick = Math.max(1, Math.round(rate / 50));
  for (;;) {
    const elapsed = performance.now() - t0;
    if (elapsed >= ms) break;
    const due = Math.min(Math.floor((rate * elapsed) / 1000) - made, maxPerTick);
    for (let i = 0; i < due; i++) oneSpan(tracer, startIndex + made + i);
    if (due > 0) made += due;
    await sleep(1);
  }
  return made;
}

/** Waits until the receiver's count stops moving (or reaches `expected`). */
async function settle(receiver: Receiver, expected: number, maxMs = 15_000) {
  const until = Date.now() + maxMs;
  let last = await receiver.stats();
  let stableSince = Date.now();
  while (Date.now() < until && last.uniqueSpanCount < expected) {
    await sleep(200);
    const s = await receiver.stats();
    if (s.spanCount !== last.spanCount) stableSince = Date.now();
    last = s;
    if (Date.now() - stableSince > 2000) break;
  }
  return last;
}

const load = () => `(load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`;
const pct = (lost: number, total: number) => (total ? ((100 * lost) / total).toFixed(1) : '0.0');

// ---- (a) lossless throughput ----

interface ThroughputRow {
  exporter: ExporterName;
  rate: number;
  achieved: number;
  made: number;
  received: number;
  duplicates: number;
  lost: number;
}

async function throughputRun(receiver: Receiver, name: ExporterName, rate: number, seconds: number): Promise<ThroughputRow> {
  await receiver.clear();
  const processor = makeProcessor(name, receiver.url);
  const { provider, tracer } = makeProvider(processor);
  const made = await generate(tracer, rate, seconds * 1000);
  await provider.forceFlush().catch(() => undefined);
  const s = await settle(receiver, made);
  await provider.shutdown().catch(() => undefined);
  return {
    exporter: name,
    rate,
    achieved: Math.round(made / seconds),
    made,
    received: s.uniqueSpanCount,
    duplicates: s.spanCount - s.uniqueSpanCount,
    lost: made - s.uniqueSpanCount,
  };
}

async function throughput(receiver: Receiver, exporters: ExporterName[]) {
  const ladder = [5_000, 10_000, 15_000, 20_000, 30_000, 40_000, 50_000, 60_000, 75_000, 100_000, 125_000, 150_000];
  console.log(`\n## (a) lossless throughput: steady rate for 10 s, then flush ${load()}\n`);
  console.log('| exporter | target spans/s | achieved | lost | lost % | duplicates | load avg |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const best: Record<string, number> = {};
  const rows: ThroughputRow[] = [];
  const attempt = async (name: ExporterName, rate: number) => {
    const r = await throughputRun(receiver, name, rate, 10);
    rows.push(r);
    console.log(`| ${name} | ${rate} | ${r.achieved} | ${r.lost} | ${pct(r.lost, r.made)} | ${r.duplicates} | ${loadavg()[0].toFixed(1)} |`);
    // Lossless only counts while the generator really produced the rate.
    const ok = r.lost === 0 && r.achieved >= rate * 0.95;
    if (ok) best[name] = Math.max(best[name], r.achieved);
    return ok;
  };
  // Exporters take turns at each rate, so that both see the same machine (it may be shared).
  const lastOk: Record<string, number> = {};
  const firstBad: Record<string, number> = {};
  for (const name of exporters) (best[name] = 0), (lastOk[name] = 0);
  for (const rate of ladder) {
    const going = exporters.filter((n) => firstBad[n] === undefined);
    if (going.length === 0) break;
    for (const name of going) {
      if (await attempt(name, rate)) lastOk[name] = rate;
      else firstBad[name] = rate;
    }
  }
  // One more step halfway between the last lossless rate and the first lossy one.
  for (const name of exporters) {
    const mid = Math.round((lastOk[name] + (firstBad[name] ?? 0)) / 2 / 1000) * 1000;
    if (firstBad[name] !== undefined && mid > lastOk[name] && mid < firstBad[name]) await attempt(name, mid);
  }
  console.log('\nhighest lossless rate: ' + exporters.map((n) => `${n} ${best[n]} spans/s`).join(', '));
  if (best.official) console.log(`ratio tracewise/official: ${(best.tracewise / best.official).toFixed(2)}×`);
  return { rows, best };
}

// ---- (b) + (c) outage: loss, resumption, event-loop lag ----

interface OutageRow {
  exporter: ExporterName;
  made: number;
  received: number;
  duplicates: number;
  lost: number;
  resumedAfterMs?: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

async function outageRun(receiver: Receiver, name: ExporterName): Promise<OutageRow> {
  await receiver.clear();
  const rate = 5000;
  const processor = makeProcessor(name, receiver.url);
  const { provider, tracer } = makeProvider(processor);
  let made = await generate(tracer, rate, 2500);
  await receiver.stop(); // the collector goes away without warning
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  made += await generate(tracer, rate, 10_000, made);
  lag.disable();
  await receiver.start();
  made += await generate(tracer, rate, 2500, made);
  const resumed = (await receiver.stats()).firstRequestAfterStartMs;
  await provider.forceFlush().catch(() => undefined);
  const s = await settle(receiver, made);
  await provider.shutdown().catch(() => undefined);
  return {
    exporter: name,
    made,
    received: s.uniqueSpanCount,
    duplicates: s.spanCount - s.uniqueSpanCount,
    lost: made - s.uniqueSpanCount,
    resumedAfterMs: resumed,
    lagP50Ms: lag.percentile(50) / 1e6,
    lagP99Ms: lag.percentile(99) / 1e6,
    lagMaxMs: lag.max / 1e6,
  };
}

async function outage(receiver: Receiver, exporters: ExporterName[]) {
  console.log(`\n## (b) 10 s collector outage at 5,000 spans/s (15 s run), (c) event-loop lag during the outage ${load()}\n`);
  console.log('| exporter | spans | lost | lost % | duplicates | first request after return | lag p50 | lag p99 | lag max |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const rows: OutageRow[] = [];
  for (const name of exporters) {
    const r = await outageRun(receiver, name);
    rows.push(r);
    const resumed = r.resumedAfterMs === undefined ? 'not within 2.5 s' : `${r.resumedAfterMs} ms`;
    console.log(
      `| ${name} | ${r.made} | ${r.lost} | ${pct(r.lost, r.made)} | ${r.duplicates} | ${resumed} | ${r.lagP50Ms.toFixed(2)} ms | ${r.lagP99Ms.toFixed(2)} ms | ${r.lagMaxMs.toFixed(1)} ms |`,
    );
  }
  return rows;
}

// ---- (d) memory during a long outage ----

interface Mem {
  heapUsed: number;
  arrayBuffers: number;
  rss: number;
}

/** Growth over one baseline (bytes). */
interface Growth {
  /** heapUsed + arrayBuffers, the highest and the median 100 ms sample of the outage. */
  peak: number;
  p50: number;
  peakHeap: number;
  peakBuffers: number;
  peakRss: number;
  /** What is still held after full GCs at the end: the real footprint. */
  retained: number;
}

interface HeapResult {
  /** Spans ended during the outage, and during the warm-up (collector up). */
  made: number;
  warmupMade: number;
  /** Over the value before the provider existed (module loading, JIT, channel setup count). */
  cold: Growth;
  /** Over the value after the warm-up, drained and collected (only the outage counts). */
  warm: Growth;
  dropped?: number;
  buffered?: number;
}

const WARMUP_MS = 5000;

/**
 * One memory run, in a fresh process (this script again, with --expose-gc): earlier scenarios
 * leave nothing on its heap, and a full GC is possible. Two baselines: "cold", before the
 * provider exists, and "warm", after `WARMUP_MS` at the same rate with the collector up (the
 * provider, the channel and the compiled code exist, the spans were delivered and collected).
 * The parent stops the collector once told the warm baseline is taken, then the outage runs.
 */
async function heapChild(name: ExporterName, seconds: number, url: string): Promise<HeapResult> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const settleHeap = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await sleep(50);
    }
  };
  const mem = (): Mem => process.memoryUsage();
  await settleHeap();
  const cold = mem();
  const processor = makeProcessor(name, url);
  const { provider, tracer } = makeProvider(processor);

  const warmupMade = await generate(tracer, 20_000, WARMUP_MS);
  await provider.forceFlush().catch(() => undefined);
  if (name === 'tracewise') {
    const p = processor as ExportPipeline;
    const until = Date.now() + 10_000;
    while (Date.now() < until && (p.stats().bufferedBytes > 0 || p.stats().inFlightRequests > 0)) await sleep(50);
  }
  await sleep(500);
  await settleHeap();
  const warm = mem();
  // The parent stops the collector, then answers.
  const outageBegins = new Promise((resolve) => process.once('message', resolve));
  process.send!({ phase: 'warm' });
  await outageBegins;

  const samples: number[] = [];
  const top: Mem = { heapUsed: 0, arrayBuffers: 0, rss: 0 };
  const sampler = setInterval(() => {
    const m = mem();
    samples.push(m.heapUsed + m.arrayBuffers);
    top.heapUsed = Math.max(top.heapUsed, m.heapUsed);
    top.arrayBuffers = Math.max(top.arrayBuffers, m.arrayBuffers);
    top.rss = Math.max(top.rss, m.rss);
  }, 100);
  const made = await generate(tracer, 20_000, seconds * 1000, warmupMade);
  clearInterval(sampler);
  const stats = name === 'tracewise' ? (processor as ExportPipeline).stats() : undefined;
  await settleHeap();
  const after = mem();
  samples.sort((a, b) => a - b);
  const over = (base: Mem): Growth => {
    const sum = base.heapUsed + base.arrayBuffers;
    return {
      peak: samples[samples.length - 1] - sum,
      p50: samples[Math.floor(samples.length / 2)] - sum,
      peakHeap: top.heapUsed - base.heapUsed,
      peakBuffers: top.arrayBuffers - base.arrayBuffers,
      peakRss: top.rss - base.rss,
      retained: after.heapUsed + after.arrayBuffers - sum,
    };
  };
  // No shutdown: the collector never came back, it would only wait out the flush deadline.
  return {
    made,
    warmupMade,
    cold: over(cold),
    warm: over(warm),
    dropped: stats?.droppedSpans,
    buffered: stats?.bufferedBytes,
  };
}

/** Runs heapChild in a fresh process; the collector is up for its warm-up, stopped for its outage. */
async function runHeapChild(receiver: Receiver, name: ExporterName, seconds: number): Promise<HeapResult> {
  await receiver.start();
  const child = fork(fileURLToPath(import.meta.url), [`--heap-child=${name},${seconds},${receiver.url}`], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  return new Promise<HeapResult>((resolve, reject) => {
    child.on('message', (m: HeapResult | { phase: 'warm' }) => {
      if (!('phase' in m)) return resolve(m);
      void receiver.stop().then(() => child.send({ outage: true }), reject);
    });
    child.once('exit', (code) => reject(new Error(`heap run exited (${code}) without a result`)));
  }).finally(() => {
    process.off('exit', kill);
    if (child.exitCode === null) child.kill('SIGKILL');
  });
}

async function heap(receiver: Receiver, exporters: ExporterName[], seconds = 60) {
  const budget = EXPORT_DEFAULTS.maxBufferBytes / MB;
  console.log(`\n## (d) memory during a ${seconds} s outage at 20,000 spans/s (tracewise budget ${budget} MiB = ${(EXPORT_DEFAULTS.maxBufferBytes / 1e6).toFixed(1)} MB) ${load()}\n`);
  console.log(
    `Each run in a fresh process: ${WARMUP_MS / 1000} s at 20,000 spans/s with the collector up, drained and collected, then the outage. ` +
      'Growth of heapUsed + arrayBuffers during the outage over two baselines: "cold" (before the provider existed) and "warm" (after the warm-up); "retained" after full GCs at the end.\n',
  );
  console.log('| exporter | baseline | spans | peak | median | retained | peak heapUsed | peak arrayBuffers | peak RSS | buffered | dropped |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const rows: (HeapResult & { exporter: ExporterName })[] = [];
  const notes: string[] = [];
  const f = (v: number | undefined) => (v === undefined ? '–' : `${(v / 1e6).toFixed(1)} MB`);
  try {
    for (const name of exporters) {
      const r = await runHeapChild(receiver, name, seconds);
      rows.push({ exporter: name, ...r });
      for (const [label, g] of [['cold', r.cold], ['warm', r.warm]] as const) {
        console.log(
          `| ${name} | ${label} | ${r.made} | ${f(g.peak)} | ${f(g.p50)} | ${f(g.retained)} | ${f(g.peakHeap)} | ${f(g.peakBuffers)} | ${f(g.peakRss)} | ${f(r.buffered)} | ${r.dropped ?? '–'} |`,
        );
      }
      notes.push(`${name}: warm-up ${r.warmupMade} spans; the warm baseline is ${f(r.cold.peak - r.warm.peak)} over the cold one; after the run ${load()}`);
    }
  } finally {
    await receiver.start();
  }
  console.log('\n' + notes.join('\n'));
  return rows;
}

export async function runExportBench(args: string[] = []): Promise<unknown> {
  const wanted = args.filter((a) => !a.startsWith('-'));
  const scenarios = wanted.length ? wanted : ['throughput', 'outage', 'heap'];
  const exporterArg = args.find((a) => a.startsWith('--exporters='));
  const exporters = exporterArg ? (exporterArg.slice(12).split(',') as ExporterName[]) : EXPORTERS;
  const unknown = exporters.filter((e) => !EXPORTER_NAMES.includes(e));
  if (unknown.length) throw new Error(`unknown exporter ${unknown.join(', ')} (${EXPORTER_NAMES.join(', ')})`);
  const heapSeconds = Number(args.find((a) => a.startsWith('--heap-seconds='))?.slice(15) ?? 60);
  console.log(`\n# export benchmark — Node ${process.version}, ${new Date().toISOString()}`);
  trace.disable();
  const receiver = await startReceiver();
  const results: Record<string, unknown> = {};
  try {
    const exporting = exporters.filter((e) => e !== 'discard');
    if (scenarios.includes('throughput')) results.throughput = await throughput(receiver, exporting);
    if (scenarios.includes('outage')) results.outage = await outage(receiver, exporting);
    if (scenarios.includes('heap')) results.heap = await heap(receiver, exporters, heapSeconds);
  } finally {
    await receiver.close();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const child = process.argv.find((a) => a.startsWith('--heap-child='));
  if (child) {
    const [name, seconds, url] = child.slice(13).split(',');
    const result = await heapChild(name as ExporterName, Number(seconds), url);
    // Exit once the result is handed over, not before (a pending IPC write would be lost).
    process.send!(result, () => process.exit(0));
  } else await runExportBench(process.argv.slice(2));
}

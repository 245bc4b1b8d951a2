/**
 * Soak: `npm run soak -- --minutes 10 --rate 20000` (the defaults). tracewise exports a steady
 * stream of spans over OTLP/gRPC to a loopback collector in a child process
 * (bench/soakCollector.ts) that goes down for `--down` seconds (default 20) of every minute and
 * comes back. At the end the stream stops, the collector stays up and tracewise flushes and shuts
 * down; then every span created must be either delivered (counted by the collector, by sequence
 * number) or counted as dropped with its reason:
 *
 *   exported + dropped = created      exactly, and the collector's unique count = exported
 *
 * With --spool, what is unsent at shutdown is kept on disk for the next process; the soak then
 * starts a second tracing instance on the same spool, as a restarted service would, which delivers
 * it (and the equation counts what, if anything, is still on disk).
 *
 * and the heap must stay flat: it is sampled after a forced GC at the same point of every minute
 * (the end of the collector's up phase), and its peak is recorded throughout.
 *
 * Options: --minutes N, --rate spans/s, --down seconds, --spool (spill to .tmp/soak-spool instead
 * of dropping when memory is full), --abrupt (the collector is killed rather than drained),
 * --out FILE (markdown report; default .tmp/soak-report.md). Needs --expose-gc (the npm script
 * passes it) for the after-GC heap figures.
 */
import { fork } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTracing } from '../src/index.js';

function arg(name: string, fallback: string): string {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i === -1) return fallback;
  const a = argv[i];
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : 'true';
}

const minutes = Number(arg('minutes', '10'));
const rate = Number(arg('rate', '20000'));
const downSeconds = Number(arg('down', '20'));
const useSpool = arg('spool', 'false') === 'true';
const graceful = arg('abrupt', 'false') !== 'true';
const out = arg('out', '.tmp/soak-report.md');
const here = path.dirname(fileURLToPath(import.meta.url));
const gc = (globalThis as { gc?: () => void }).gc;
const MB = 1024 * 1024;

// ---- the collector, in its own process

interface Counts {
  received: number;
  unique: number;
  duplicates: number;
  foreign: number;
  up: boolean;
}
const collector = fork(path.join(here, 'soakCollector.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const replies: ((m: Counts) => void)[] = [];
let port = 0;
await new Promise<void>((resolve, reject) => {
  collector.once('error', reject);
  collector.on('message', (m: Counts & { ready?: number }) => {
    if (m.ready !== undefined) {
      port = m.ready;
      resolve();
    } else replies.shift()?.(m);
  });
});
collector.on('exit', (code, signal) => {
  if (!exiting) {
    console.error(`soak: the collector process exited (${code ?? signal})`);
    process.exit(2);
  }
});
let exiting = false;
const command = (cmd: string, extra: object = {}) =>
  new Promise<Counts>((resolve, reject) => {
    replies.push((m: Counts & { error?: string }) => (m.error ? reject(new Error(`collector ${cmd}: ${m.error}`)) : resolve(m)));
    exiting ||= cmd === 'exit';
    collector.send({ cmd, ...extra });
  });

// ---- tracewise

const spoolDirectory = path.resolve('.tmp/soak-spool');
if (useSpool) rmSync(spoolDirectory, { recursive: true, force: true });
const tracing = initTracing(
  {
    serviceName: 'soak',
    endpoint: `http://127.0.0.1:${port}`,
    flushOnExit: false,
    logLevel: 'error',
    instrumentations: false,
    shutdownTimeout: 120_000,
    ...(useSpool ? { spoolDirectory } : {}),
  },
  {},
);
const tracer = tracing.tracer;
const attributes = { 'http.request.method': 'GET', 'http.route': '/orders/:id', 'soak.payload': 'x'.repeat(64) };

// ---- load, outages, samples

interface Sample {
  t: number;
  created: number;
  exported: number;
  dropped: number;
  buffered: number;
  spooled: number;
  heapMB: number;
  rssMB: number;
  up: boolean;
}
interface Minute {
  minute: number;
  heapAfterGcMB: number;
  heapPeakMB: number;
  /** Buffers (encoded batches live here, outside the JS heap), after GC. */
  arrayBuffersMB: number;
  rssMB: number;
  created: number;
  exported: number;
  dropped: number;
}

let created = 0;
let up = true;
let heapPeak = 0;
const samples: Sample[] = [];
const minutesOut: Minute[] = [];
const t0 = performance.now();
const durationMs = minutes * 60_000;
const elapsed = () => performance.now() - t0;

const sample = (): Sample => {
  const snap = tracing.metrics.snapshot();
  const mem = process.memoryUsage();
  heapPeak = Math.max(heapPeak, mem.heapUsed);
  const s = {
    t: Math.round(elapsed() / 1000),
    created,
    exported: snap.spans.exported,
    dropped: snap.spans.dropped.total,
    buffered: snap.export?.bufferedSpans ?? 0,
    spooled: snap.export?.spooledSpans ?? 0,
    heapMB: mem.heapUsed / MB,
    rssMB: mem.rss / MB,
    up,
  };
  samples.push(s);
  return s;
};

function generate(): void {
  if (elapsed() >= durationMs) return;
  const target = Math.floor((elapsed() / 1000) * rate);
  // At most 100 ms worth per tick: a stall of the event loop does not turn into a burst.
  const n = Math.min(target - created, Math.ceil(rate / 10));
  for (let i = 0; i < n; i++) {
    tracer.startSpan(String(created), { attributes }).end();
    created++;
  }
  setTimeout(generate, 10);
}

const sampler = setInterval(() => {
  const s = sample();
  console.log(
    `t=${s.t}s created=${s.created} exported=${s.exported} dropped=${s.dropped} buffered=${s.buffered} spooled=${s.spooled} heap=${s.heapMB.toFixed(1)}MB rss=${s.rssMB.toFixed(0)}MB collector=${s.up ? 'up' : 'down'}`,
  );
}, 10_000);

async function outages(): Promise<void> {
  for (let m = 0; m < minutes; m++) {
    const minuteStart = m * 60_000;
    await sleepUntil(minuteStart + (60 - downSeconds) * 1000);
    // The same point of every minute: the end of the up phase. Heap after a full GC.
    gc?.();
    const snap = tracing.metrics.snapshot();
    const mem = process.memoryUsage();
    minutesOut.push({
      minute: m + 1,
      heapAfterGcMB: mem.heapUsed / MB,
      heapPeakMB: heapPeak / MB,
      arrayBuffersMB: mem.arrayBuffers / MB,
      rssMB: mem.rss / MB,
      created,
      exported: snap.spans.exported,
      dropped: snap.spans.dropped.total,
    });
    heapPeak = 0;
    up = false;
    await command('stop', { graceful });
    await sleepUntil(minuteStart + 60_000);
    await command('start');
    up = true;
  }
}

function sleepUntil(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms - elapsed())));
}

console.log(`soak: ${minutes} min at ${rate} spans/s, collector down ${downSeconds} s of every minute (${graceful ? 'draining' : 'killed'}), ${useSpool ? 'spool on' : 'memory only'}`);
generate();
await outages();
await sleepUntil(durationMs);

// ---- drain and account

clearInterval(sampler);
const generatedFor = elapsed();
await command('start');
up = true;
const drainStart = performance.now();
await tracing.shutdown();
const drainMs = performance.now() - drainStart;
const final = tracing.metrics.snapshot();
// With a spool, what is unsent at shutdown stays on disk for the next process: start one (as a
// restarted service would) and let it deliver the leftovers.
const leftOnDisk = final.export?.spooledSpans ?? 0;
let replay: typeof final | undefined;
if (useSpool && leftOnDisk > 0) {
  const next = initTracing(
    { serviceName: 'soak', endpoint: `http://127.0.0.1:${port}`, flushOnExit: false, logLevel: 'error', instrumentations: false, shutdownTimeout: 120_000, spoolDirectory },
    {},
  );
  const until = performance.now() + 120_000;
  while (performance.now() < until) {
    const s = next.metrics.snapshot();
    if ((s.export?.spooledSpans ?? 0) === 0 && (s.export?.bufferedSpans ?? 0) === 0 && s.spans.exported + s.spans.dropped.total >= leftOnDisk) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await next.shutdown();
  replay = next.metrics.snapshot();
}
const counts = await command('counts');
// The collector exits without answering this one.
exiting = true;
collector.send({ cmd: 'exit' });

const exported = final.spans.exported + (replay?.spans.exported ?? 0);
const dropped = final.spans.dropped.total + (replay?.spans.dropped.total ?? 0);
const reasons: Record<string, number> = {};
for (const snap of [final, replay]) for (const [r, n] of Object.entries(snap?.spans.dropped.byReason ?? {})) reasons[r] = (reasons[r] ?? 0) + n;
const byReason = Object.entries(reasons).filter(([, n]) => n > 0);
const stillOnDisk = replay ? (replay.export?.spooledSpans ?? 0) : leftOnDisk;
const holds = exported + dropped + stillOnDisk === created;
const deliveredMatches = counts.unique === exported;
const heaps = minutesOut.map((m) => m.heapAfterGcMB);
const lines = [
  `# Soak report`,
  '',
  `${new Date().toISOString()}, Node ${process.version}, ${minutes} min at ${rate} spans/s target, collector down ${downSeconds} s of every minute (${graceful ? 'graceful drain' : 'killed'}), ${useSpool ? 'disk spool on' : 'memory only (default 64 MiB buffer)'}.`,
  '',
  '| | spans |',
  '| --- | ---: |',
  `| created | ${created} (achieved ${(created / (generatedFor / 1000)).toFixed(0)} spans/s) |`,
  `| started (tracing.metrics) | ${final.spans.started.total} |`,
  `| exported (collector accepted) | ${exported}${replay ? ` (${final.spans.exported} + ${replay.spans.exported} from the spool by the next process)` : ''} |`,
  `| dropped, total | ${dropped} |`,
  ...byReason.map(([r, n]) => `| dropped: ${r} | ${n} |`),
  ...(useSpool ? [`| on disk at shutdown / still on disk at the end | ${leftOnDisk} / ${stillOnDisk} |`] : []),
  `| collector: received / unique / duplicates / unknown | ${counts.received} / ${counts.unique} / ${counts.duplicates} / ${counts.foreign} |`,
  '',
  `- exported + dropped${useSpool ? ' + still on disk' : ''} = ${exported} + ${dropped}${useSpool ? ` + ${stillOnDisk}` : ''} = ${exported + dropped + stillOnDisk}; created = ${created}: **${holds ? 'holds exactly' : `DOES NOT HOLD (off by ${created - exported - dropped - stillOnDisk})`}**`,
  `- delivered (collector, unique) = ${counts.unique}; exported = ${exported}: **${deliveredMatches ? 'equal' : 'DIFFERENT'}**`,
  `- drain at the end (collector up, shutdown): ${(drainMs / 1000).toFixed(1)} s; export latency mean ${final.export?.latencyMs.average.toFixed(1)} ms, max ${final.export?.latencyMs.max.toFixed(0)} ms`,
  '',
  `Heap after a forced GC at the end of each minute's up phase${gc ? '' : ' (no --expose-gc: not collected first)'}: min ${Math.min(...heaps).toFixed(1)} MB, max ${Math.max(...heaps).toFixed(1)} MB, first ${heaps[0]?.toFixed(1)} MB, last ${heaps[heaps.length - 1]?.toFixed(1)} MB.`,
  '',
  '| minute | heap after GC (MB) | heap peak (MB) | array buffers (MB) | RSS (MB) | created | exported | dropped |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...minutesOut.map(
    (m) =>
      `| ${m.minute} | ${m.heapAfterGcMB.toFixed(1)} | ${m.heapPeakMB.toFixed(1)} | ${m.arrayBuffersMB.toFixed(1)} | ${m.rssMB.toFixed(0)} | ${m.created} | ${m.exported} | ${m.dropped} |`,
  ),
  '',
];
const report = lines.join('\n');
console.log(`\n${report}`);
mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
writeFileSync(out, report);
writeFileSync(out.replace(/\.md$/, '') + '.samples.json', JSON.stringify({ samples, minutes: minutesOut, counts, final }, null, 1));
process.exit(holds && deliveredMatches ? 0 : 1);

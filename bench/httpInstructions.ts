/**
 * `npm run bench:http:instructions [-- --cases none,tracewise --requests 3000 --rounds 1 --top 25]`:
 * the cost of each `bench:http` case (bench/httpService.ts) in machine instructions per request,
 * counted by valgrind's callgrind, instead of CPU time.
 *
 * Why: on a shared 2-core VM, CPU time per request varies by ± 20 % between rounds of the same
 * case, more than most of the differences worth finding. An instruction count varies by under
 * 1 % for the uninstrumented case and by about ± 1 k (≈ 1 %) for the traced ones, from where V8
 * inlines Node's stream functions, and names where they go. It is a proxy, not a time: it leaves out the kernel, cache misses
 * and the other threads' work (GC helpers, the JIT compiler), which run on other cores in
 * production; loops with few memory accesses (the OTLP encoder) run many more instructions per
 * nanosecond than code full of inline-cache misses. Use it to find and compare costs; quote
 * `npm run bench:http` for throughput.
 *
 * How: each case's service runs under `valgrind --tool=callgrind --instr-atstart=no` (about 5×
 * slower until counting starts, 50× while it counts) with `--perf-basic-prof`, so that the
 * addresses of JIT-compiled functions can be named. The service is warmed up (`--warmup`
 * requests, as fast as it answers), then loaded at `--rate` for `--settle` seconds, longer than
 * the export interval, so that no batch holding warm-up spans is encoded while counting; then
 * counting is switched on for exactly `--requests` requests at `--rate`. The figure is the main
 * thread's count divided by the requests; all threads' count is shown beside it. At this low rate
 * (valgrind's), the per-export costs (one gRPC call per 5 s) weigh on each request far more than
 * at production rates: compare sampling cases with that in mind.
 *
 * Needs valgrind (Debian: `apt-get install valgrind`). `--node <path>` runs the services on
 * another Node binary, `--node-flags='<flags>'` with these flags; BENCH_DIST_DIR
 * (bench/builtPackage.ts) loads another build of tracewise. `--top N` prints, for each case, the
 * N functions whose cost per request differs most from the first case's.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildForBench } from './builtPackage.js';
import { median } from './harness.js';
import { serviceReady } from './serviceReady.js';

type Autocannon = (opts: object) => Promise<{ non2xx: number; errors: number }>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: 'none,context-only,tracewise-none,tracewise-force,tracewise-head,tracewise,tracewise-all' },
    requests: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '150' },
    warmup: { type: 'string', default: '20000' },
    settle: { type: 'string', default: '7' },
    rounds: { type: 'string', default: '1' },
    node: { type: 'string', default: process.execPath },
    // Flags for the services' Node, e.g. --experimental-async-context-frame on Node 22.
    'node-flags': { type: 'string', default: '' },
    top: { type: 'string', default: '0' },
  },
});
const cases = args.cases!.split(',');
const requests = Number(args.requests);
const rate = Number(args.rate);
const rounds = Number(args.rounds);
const top = Number(args.top);
for (const [name, v, min] of [['requests', requests, 1], ['rate', rate, 1], ['rounds', rounds, 1], ['top', top, 0]] as const) {
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer >= ${min}`);
}

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  throw new Error('bench:http:instructions needs valgrind (Debian: apt-get install valgrind)');
}
buildForBench();

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
// callgrind's output, one directory per run (removed at the end): runs may overlap.
const OUT = here(`../.tmp/instructions-${process.pid}`);
mkdirSync(OUT, { recursive: true });
const paths = Array.from({ length: 100 }, (_, i) => ({ method: 'GET', path: `/orders/${i}` }));

const receiver = fork(here('./httpReceiver.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ url: otlpUrl }] = (await once(receiver, 'message')) as [{ url: string }];

interface Count {
  main: number;
  all: number;
  /** Self instructions per request by function (JIT-compiled JavaScript named from the perf map). */
  functions: Map<string, number>;
}

async function measure(which: string, round: number): Promise<Count> {
  const prefix = `${OUT}/${which}.${round}`;
  const child: ChildProcess = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', '--smc-check=all-non-file', `--callgrind-out-file=${prefix}.out`,
      args.node!, ...args['node-flags']!.split(' ').filter(Boolean), '--perf-basic-prof', '--import', 'tsx', here('./httpService.ts'), which, otlpUrl],
    // In OUT: --perf-basic-prof also writes a V8 log per isolate into the working directory.
    { cwd: OUT, stdio: ['ignore', 'pipe', 'ignore', 'ipc'], env: { ...process.env, OTEL_LOG_LEVEL: 'error' } },
  );
  // Node's --perf-basic-prof map of JIT code addresses, named after the process (valgrind runs it in-process).
  const perfMap = `/tmp/perf-${child.pid}.map`;
  try {
    try {
      const { port } = await serviceReady(child, which);
      const load = { url: `http://127.0.0.1:${port}`, connections: 8, requests: paths };
      await autocannon({ ...load, amount: Number(args.warmup) });
      await autocannon({ ...load, duration: Number(args.settle), overallRate: rate });
      const control = (...a: string[]) => execFileSync('callgrind_control', [...a, String(child.pid)], { stdio: 'ignore' });
      control('-i', 'on');
      const res = await autocannon({ ...load, amount: requests, overallRate: rate });
      control('-i', 'off');
      control('-d');
      if (res.errors > 0) throw new Error(`${which}: ${res.errors} requests failed`);
    } finally {
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }
    // One file per thread, `<prefix>.out.1-NN` (the dump); thread 01 is the main thread.
    const files = readdirSync(OUT).filter((f) => f.startsWith(`${which}.${round}.out.`)).map((f) => `${OUT}/${f}`);
    const totalOf = (f: string) => Math.max(0, ...[...readFileSync(f, 'utf8').matchAll(/^(?:summary|totals): (\d+)/gm)].map((m) => Number(m[1])));
    const mainFile = files.find((f) => f.endsWith('-01'));
    if (!mainFile) throw new Error(`${which}: no callgrind output for the main thread in ${OUT}`);
    return {
      main: totalOf(mainFile) / requests,
      all: files.reduce((sum, f) => sum + totalOf(f), 0) / requests,
      functions: top > 0 ? selfCosts(mainFile, perfMap) : new Map<string, number>(),
    };
  } finally {
    rmSync(perfMap, { force: true });
  }
}

/** Self cost per request by function; JIT code addresses named from Node's --perf-basic-prof map. */
function selfCosts(file: string, perfMap: string): Map<string, number> {
  const entries = readFileSync(perfMap, 'utf8').trim().split('\n').flatMap((line) => {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    return m ? [[parseInt(m[1], 16), parseInt(m[2], 16), m[3]] as const] : [];
  }).sort((a, b) => a[0] - b[0]);
  const nameAt = (addr: number) => {
    let lo = 0;
    let hi = entries.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid][0] <= addr) (best = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    return best >= 0 && addr < entries[best][0] + entries[best][1] ? entries[best][2] : 'JIT code (unnamed)';
  };
  const text = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', file], { maxBuffer: 1 << 30 }).toString();
  const costs = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^\s*([\d,]+) \([ \d.]+%\)\s+(.*)$/.exec(line);
    if (!m || m[2].includes('PROGRAM TOTALS')) continue;
    const jit = /\?\?\?:0x([0-9a-f]+)/.exec(m[2]);
    const name = (jit ? nameAt(parseInt(jit[1], 16)) : m[2])
      .replace(/^\?\?\?:/, '')
      .replace(/ \[[^\]]*\]$/, '')
      .replace(/^JS:[*^~]/, 'JS:') // the tier marker: one line per function
      .replace(/file:\/\/\S*\/(\.tmp\/bench-dist|node_modules)\//, '$1/')
      .replace(/\(.*$/, '');
    costs.set(name, (costs.get(name) ?? 0) + Number(m[1].replace(/,/g, '')) / requests);
  }
  return costs;
}

const results = new Map<string, Count[]>(cases.map((c) => [c, []]));
try {
  for (let r = 0; r < rounds; r++) {
    for (const which of r % 2 ? [...cases].reverse() : cases) {
      const c = await measure(which, r);
      results.get(which)!.push(c);
      console.error(`round ${r + 1}/${rounds} ${which.padEnd(16)} ${(c.main / 1000).toFixed(1)} k instructions/request (all threads ${(c.all / 1000).toFixed(1)} k)`);
    }
  }
} finally {
  receiver.disconnect();
  rmSync(OUT, { recursive: true, force: true });
}

const base = median(results.get(cases[0])!.map((c) => c.main));
const version = execFileSync(args.node!, ['--version']).toString().trim();
console.log(`\nNode ${version}${args['node-flags'] ? ` ${args['node-flags']}` : ''}, ${requests} requests at ${rate} req/s per case, main thread (medians of ${rounds} round${rounds > 1 ? 's' : ''}):\n`);
console.log(`| case | k instructions / request | × ${cases[0]} | all threads, k |`);
console.log('| --- | ---: | ---: | ---: |');
for (const c of cases) {
  const main = median(results.get(c)!.map((x) => x.main));
  const all = median(results.get(c)!.map((x) => x.all));
  console.log(`| ${c} | ${(main / 1000).toFixed(1)} | ${(main / base).toFixed(2)} | ${(all / 1000).toFixed(1)} |`);
}
if (top > 0) {
  const first = results.get(cases[0])![0].functions;
  for (const c of cases.slice(1)) {
    const fns = results.get(c)![0].functions;
    const names = new Set([...first.keys(), ...fns.keys()]);
    const rows = [...names].map((n) => [n, (fns.get(n) ?? 0) - (first.get(n) ?? 0)] as const).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
    console.log(`\n${c} over ${cases[0]}, instructions per request by function (round 1):`);
    for (const [n, d] of rows.slice(0, top)) console.log(`${(d >= 0 ? '+' : '') + d.toFixed(0)}`.padStart(8), n);
  }
}

/**
 * A tiny benchmark harness: no timed assertions anywhere, just figures printed side by side.
 * Each case runs `rounds` rounds of `iterations` calls after a warm-up; we report the median
 * ns/op across rounds, which is robust to a GC pause or a scheduler hiccup in one round.
 */
export interface BenchResult {
  name: string;
  nsPerOp: number;
}

export interface BenchOptions {
  iterations?: number;
  rounds?: number;
  warmup?: number;
}

/** ns/op of one timed round of `iterations` calls. */
function timedRound(fn: (i: number) => void, iterations: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / iterations;
}

/** The median, the mean of the middle two for an even count; `xs` is left as it is. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function measure(name: string, fn: (i: number) => void, opts: BenchOptions = {}): BenchResult {
  const iterations = opts.iterations ?? 100_000;
  const rounds = opts.rounds ?? 15;
  const warmup = opts.warmup ?? iterations;
  for (let i = 0; i < warmup; i++) fn(i);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) samples.push(timedRound(fn, iterations));
  return { name, nsPerOp: median(samples) };
}

/**
 * Like measure(), but yields to the event loop between rounds (and after warm-up) so that
 * asynchronous work the measured calls schedule — batching, encoding, export — runs as it would
 * in an application, outside the timed loops. Without this, a BatchSpanProcessor fills its
 * queue in the first round and every later span is a cheap drop.
 */
export async function measureAsync(name: string, fn: (i: number) => void, opts: BenchOptions & { settleMs?: number } = {}): Promise<BenchResult> {
  const iterations = opts.iterations ?? 100_000;
  const rounds = opts.rounds ?? 15;
  const warmup = opts.warmup ?? iterations;
  const settle = () => new Promise<void>((r) => setTimeout(r, opts.settleMs ?? 20));
  for (let i = 0; i < warmup; i++) fn(i);
  await settle();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    samples.push(timedRound(fn, iterations));
    await settle();
  }
  return { name, nsPerOp: median(samples) };
}

/** Prints results as a table with a ratio column against `baseline` (a result name). */
export function report(title: string, results: BenchResult[], baseline?: string): void {
  const base = baseline ? results.find((r) => r.name === baseline) : undefined;
  console.log(`\n## ${title}\n`);
  console.log(`| case | ns/op |${base ? ` × ${base.name} |` : ''}`);
  console.log(`| --- | ---: |${base ? ' ---: |' : ''}`);
  for (const r of results) {
    const ratio = base ? ` ${(r.nsPerOp / base.nsPerOp).toFixed(2)} |` : '';
    console.log(`| ${r.name} | ${r.nsPerOp.toFixed(1)} |${ratio}`);
  }
}

/** A deterministic PRNG (mulberry32) so benches and tests see the same inputs every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random 32-hex-digit trace IDs from a fixed seed. */
export function traceIds(count: number, seed = 42): string[] {
  const rnd = seededRandom(seed);
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    let s = '';
    for (let j = 0; j < 4; j++) s += Math.floor(rnd() * 2 ** 32).toString(16).padStart(8, '0');
    out[i] = s;
  }
  return out;
}

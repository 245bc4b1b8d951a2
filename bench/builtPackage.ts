/**
 * The tracewise package as users run it: built JavaScript, not the TypeScript sources through
 * tsx (whose transform costs measurably on the span and request paths: keepNames wrappers around
 * closures, among others). Benchmarks comparing tracewise with the official SDK (compiled
 * JavaScript from node_modules) load it from here.
 *
 * Built by the package's own tsup config, ESM only and without declarations, into the
 * git-ignored .tmp/bench-dist/: a directory of its own, so that `npm pack` (which cleans and
 * rebuilds dist/) or a stale dist/ can never change what a benchmark loads.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = '.tmp/bench-dist';

/** Builds the package into OUT_DIR (about 2 s); call it once, in the benchmark's parent process. */
export function buildForBench(): void {
  execFileSync('npx', ['tsup', '--out-dir', OUT_DIR, '--format', 'esm', '--no-dts', '--no-sourcemap', '--silent'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * The built package's main entry (built by buildForBench()). BENCH_DIST_DIR (relative to the
 * repository) loads another build instead, e.g. one of an older commit, to compare the two.
 */
export async function importBuilt(): Promise<typeof import('../src/index.js')> {
  const entry = `${root}${process.env.BENCH_DIST_DIR ?? OUT_DIR}/index.js`; // a variable: type-checking must not need a build
  return (await import(entry)) as typeof import('../src/index.js');
}

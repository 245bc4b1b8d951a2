/**
 * The tracewise package as users run it: the built files in dist/, not the TypeScript sources
 * through tsx (whose transform costs measurably on the span and request paths: keepNames
 * wrappers around closures, among others). Benchmarks comparing tracewise with the official SDK
 * (compiled JavaScript from node_modules) load it from here.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const mtime = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

/** Builds dist/ (npm run build) when it is missing or older than any file of src/. */
export function ensureBuilt(): void {
  const built = mtime(`${root}dist/index.js`);
  const newest = readdirSync(`${root}src`, { recursive: true, encoding: 'utf8' }).reduce((m, f) => Math.max(m, mtime(`${root}src/${f}`)), 0);
  if (built >= newest) return;
  console.log('building dist/ (src/ is newer) ...');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The built package's main entry (call ensureBuilt() first, in the parent process). */
export async function importBuilt(): Promise<typeof import('../src/index.js')> {
  const entry = '../dist/index.js'; // a variable: type-checking must not need a build
  return (await import(entry)) as typeof import('../src/index.js');
}

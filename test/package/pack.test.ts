import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The published artifact, not the source: `npm pack` (which builds), install the tarball into an
 * empty application, and use it from ESM, from CJS, and from both in one process.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

const run = (cmd: string, args: string[], cwd = dir) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OTEL_LOG_LEVEL: 'error' } });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tracewise-pack-'));
  run('npm', ['pack', '--silent', '--pack-destination', dir], repo);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', `./${tarball}`, '@opentelemetry/api@~1.9.0']);
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const script = (body: string) => `
const tracing = initTracing({ serviceName: 'app', flushOnExit: false, endpoint: 'http://127.0.0.1:9', logLevel: 'none' });
const out = tracing.instrumentation.withSpan('work', (span) => ({ recording: span.isRecording(), enabled: tracing.enabled }));
${body}
console.log(JSON.stringify(out));
tracing.shutdown();
`;

describe('the npm pack tarball', () => {
  it('works from ESM', () => {
    writeFileSync(path.join(dir, 'esm.mjs'), `import { initTracing, InvalidConfigError } from 'tracewise';\n${script("out.errorClass = typeof InvalidConfigError;")}`);
    expect(JSON.parse(run('node', ['esm.mjs']))).toEqual({ recording: true, enabled: true, errorClass: 'function' });
  });

  it('works from CJS', () => {
    writeFileSync(path.join(dir, 'cjs.cjs'), `const { initTracing } = require('tracewise');\n${script('')}`);
    expect(JSON.parse(run('node', ['cjs.cjs']))).toEqual({ recording: true, enabled: true });
  });

  it('returns one instance when the ESM and the CJS builds are both loaded', () => {
    writeFileSync(
      path.join(dir, 'dual.mjs'),
      `import { createRequire } from 'node:module';
import { initTracing } from 'tracewise';
const cjs = createRequire(import.meta.url)('tracewise');
${script('out.same = cjs.initTracing() === tracing; out.twoBuilds = cjs.initTracing !== initTracing;')}`,
    );
    expect(JSON.parse(run('node', ['dual.mjs']))).toEqual({ recording: true, enabled: true, same: true, twoBuilds: true });
  });

  it('ships only the build, README and LICENSE', () => {
    const listing = run('tar', ['-tzf', readdirSync(dir).find((f) => f.endsWith('.tgz'))!]);
    const files = listing.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files.every((f) => f.startsWith('dist/') || ['package.json', 'README.md', 'LICENSE'].includes(f))).toBe(true);
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startOtlpServer, type ReceivedSpan } from '../helpers/otlpServer.js';
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
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', `./${tarball}`, '@opentelemetry/api@~1.9.0',
    // for the preload case: an instrumentation the application installs, named in the environment
    'express@^4.22.3', '@opentelemetry/instrumentation-express@^0.71.1']);
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

describe('the preload entry tracewise/register', () => {
  // Applications with no tracing code at all, configured by the environment alone.
  let lastStderr = '';
  const preload = async (flag: '--import' | '--require', file: string, source: string, env: Record<string, string>) => {
    writeFileSync(path.join(dir, file), source);
    const receiver = await startOtlpServer();
    try {
      const { stderr } = await promisify(execFile)('node', [flag, 'tracewise/register', file], {
        cwd: dir,
        timeout: 20_000,
        env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_LOG_LEVEL: 'error', ...env },
      });
      lastStderr = stderr;
      // the process flushed on beforeExit before it ended: everything has arrived
      return receiver.spans.slice();
    } finally {
      await receiver.stop();
    }
  };
  const one = (spans: ReceivedSpan[], pred: (s: ReceivedSpan) => boolean, what: string) => {
    const found = spans.filter(pred);
    expect(found, `${what} among ${spans.map((s) => `${s.kind}:${s.name}`).join(', ')}`).toHaveLength(1);
    return found[0];
  };

  it('instruments an ESM Express app (--import): server span with http.route, its client, Express spans, /health skipped', async () => {
    const spans = await preload(
      '--import',
      'express-app.mjs',
      `import http from 'node:http';
import express from 'express';
const app = express();
app.get('/health', (req, res) => res.send('ok'));
app.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
const server = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  for (const p of ['/health', '/users/7']) await new Promise((r) => http.get(base + p, (res) => { res.resume(); res.on('end', r); }));
  server.close();
});
`,
      { OTEL_SERVICE_NAME: 'shop', OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express' },
    );
    // ignoreRoutes is about incoming requests: the app's own call to /health still has its client span
    const client = one(spans, (s) => s.kind === 3 && /\/users\/7$/.test(String(s.attributes['url.full'])), 'the client span');
    const server = one(spans, (s) => s.kind === 2, 'one server span (none for /health)');
    expect(server.name).toBe('GET /users/:id');
    expect(server.attributes).toMatchObject({ 'http.route': '/users/:id', 'url.path': '/users/7', 'http.response.status_code': 200 });
    expect(server.parentSpanId).toBe(client.spanId);
    expect(server.traceId).toBe(client.traceId);
    expect(server.resource['service.name']).toBe('shop');
    const handler = one(spans, (s) => s.name === 'request handler - /users/:id', 'the route handler span');
    expect(handler.scope).toBe('@opentelemetry/instrumentation-express');
    expect(handler.parentSpanId).toBe(server.spanId);
  });

  it('instruments a CommonJS app (--require) with the default set: node:http in, fetch out', async () => {
    const spans = await preload(
      '--require',
      'plain-app.cjs',
      `const http = require('node:http');
const server = http.createServer((req, res) => res.end('hi')).listen(0, '127.0.0.1', async () => {
  await fetch('http://127.0.0.1:' + server.address().port + '/hello').then((r) => r.text());
  server.close();
});
`,
      { OTEL_SERVICE_NAME: 'plain' },
    );
    const client = one(spans, (s) => s.kind === 3, 'the fetch client span');
    expect(client.scope).toBe('@opentelemetry/instrumentation-undici');
    const server = one(spans, (s) => s.kind === 2, 'the server span');
    expect(server.attributes['url.path']).toBe('/hello');
    expect(server.parentSpanId).toBe(client.spanId);
  });

  it("starts once with --require before an ESM app: not again in Node's module-loader thread", async () => {
    // The loader hook (registered for express) makes Node run --require preloads in its loader
    // thread too; a second tracing instance there registered the hook twice.
    const spans = await preload(
      '--require',
      'express-app2.mjs',
      `import http from 'node:http';
import express from 'express';
const app = express();
app.get('/items/:id', (req, res) => res.json({ id: req.params.id }));
const server = app.listen(0, '127.0.0.1', async () => {
  await new Promise((r) => http.get('http://127.0.0.1:' + server.address().port + '/items/3', (res) => { res.resume(); res.on('end', r); }));
  server.close();
});
`,
      { OTEL_SERVICE_NAME: 'shop', OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express', OTEL_LOG_LEVEL: 'warn' },
    );
    expect(lastStderr).not.toMatch(/already been initialized/);
    const server = one(spans, (s) => s.kind === 2, 'one server span');
    expect(server.attributes['http.route']).toBe('/items/:id');
    one(spans, (s) => s.name === 'request handler - /items/:id', 'the route handler span');
  });
});

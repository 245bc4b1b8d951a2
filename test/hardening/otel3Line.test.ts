import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * An application on the OpenTelemetry JS 3.x line: @opentelemetry/api 1.10 and @opentelemetry/core
 * 3.x, which need Node.js >= 22.15 (so this runs in the Node 22 and 24 legs of .ci/run). npm
 * refuses tracewise next to API 1.10 (peer range >=1.9.0 <1.10.0, inherited from the OTel SDK
 * 2.x); forced, it works, and initTracing says it is unsupported (src/compat.ts).
 */
const [major, minor] = process.versions.node.split('.').map(Number);
const otel3Node = major > 22 || (major === 22 && minor >= 15);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir = '';
let tarball = '';

const npm = (args: string[]) =>
  spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], { cwd: dir, encoding: 'utf8', env: process.env });

describe.skipIf(!otel3Node)('an OTel JS 3.x-line application (API 1.10, core 3.x)', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tracewise-otel3-'));
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app3', version: '1.0.0', private: true, type: 'module' }));
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is refused by npm: the peer range excludes API 1.10', () => {
    const r = npm(['install', `./${tarball}`, '@opentelemetry/api@1.10.0', '@opentelemetry/core@3']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ERESOLVE');
  }, 180_000);

  it('works when forced, and initTracing warns that it is unsupported', () => {
    const r = npm(['install', '--legacy-peer-deps', `./${tarball}`, '@opentelemetry/api@1.10.0', '@opentelemetry/core@3']);
    expect(r.status, r.stderr).toBe(0);
    writeFileSync(
      path.join(dir, 'app.mjs'),
      `import { trace, context, propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { initTracing } from 'tracewise';
const exporter = new InMemorySpanExporter();
const tracing = initTracing({ serviceName: 'app3', flushOnExit: false, logLevel: 'none', exporter, exportInterval: 10 });
const tracer = trace.getTracer('app');
const out = {};
await tracer.startActiveSpan('parent', async (parent) => {
  await new Promise((r) => setTimeout(r, 5));
  tracer.startActiveSpan('child', (child) => child.end());
  const headers = {};
  propagation.inject(context.active(), headers);
  const core3 = {};
  new W3CTraceContextPropagator().inject(context.active(), core3, { set: (c, k, v) => (c[k] = v) });
  out.traceparent = headers.traceparent;
  out.sameAsCore3 = core3.traceparent === headers.traceparent;
  const extracted = trace.getSpanContext(propagation.extract(context.active(), headers));
  out.extracted = extracted?.spanId === parent.spanContext().spanId;
  parent.end();
});
await tracing.forceFlush();
const spans = Object.fromEntries(exporter.getFinishedSpans().map((s) => [s.name, s]));
out.names = Object.keys(spans).sort();
out.childOfParent = spans.child?.parentSpanContext?.spanId === spans.parent?.spanContext().spanId;
out.registration = tracing.registration;
out.warnings = tracing.warnings;
out.api = globalThis[Symbol.for('opentelemetry.js.api.1')]?.version;
console.log(JSON.stringify(out));
await tracing.shutdown();
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8' }));
    expect(out).toMatchObject({
      api: '1.10.0',
      sameAsCore3: true,
      extracted: true,
      names: ['child', 'parent'],
      childOfParent: true,
      registration: { tracerProvider: true, contextManager: true, propagator: true },
    });
    expect(out.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toContain('@opentelemetry/api 1.10.0');
  }, 180_000);
});

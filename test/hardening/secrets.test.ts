import * as grpc from '@grpc/grpc-js';
import { context, diag, DiagLogLevel, propagation, ROOT_CONTEXT, type DiagLogger } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBaggageManager } from '../../src/baggage/createBaggageManager.js';
import { normalizeStaticEntries } from '../../src/baggage/staticEntries.js';
import { W3CBaggagePropagator } from '../../src/baggage/W3CBaggagePropagator.js';
import { resetEnvWarnings } from '../../src/env.js';
import { initTracing, type Tracing } from '../../src/index.js';
import { startOtlpHttpServer } from '../helpers/otlpHttpServer.js';
import { startOtlpServer } from '../helpers/otlpServer.js';

/**
 * Exporter headers and baggage values never reach a log line or an error message: every diag
 * message and everything written to stdout/stderr is captured across bad configuration, bad
 * environment, failing exports (including a collector that echoes the credential back) and
 * hostile baggage, and searched for the secret.
 */
const SECRET = 'sk_live_4f9aQ7zX2mV8wK1p';
const lines: string[] = [];
const capture = (level: string) => (message: string, ...args: unknown[]) => lines.push(`${level} ${message} ${args.map(String).join(' ')}`);
const logger: DiagLogger = { error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug'), verbose: capture('verbose') };

const originalWrite = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
beforeAll(() => {
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  const tap = (stream: 'out' | 'err') => (chunk: unknown, ...rest: unknown[]) => {
    lines.push(`std${stream} ${String(chunk)}`);
    return (originalWrite[stream] as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
  };
  process.stdout.write = tap('out') as typeof process.stdout.write;
  process.stderr.write = tap('err') as typeof process.stderr.write;
});
afterAll(() => {
  process.stdout.write = originalWrite.out as typeof process.stdout.write;
  process.stderr.write = originalWrite.err as typeof process.stderr.write;
});

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  resetEnvWarnings();
  // shutdown() leaves our logger alone (initTracing keeps an application's logger)
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
});

function expectNoSecret(what: string, extra: string[] = []) {
  const all = [...lines, ...extra];
  expect(all.length, `${what}: something was logged (the capture works)`).toBeGreaterThan(0);
  const leaks = all.filter((l) => l.includes(SECRET) || l.includes(encodeURIComponent(SECRET)));
  expect(leaks, what).toEqual([]);
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
  return '';
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

describe('secrets never reach logs or error messages', () => {
  it('bad configuration in code', () => {
    lines.length = 0;
    const errors = [
      errorOf(() => initTracing({ headers: { authorization: SECRET, n: 42 as unknown as string }, flushOnExit: false }, {})),
      errorOf(() => initTracing({ headers: { [`bad key ${SECRET}`]: SECRET }, flushOnExit: false }, {})),
      errorOf(() => initTracing({ headers: { x: `${SECRET}\r\nX-Injected: 1` }, flushOnExit: false }, {})),
      errorOf(() => initTracing({ export: { headers: { x: `${SECRET}\n` } }, flushOnExit: false }, {})),
      errorOf(() => initTracing({ baggage: { staticEntries: { tenant: { secret: SECRET } as unknown as string } }, flushOnExit: false }, {})),
      errorOf(() => normalizeStaticEntries({ 'bad key': SECRET })),
    ];
    for (const e of errors) expect(e).toMatch(/InvalidConfigError/);
    expectNoSecret('InvalidConfigError messages', errors);
  });

  it('bad environment: malformed, invalid and non-single-line header members, credentials in the endpoint', async () => {
    lines.length = 0;
    const env = {
      OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${SECRET},Authorization Bearer ${SECRET},bad key=${SECRET},x-nl=${SECRET}%0A,x-pct=${SECRET}%zz,=${SECRET}`,
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: `${SECRET}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://user:${SECRET}@[bad`,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `ftp://user:${SECRET}@collector`,
    };
    tracing = initTracing({ flushOnExit: false, serviceName: 'secrets' }, env);
    expect(tracing.enabled).toBe(true);
    expect(lines.some((l) => l.includes('OTEL_EXPORTER_OTLP_HEADERS'))).toBe(true); // reported, without the value
    expectNoSecret('diag output for bad OTEL_* values', [...tracing.warnings]);
  });

  it('failing gRPC exports, with a collector that echoes the credential back', async () => {
    lines.length = 0;
    const server = await startOtlpServer();
    server.setResponder(() => ({ code: grpc.status.UNAUTHENTICATED, details: `invalid api key "${SECRET}"` }));
    try {
      tracing = initTracing({ flushOnExit: false, endpoint: server.url, headers: { 'x-api-key': SECRET }, exportInterval: 10 }, {});
      tracing.instrumentation.withSpan('work', () => undefined);
      await tracing.forceFlush().catch(() => undefined);
      await until(() => server.requests.length > 0);
      expect(server.requests[0]?.metadata['x-api-key']).toBe(SECRET); // it was sent
      await until(() => lines.some((l) => l.includes('UNAUTHENTICATED')));
      expect(lines.some((l) => l.includes('UNAUTHENTICATED'))).toBe(true);
      expectNoSecret('diag output for failed exports');
    } finally {
      await tracing?.shutdown();
      tracing = undefined;
      await server.stop();
    }
  });

  it('failing http/protobuf exports and an unreachable collector', async () => {
    lines.length = 0;
    const server = await startOtlpHttpServer();
    server.setResponder(() => ({ status: 401 }));
    try {
      tracing = initTracing({ flushOnExit: false, protocol: 'http/protobuf', endpoint: server.url, headers: { authorization: `Bearer ${SECRET}` }, exportInterval: 10 }, {});
      tracing.instrumentation.withSpan('work', () => undefined);
      await until(() => server.requests.length > 0);
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
      await tracing.shutdown();
      tracing = initTracing({ flushOnExit: false, endpoint: 'http://127.0.0.1:9', headers: { authorization: SECRET }, exportInterval: 10, exportTimeout: 200, shutdownTimeout: 500 }, {});
      tracing.instrumentation.withSpan('work', () => undefined);
      await tracing.forceFlush().catch(() => undefined);
      expectNoSecret('diag output for failed exports');
    } finally {
      await server.stop();
    }
  });

  it('baggage values: invalid entries, oversized headers, trimming', () => {
    lines.length = 0;
    const manager = createBaggageManager();
    context.with(ROOT_CONTEXT, () => {
      manager.set('bad key', SECRET);
      manager.set('k', { SECRET } as unknown as string);
      manager.withBaggage({ 'bad key': SECRET, ok: SECRET }, () => undefined);
    });
    const p = new W3CBaggagePropagator();
    const big = Array.from({ length: 600 }, (_, i) => `k${i}=${SECRET}`).join(',');
    const ctx = p.extract(ROOT_CONTEXT, { baggage: big }, { keys: () => ['baggage'], get: (c, k) => (c as Record<string, string>)[k] });
    const many = propagation.setBaggage(ctx, propagation.createBaggage(Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${i}`, { value: `${SECRET} ${i}` }]))));
    p.inject(many, {}, { set: () => undefined });
    expectNoSecret('diag output for baggage');
  });
});

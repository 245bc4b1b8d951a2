import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { initTracing, type Tracing } from '../../src/index.js';
import { resetEnvWarnings } from '../../src/env.js';
import { tracesExporterFromEnv } from '../../src/export/tracesExporterFromEnv.js';
import { startOtlpServer, type OtlpServer } from '../helpers/otlpServer.js';

let server: OtlpServer;
let tracing: Tracing | undefined;
const realDir = console.dir;
let printed: unknown[] = [];
const warnings: string[] = [];

beforeAll(async () => {
  server = await startOtlpServer();
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  server.clear();
  console.dir = realDir;
  printed = [];
  warnings.length = 0;
  diag.disable();
  resetEnvWarnings();
});

/** What the ConsoleSpanExporter prints goes to console.dir: kept here instead. */
function captureConsole(): void {
  console.dir = (obj: unknown) => void printed.push(obj);
}
function captureDiag(): void {
  diag.setLogger({ warn: (m: string) => void warnings.push(m), error() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
}

/** initTracing with OTEL_TRACES_EXPORTER, exporting (if OTLP) to the loopback receiver; the spans the application's own processor sees. */
function init(value: string, extra: Parameters<typeof initTracing>[0] = {}): ReadableSpan[] {
  const seen: ReadableSpan[] = [];
  const own: SpanProcessor = { onStart() {}, onEnd: (s) => void seen.push(s), forceFlush: async () => {}, shutdown: async () => {} };
  tracing = initTracing({ endpoint: server.url, flushOnExit: false, exportInterval: 50, spanProcessors: [own], ...extra }, { OTEL_TRACES_EXPORTER: value });
  return seen;
}

describe('OTEL_TRACES_EXPORTER', () => {
  it('reads a list of otlp, console and none; reports anything else once and skips it', () => {
    captureDiag();
    expect(tracesExporterFromEnv({})).toBeUndefined();
    expect(tracesExporterFromEnv({ OTEL_TRACES_EXPORTER: ' ' })).toBeUndefined();
    expect(tracesExporterFromEnv({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual(['otlp']);
    expect(tracesExporterFromEnv({ OTEL_TRACES_EXPORTER: 'None' })).toEqual([]);
    expect(tracesExporterFromEnv({ OTEL_TRACES_EXPORTER: 'console, OTLP,console' })).toEqual(['console', 'otlp']);
    expect(warnings).toEqual([]);
    expect(tracesExporterFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' })).toEqual(['otlp']);
    expect(tracesExporterFromEnv({ OTEL_TRACES_EXPORTER: 'jaeger,console' })).toEqual(['console']);
    expect(warnings).toHaveLength(1); // once per variable and process
    expect(warnings[0]).toContain('"zipkin"');
    resetEnvWarnings();
    // As the official NodeSDK: "none" with others gives the default.
    expect(tracesExporterFromEnv({ OTEL_TRACES_EXPORTER: 'console,none' })).toEqual(['otlp']);
    expect(warnings[1]).toContain('"none" cannot be combined');
  });

  it('none: spans are still recorded (the application\'s processors see them) and nothing is sent', async () => {
    captureConsole();
    const seen = init('none');
    tracing!.instrumentation.startSpan('kept-local').end();
    await tracing!.forceFlush(); // with OTLP on, this would wait for the delivery
    expect(seen.map((s) => s.name)).toEqual(['kept-local']);
    expect(server.requests).toHaveLength(0);
    expect(printed).toHaveLength(0);
  });

  it('console,otlp: each span is printed and delivered; forceFlush waits for the delivery', async () => {
    captureConsole();
    // No batch leaves on its own within the test: only forceFlush sends it.
    init('console,otlp', { exportInterval: 60_000 });
    tracing!.instrumentation.startSpan('both-ways', { attributes: { 'order.id': 7 } }).end();
    await tracing!.forceFlush();
    expect(server.spans.map((s) => s.name)).toEqual(['both-ways']);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatchObject({ name: 'both-ways', attributes: { 'order.id': 7 } });
  });

  it('console,otlp: shutdown delivers what is pending', async () => {
    captureConsole();
    init('otlp,console', { exportInterval: 60_000 });
    tracing!.instrumentation.startSpan('at-shutdown').end();
    await tracing!.shutdown();
    tracing = undefined;
    expect(server.spans.map((s) => s.name)).toEqual(['at-shutdown']);
    expect(printed).toHaveLength(1);
  });

  it('console alone: printed, not sent', async () => {
    captureConsole();
    const seen = init('console');
    tracing!.instrumentation.startSpan('printed-only').end();
    await tracing!.forceFlush();
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatchObject({ name: 'printed-only' });
    expect(seen).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
  });

  it('an unsupported exporter falls back to OTLP', async () => {
    captureConsole();
    captureDiag();
    init('zipkin');
    tracing!.instrumentation.startSpan('fallback').end();
    await tracing!.forceFlush();
    expect((await server.waitForSpans(1))[0].name).toBe('fallback');
    expect(printed).toHaveLength(0);
    expect(warnings.filter((w) => w.includes('OTEL_TRACES_EXPORTER'))).toHaveLength(1);
  });

  it('is not read when code passes an exporter', async () => {
    captureConsole();
    const memory = new InMemorySpanExporter();
    init('console', { exporter: memory });
    tracing!.instrumentation.startSpan('to-code-exporter').end();
    await tracing!.forceFlush();
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['to-code-exporter']);
    expect(printed).toHaveLength(0);
    expect(server.requests).toHaveLength(0);
  });
});

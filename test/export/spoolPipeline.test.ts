/**
 * The spool end to end: a process shuts down with the collector down, the next one (a new
 * pipeline on the same directory, and for real: two application processes in turn) delivers its
 * spans; overflow from memory goes to disk and comes back; a corrupt file is skipped and counted.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ExportPipelineOptions } from '../../src/export/index.js';
import { encodeSpoolFile, spoolFileName } from '../../src/export/spoolFile.js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startOtlpHttpServer } from '../helpers/otlpHttpServer.js';
import { startOtlpServer } from '../helpers/otlpServer.js';
import { exactlyOnce, onCleanup, sleep, track, traced, waitFor } from './pipelineHarness.js';

/** The spool forgets a file before its unlink completes: wait for the directory itself. */
async function emptied(dir: string): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const files = await readdir(dir);
    if (files.length === 0) return files;
    await sleep(20);
  }
  return readdir(dir);
}

async function spoolDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tw-spool-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'spool');
}

const receivers = {
  grpc: async () => {
    const s = track(await startOtlpServer());
    return { server: s, options: { endpoint: s.url } as ExportPipelineOptions };
  },
  'http/protobuf': async () => {
    const s = track(await startOtlpHttpServer());
    return { server: s, options: { protocol: 'http/protobuf', endpoint: s.url } as ExportPipelineOptions };
  },
};

describe.each(Object.entries(receivers))('spool over %s', (_protocol, startReceiver) => {
  it("delivers the previous process's spans after a restart", async () => {
    const { server, options } = await startReceiver();
    const spoolDirectory = await spoolDir();
    await server.stop();

    // Process 1: the collector is down the whole time; shutdown writes everything to disk.
    const first = traced({ ...options, spoolDirectory, exportBatchSize: 100 });
    const names = first.emit(450);
    await waitFor(() => first.pipeline.stats().failedRequests > 0);
    await first.provider.shutdown();
    const s1 = first.pipeline.stats();
    expect(s1.droppedSpans).toBe(0);
    expect(s1.spooledSpans).toBe(450);
    const files = await readdir(spoolDirectory);
    expect(files.length).toBe(5);
    for (const f of files) expect((await stat(join(spoolDirectory, f))).mode & 0o777).toBe(0o600);

    // Process 2: the collector is back.
    await server.start();
    const second = traced({ ...options, spoolDirectory });
    await server.waitForSpans(450);
    await waitFor(() => second.pipeline.stats().exportedSpans === 450);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    await waitFor(() => second.pipeline.stats().spooledSpans === 0);
    expect(await emptied(spoolDirectory)).toEqual([]);
    expect(second.pipeline.stats().spoolReads).toBe(5);
  });

  it('skips a corrupt spool file, counts it, and sends the rest', async () => {
    const { server, options } = await startReceiver();
    const spoolDirectory = await spoolDir();
    await server.stop();
    const first = traced({ ...options, spoolDirectory, exportBatchSize: 50 });
    const names = first.emit(100);
    await first.provider.shutdown();
    await writeFile(join(spoolDirectory, spoolFileName(1, 1, 0, 33)), Buffer.from('TWSP\x01 torn write'));
    await server.start();
    const second = traced({ ...options, spoolDirectory });
    await server.waitForSpans(100);
    await waitFor(() => second.pipeline.stats().dropped.spool_corrupt === 33);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    await waitFor(() => second.pipeline.stats().spooledSpans === 0);
    expect(await emptied(spoolDirectory)).toEqual([]);
  });
});

/** An encoded request of `n` spans named `${prefix}-${i}`, each with a `pad`-character attribute. */
function encodedSpans(prefix: string, n: number, pad: number): Uint8Array {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t');
  for (let i = 0; i < n; i++) tracer.startSpan(`${prefix}-${i}`, { attributes: { pad: 'z'.repeat(pad) } }).end();
  return ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans())!;
}

describe('spool files and the memory budget', () => {
  it('drops and counts a file larger than the whole budget, and sends the files behind it', async () => {
    const server = track(await startOtlpServer());
    const spoolDirectory = await spoolDir();
    await mkdir(spoolDirectory, { recursive: true });
    const then = Date.now() - 10_000;
    // Written by an earlier process with a larger budget: about 1 MB, then a small file.
    await writeFile(join(spoolDirectory, spoolFileName(then, 1, 0, 500)), encodeSpoolFile(encodedSpans('big', 500, 2000), 500));
    await writeFile(join(spoolDirectory, spoolFileName(then, 1, 1, 10)), encodeSpoolFile(encodedSpans('small', 10, 10), 10));
    const { pipeline } = traced({ endpoint: server.url, spoolDirectory, maxBufferBytes: 512 * 1024 });
    await server.waitForSpans(10);
    await waitFor(() => pipeline.stats().dropped.buffer_full === 500);
    expect(exactlyOnce(server.spans, Array.from({ length: 10 }, (_, i) => `small-${i}`))).toEqual({ missing: 0, duplicates: 0 });
    await waitFor(() => pipeline.stats().spooledSpans === 0);
    expect(await emptied(spoolDirectory)).toEqual([]);
  });
});

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/** An application process: initTracing() with a spool, `spans` spans ended, then `wait` ms, then a natural exit. */
const appScript = (o: { endpoint: string; protocol: string; spoolDirectory: string; spans: number; waitForDelivery: boolean }) => `
  import { initTracing } from ${JSON.stringify(entry)};
  const tracing = initTracing({ serviceName: 'restart', endpoint: ${JSON.stringify(o.endpoint)}, protocol: ${JSON.stringify(o.protocol)},
    spoolDirectory: ${JSON.stringify(o.spoolDirectory)}, exportInterval: 20, shutdownTimeout: 2000, logLevel: 'none' });
  for (let i = 0; i < ${o.spans}; i++) tracing.instrumentation.startSpan('restart-' + i).end();
  if (${o.waitForDelivery}) {
    const until = Date.now() + 10_000;
    const done = () => { const s = tracing.metrics.snapshot(); return s.export.spooledSpans === 0 && s.spans.exported > 0; };
    while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }
  console.log(JSON.stringify(tracing.metrics.snapshot().export));
`;
const runApp = async (o: Parameters<typeof appScript>[0]) => {
  // The application's environment without OTEL_* variables (OTEL_SDK_DISABLED would turn it off).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', appScript(o)], { timeout: 40_000, cwd: root, env });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { spooledSpans: number };
};

describe.each(Object.entries(receivers))('spool across real processes over %s', (protocol, startReceiver) => {
  it('a process that exits with the collector down leaves its spans on disk; the next one sends them', async () => {
    const { server, options } = await startReceiver();
    const spoolDirectory = await spoolDir();
    await server.stop();
    const endpoint = options.endpoint!;
    // Process 1 ends its spans and exits on its own: the exit hook's shutdown spools them.
    await runApp({ endpoint, protocol, spoolDirectory, spans: 300, waitForDelivery: false });
    expect((await readdir(spoolDirectory)).length).toBeGreaterThan(0);
    // Process 2, the collector back: it sends the previous process's spans (and its own none).
    await server.start();
    const after = await runApp({ endpoint, protocol, spoolDirectory, spans: 0, waitForDelivery: true });
    expect(after.spooledSpans).toBe(0);
    const names = Array.from({ length: 300 }, (_, i) => `restart-${i}`);
    await server.waitForSpans(300);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    expect(await emptied(spoolDirectory)).toEqual([]);
  }, 90_000);
});

describe('spool overflow', () => {
  it('writes what does not fit in memory to disk and sends it once the collector is back', async () => {
    const server = track(await startOtlpServer());
    const spoolDirectory = await spoolDir();
    await server.stop();
    const { pipeline, emit } = traced({ endpoint: server.url, spoolDirectory, exportBatchSize: 50, maxBufferBytes: 16 * 1024 });
    const names: string[] = [];
    for (let i = 0; i < 20; i++) {
      names.push(...emit(50));
      await sleep(10);
    }
    await waitFor(() => pipeline.stats().spoolWrites > 0);
    expect(pipeline.stats().droppedSpans).toBe(0);
    await server.start();
    await server.waitForSpans(names.length);
    await waitFor(() => pipeline.stats().exportedSpans === names.length);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    expect(pipeline.stats().droppedSpans).toBe(0);
  });

  it('counts spool_full when the disk budget is exhausted too', async () => {
    const server = track(await startOtlpServer());
    const spoolDirectory = await spoolDir();
    await server.stop();
    const { pipeline, emit } = traced({
      endpoint: server.url,
      spoolDirectory,
      exportBatchSize: 50,
      maxBufferBytes: 8 * 1024,
      maxSpoolBytes: 16 * 1024,
    });
    for (let i = 0; i < 20; i++) {
      emit(50);
      await sleep(10);
    }
    await waitFor(() => pipeline.stats().dropped.spool_full > 0);
    const s = pipeline.stats();
    expect(s.spooledBytes).toBeLessThanOrEqual(16 * 1024);
    expect(s.dropped.buffer_full).toBe(0);
  });
});

/**
 * The pipeline against a real grpc-js OTLP receiver on loopback, with faults injected by the
 * receiver: outages, error codes, RetryInfo, a hung server, partial success, a full buffer.
 */
import * as grpc from '@grpc/grpc-js';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createExportPipeline } from '../../src/export/index.js';
import { startOtlpServer } from '../helpers/otlpServer.js';
import { exactlyOnce, onCleanup, sleep, stream, streamLag, track, traced, waitFor } from './pipelineHarness.js';

describe('gRPC export pipeline', () => {
  it('delivers every span exactly once, with metadata and gzip', async () => {
    const server = track(await startOtlpServer());
    const { pipeline, emit } = traced({ endpoint: server.url, headers: { 'x-tenant': 'acme' }, compression: 'gzip' });
    const names = emit(2000);
    await server.waitForSpans(2000);
    await waitFor(() => pipeline.stats().exportedSpans === 2000);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    expect(server.requests.every((r) => r.metadata['x-tenant'] === 'acme')).toBe(true);
    expect(server.encodings.length).toBeGreaterThan(0);
    expect(server.encodings.every((e) => e === 'gzip')).toBe(true);
    const s = pipeline.stats();
    expect(s.droppedSpans).toBe(0);
    expect(s.exportedRequests).toBeGreaterThanOrEqual(4); // batches of 512
    expect(s.bufferedBytes).toBe(0);
  });

  it('sends uncompressed by default and batches by size and by time', async () => {
    const server = track(await startOtlpServer());
    const { pipeline, emit } = traced({ endpoint: server.url, exportBatchSize: 100, exportInterval: 200 });
    emit(250);
    await server.waitForSpans(200);
    // Two full batches go at once; the remaining 50 wait for the interval.
    expect(server.requests.map((r) => r.spans)).toEqual([100, 100]);
    await server.waitForSpans(250);
    expect(server.requests.map((r) => r.spans)).toEqual([100, 100, 50]);
    expect(server.encodings.every((e) => e === 'identity')).toBe(true);
    await waitFor(() => pipeline.stats().exportedSpans === 250);
  });

  it('times a batch from its own oldest span, not from an earlier batch', async () => {
    const server = track(await startOtlpServer());
    const interval = 2000;
    const { emit } = traced({ endpoint: server.url, exportBatchSize: 100, exportInterval: interval });
    emit(150); // one batch goes; 50 spans wait from now
    await sleep(600);
    const t1 = performance.now();
    emit(60); // a second batch goes; 10 spans wait from now
    await server.waitForSpans(210);
    // A slow machine can only make the last 10 later; an earlier batch's timer (due 600 ms
    // before their own deadline) would have sent them sooner.
    expect(performance.now() - t1).toBeGreaterThanOrEqual(interval - 10);
    expect(server.requests.map((r) => r.spans)).toEqual([100, 100, 10]);
  });

  it('loses nothing across a collector outage mid-stream and resumes after it', async () => {
    const server = track(await startOtlpServer());
    const { pipeline, emit } = traced({ endpoint: server.url, exportBatchSize: 100 });
    const names: string[] = [];
    await stream(emit, 300, names);
    await server.stop({ graceful: true });
    await stream(emit, 700, names); // all of this is sent while nothing listens
    expect(pipeline.stats().failedRequests).toBeGreaterThan(0);
    await server.start();
    const back = Date.now();
    await stream(emit, 300, names);
    await server.waitForSpans(names.length);
    await waitFor(() => pipeline.stats().exportedSpans === names.length);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    expect(pipeline.stats().droppedSpans).toBe(0);
    // Loose: resumption speed is measured by the benchmark, this only catches a stuck channel.
    expect(Date.now() - back).toBeLessThan(5000);
  });

  it('retries through bursts of UNAVAILABLE', async () => {
    const server = track(await startOtlpServer());
    let n = 0;
    // Fail three requests out of every four, then let everything through.
    server.setResponder(() => (++n < 40 && n % 4 !== 0 ? { code: grpc.status.UNAVAILABLE } : undefined));
    const { pipeline, emit } = traced({ endpoint: server.url, exportBatchSize: 50 });
    const names = emit(1000);
    await server.waitForSpans(1000);
    await waitFor(() => pipeline.stats().exportedSpans === 1000);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    const s = pipeline.stats();
    expect(s.retries).toBeGreaterThanOrEqual(20);
    expect(s.droppedSpans).toBe(0);
  });

  it('honours RetryInfo on RESOURCE_EXHAUSTED: the retry does not come before the delay', async () => {
    const server = track(await startOtlpServer());
    const at: number[] = [];
    server.setResponder(() => {
      at.push(Date.now());
      return at.length === 1 ? { code: grpc.status.RESOURCE_EXHAUSTED, retryDelayMs: 400 } : undefined;
    });
    const retries: number[] = [];
    const { pipeline, emit } = traced({
      endpoint: server.url,
      maxConcurrentExports: 1,
      observer: { onRetry: (_spans, delayMs) => retries.push(delayMs) },
    });
    const names = emit(10);
    await server.waitForSpans(10);
    expect(at.length).toBe(2);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(400);
    expect(retries[0]).toBeGreaterThanOrEqual(400);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    await waitFor(() => pipeline.stats().exportedSpans === 10);
  });

  it.each([
    ['RESOURCE_EXHAUSTED without RetryInfo', grpc.status.RESOURCE_EXHAUSTED],
    ['UNAUTHENTICATED', grpc.status.UNAUTHENTICATED],
    ['INVALID_ARGUMENT', grpc.status.INVALID_ARGUMENT],
  ])('does not retry %s, and counts the spans', async (_name, code) => {
    const server = track(await startOtlpServer());
    server.setResponder(() => ({ code }));
    const failures: string[] = [];
    const { pipeline, emit } = traced({
      endpoint: server.url,
      observer: { onFailed: (_n, failure, retryable) => failures.push(`${failure}:${retryable}`) },
    });
    emit(30);
    await waitFor(() => pipeline.stats().dropped.non_retryable === 30);
    await sleep(200); // room for a (wrong) retry to show up
    expect(server.requests.length).toBe(1);
    expect(failures).toEqual([`${grpc.status[code]}:false`]);
    const s = pipeline.stats();
    expect(s.retries).toBe(0);
    expect(s.exportedSpans).toBe(0);
    expect(s.droppedSpans).toBe(30);
  });

  it('times out requests to a hung collector without stalling the event loop, then delivers', async () => {
    const server = track(await startOtlpServer());
    let hang = true;
    server.setResponder(() => (hang ? { hang: true } : undefined));
    const failures: string[] = [];
    const { pipeline, emit } = traced({
      endpoint: server.url,
      exportTimeout: 200,
      exportBatchSize: 100,
      observer: { onFailed: (_n, failure) => failures.push(failure) },
    });
    const names: string[] = [];
    const lagP99 = await streamLag(emit, 1200, names);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f === 'timeout')).toBe(true);
    // Generous (other processes share the CPU): a stall would hold the loop for the whole
    // 200 ms timeout; the 99th percentile of timer lag stays far below that.
    expect(lagP99).toBeLessThan(100);
    hang = false;
    await server.waitForSpans(names.length);
    await waitFor(() => pipeline.stats().exportedSpans === names.length);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
  });

  it('counts the spans a partial success rejects and does not retry', async () => {
    const server = track(await startOtlpServer());
    server.setResponder(() => ({ partialSuccess: { rejectedSpans: 7, errorMessage: 'too old' } }));
    const { pipeline, emit } = traced({ endpoint: server.url });
    emit(40);
    await waitFor(() => pipeline.stats().exportedRequests === 1);
    await sleep(150);
    expect(server.requests.length).toBe(1);
    const s = pipeline.stats();
    expect(s.exportedSpans).toBe(33);
    expect(s.dropped.partial_success).toBe(7);
    expect(s.retries).toBe(0);
  });

  it('drops the oldest batches when the memory budget is full, and counts them', async () => {
    const server = track(await startOtlpServer());
    await server.stop();
    const dropped: [number, string][] = [];
    const { pipeline, emit } = traced({
      endpoint: server.url,
      exportBatchSize: 50,
      maxBufferBytes: 32 * 1024,
      observer: { onDropped: (n, reason) => dropped.push([n, reason]) },
    });
    const names: string[] = [];
    for (let i = 0; i < 20; i++) {
      names.push(...emit(50));
      await sleep(25);
    }
    const s = pipeline.stats();
    expect(s.dropped.buffer_full).toBeGreaterThan(0);
    expect(s.bufferedBytes).toBeLessThanOrEqual(32 * 1024);
    expect(dropped.every(([, r]) => r === 'buffer_full')).toBe(true);
    await server.start();
    await pipeline.forceFlush();
    await waitFor(() => pipeline.stats().exportedSpans + pipeline.stats().dropped.buffer_full === names.length);
    const { duplicates } = exactlyOnce(server.spans, names);
    expect(duplicates).toBe(0);
    const got = new Set(server.spans.map((x) => x.name));
    expect(got.size + pipeline.stats().dropped.buffer_full).toBe(names.length);
    // Oldest first: the first batch is gone, the last one arrived.
    expect(got.has(names[0])).toBe(false);
    expect(got.has(names[names.length - 1])).toBe(true);
  });

  it('bounds shutdown with the collector down and counts what it could not send', async () => {
    const server = track(await startOtlpServer());
    await server.stop();
    const { pipeline, provider, emit } = traced({ endpoint: server.url, flushTimeout: 300 });
    emit(100);
    const t0 = Date.now();
    await provider.shutdown();
    expect(Date.now() - t0).toBeLessThan(2000);
    emit(5); // after shutdown
    const s = pipeline.stats();
    expect(s.dropped.shutdown).toBe(105);
    expect(s.exportedSpans).toBe(0);
  });

  it('exports only sampled spans', async () => {
    const server = track(await startOtlpServer());
    const { pipeline } = traced({ endpoint: server.url });
    pipeline.onEnd({ spanContext: () => ({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 0 }) } as never);
    await pipeline.forceFlush();
    expect(pipeline.stats().exportedSpans + pipeline.stats().pendingSpans).toBe(0);
    expect(server.requests.length).toBe(0);
  });

  it('keeps unencoded spans bounded during a synchronous burst', async () => {
    const server = track(await startOtlpServer());
    const { pipeline, emit } = traced({ endpoint: server.url, exportBatchSize: 100 });
    const names = emit(10_000); // one synchronous loop: no timer or immediate runs meanwhile
    expect(pipeline.stats().pendingSpans).toBeLessThanOrEqual(400);
    await server.waitForSpans(10_000);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
  });

  it('waits for asynchronous resource attributes before encoding', async () => {
    const server = track(await startOtlpServer());
    const pipeline = createExportPipeline({ endpoint: server.url, exportInterval: 20 });
    const region = new Promise<string>((r) => setTimeout(() => r('eu-west-1'), 100));
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'cloud.region': region }), spanProcessors: [pipeline] });
    onCleanup(() => provider.shutdown());
    provider.getTracer('t').startSpan('s').end();
    const [span] = await server.waitForSpans(1);
    expect(span.resource['cloud.region']).toBe('eu-west-1');
  });

  it('reports to the observer, and survives an observer that throws', async () => {
    const server = track(await startOtlpServer());
    const seen = { exported: 0, latency: 0, buffered: 0 };
    const { pipeline, emit } = traced({
      endpoint: server.url,
      observer: {
        onExported: (n, _bytes, ms) => {
          seen.exported += n;
          seen.latency = Math.max(seen.latency, ms);
        },
        onBuffered: () => {
          seen.buffered++;
          throw new Error('observer bug');
        },
      },
    });
    emit(100);
    await server.waitForSpans(100);
    await waitFor(() => seen.exported === 100);
    expect(seen.latency).toBeGreaterThan(0);
    expect(seen.buffered).toBeGreaterThan(0);
    const stats = pipeline.stats();
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats); // a plain snapshot
    expect(stats.exportLatencyMs.count).toBe(stats.exportedRequests);
  });
});

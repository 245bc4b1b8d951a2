/**
 * The same core cases over OTLP/HTTP (binary protobuf) against a real node:http receiver:
 * delivery with headers and gzip, an outage, status-code retry rules, Retry-After, partial
 * success, a hung server (without stalling the event loop), a burst of 503s; and no spans created
 * by exporting.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { isTracingSuppressed } from '@opentelemetry/core';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { exporterOptionsFromEnv } from '../../src/export/index.js';
import { startOtlpHttpServer } from '../helpers/otlpHttpServer.js';
import { exactlyOnce, onCleanup, sleep, stream, streamLag, track, traced, waitFor } from './pipelineHarness.js';

const http = { protocol: 'http/protobuf' as const };

describe('http/protobuf export pipeline', () => {
  it('delivers every span exactly once, with headers and gzip', async () => {
    const server = track(await startOtlpHttpServer());
    const { pipeline, emit } = traced({ ...http, endpoint: server.url, headers: { 'X-Tenant': 'acme' }, compression: 'gzip' });
    const names = emit(1500);
    await server.waitForSpans(1500);
    await waitFor(() => pipeline.stats().exportedSpans === 1500);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    for (const r of server.requests) {
      expect(r.headers['x-tenant']).toBe('acme');
      expect(r.headers['content-type']).toBe('application/x-protobuf');
      expect(r.headers['content-encoding']).toBe('gzip');
    }
    // The wire size is the compressed size: far below the encoded bytes.
    const wire = server.requests.reduce((n, r) => n + r.bodyBytes, 0);
    expect(wire).toBeLessThan(pipeline.stats().exportedBytes / 2);
  });

  it('takes its endpoint from OTEL_EXPORTER_OTLP_ENDPOINT, appending /v1/traces', async () => {
    const server = track(await startOtlpHttpServer());
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: server.baseUrl, OTEL_EXPORTER_OTLP_HEADERS: 'api-key=k%3D1' };
    const fromEnv = exporterOptionsFromEnv(env);
    expect(fromEnv.endpoint).toBe(server.url);
    const { emit } = traced(fromEnv);
    emit(10);
    await server.waitForSpans(10);
    expect(server.requests[0].headers['api-key']).toBe('k=1');
    expect(server.requests[0].headers['content-encoding']).toBeUndefined();
  });

  it('loses nothing across a collector outage mid-stream', async () => {
    const server = track(await startOtlpHttpServer());
    const { pipeline, emit } = traced({ ...http, endpoint: server.url, exportBatchSize: 100 });
    const names: string[] = [];
    await stream(emit, 300, names);
    await server.stop({ graceful: true });
    await stream(emit, 600, names);
    expect(pipeline.stats().failedRequests).toBeGreaterThan(0);
    await server.start();
    await stream(emit, 300, names);
    await server.waitForSpans(names.length);
    await waitFor(() => pipeline.stats().exportedSpans === names.length);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    expect(pipeline.stats().droppedSpans).toBe(0);
  });

  it.each([429, 502, 503, 504])('retries HTTP %i', async (status) => {
    const server = track(await startOtlpHttpServer());
    let n = 0;
    server.setResponder(() => (++n <= 2 ? { status } : undefined));
    const { pipeline, emit } = traced({ ...http, endpoint: server.url, maxConcurrentExports: 1 });
    const names = emit(20);
    await server.waitForSpans(20);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    expect(pipeline.stats().retries).toBe(2);
  });

  it('honours Retry-After: the retry does not come before the delay', async () => {
    const server = track(await startOtlpHttpServer());
    const at: number[] = [];
    server.setResponder(() => {
      at.push(Date.now());
      return at.length === 1 ? { status: 503, retryAfter: '1' } : undefined;
    });
    const { emit } = traced({ ...http, endpoint: server.url, maxConcurrentExports: 1 });
    emit(5);
    await server.waitForSpans(5);
    expect(at.length).toBe(2);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(1000);
  });

  it.each(['0', 'Wed, 21 Oct 2015 07:28:00 GMT'])('backs off on its own when Retry-After says %s (no hot retry loop)', async (retryAfter) => {
    const server = track(await startOtlpHttpServer());
    server.setResponder(() => ({ status: 503, retryAfter }));
    const retry = { initialBackoff: 200, maxBackoff: 400 };
    // flushTimeout: the collector never accepts, so cleanup's shutdown waits it out.
    const { pipeline, emit } = traced({ ...http, endpoint: server.url, maxConcurrentExports: 1, retry, flushTimeout: 300 });
    emit(10);
    await sleep(1000);
    // The pipeline's own backoff (200 ms, doubling) allows a handful of requests in a second;
    // retrying at the server's "0" allowed over a thousand.
    expect(server.requests.length).toBeGreaterThan(1);
    expect(server.requests.length).toBeLessThan(15);
    expect(pipeline.stats().droppedSpans).toBe(0);
  });

  it.each([400, 401, 403, 404, 413, 500])('does not retry HTTP %i, and counts the spans', async (status) => {
    const server = track(await startOtlpHttpServer());
    server.setResponder(() => ({ status }));
    const { pipeline, emit } = traced({ ...http, endpoint: server.url });
    emit(25);
    await waitFor(() => pipeline.stats().dropped.non_retryable === 25);
    await sleep(100);
    expect(server.requests.length).toBe(1);
    expect(pipeline.stats().retries).toBe(0);
  });

  it('counts the spans a partial success rejects and does not retry', async () => {
    const server = track(await startOtlpHttpServer());
    server.setResponder(() => ({ partialSuccess: { rejectedSpans: 3, errorMessage: 'bad attribute' } }));
    const { pipeline, emit } = traced({ ...http, endpoint: server.url });
    emit(12);
    await waitFor(() => pipeline.stats().exportedRequests === 1);
    await sleep(100);
    expect(server.requests.length).toBe(1);
    expect(pipeline.stats().exportedSpans).toBe(9);
    expect(pipeline.stats().dropped.partial_success).toBe(3);
  });

  it('times out requests to a hung collector without stalling the event loop, then delivers', async () => {
    const server = track(await startOtlpHttpServer());
    let hang = true;
    server.setResponder(() => (hang ? { hang: true } : undefined));
    const failures: string[] = [];
    const { pipeline, emit } = traced({
      ...http,
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

  it('rides out a burst of 503s under steady load, with several requests in flight', async () => {
    const server = track(await startOtlpHttpServer());
    let burst = true;
    server.setResponder(() => (burst ? { status: 503 } : undefined));
    const { pipeline, emit } = traced({ ...http, endpoint: server.url, exportBatchSize: 50, maxConcurrentExports: 4 });
    const names: string[] = [];
    await stream(emit, 600, names);
    const failed = pipeline.stats().failedRequests;
    expect(failed).toBeGreaterThan(1);
    burst = false;
    await stream(emit, 300, names);
    await server.waitForSpans(names.length);
    await waitFor(() => pipeline.stats().exportedSpans === names.length);
    expect(exactlyOnce(server.spans, names)).toEqual({ missing: 0, duplicates: 0 });
    expect(pipeline.stats().droppedSpans).toBe(0);
  });

  it('creates no spans of its own: requests go out with tracing suppressed', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    onCleanup(async () => {
      context.disable();
    });
    const server = track(await startOtlpHttpServer());
    // What an HTTP instrumentation sees when the exporter sends: the active context.
    const seen: boolean[] = [];
    const onRequest = () => seen.push(isTracingSuppressed(context.active()));
    subscribe('http.client.request.start', onRequest);
    onCleanup(async () => unsubscribe('http.client.request.start', onRequest));
    const { provider } = traced({ ...http, endpoint: server.url, exportBatchSize: 5 });
    const tracer = provider.getTracer('t');
    // End spans inside an active span, as application code does.
    tracer.startActiveSpan('parent', (parent) => {
      for (let i = 0; i < 10; i++) tracer.startSpan(`child-${i}`).end();
      expect(trace.getActiveSpan()).toBe(parent);
      parent.end();
    });
    await server.waitForSpans(11);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(Boolean)).toBe(true);
  });
});

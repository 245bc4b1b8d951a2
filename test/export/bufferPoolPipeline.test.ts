/**
 * Reused batch memory against the real loopback gRPC receiver: through an outage with a full
 * buffer (evicted batches' memory holds new ones), deliveries (delivered batches' memory holds
 * new ones) and failing calls (failed batches' memory, once evicted, holds new ones), every span
 * the receiver decodes is one that was sent, intact, exactly once.
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import * as realPool from '../../src/export/bufferPool.js';
import { startOtlpServer } from '../helpers/otlpServer.js';
import { exactlyOnce, sleep, track, traced, waitFor } from './pipelineHarness.js';

// The real pool, only counting how often it hands out memory that held another batch: the test
// must show reuse happened, or it would prove nothing.
const reuses = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/export/bufferPool.js', async (importOriginal) => {
  const real = await importOriginal<typeof realPool>();
  return {
    ...real,
    createBufferPool(maxIdleBytes: number) {
      const pool = real.createBufferPool(maxIdleBytes);
      const reuse = pool.reuse.bind(pool);
      pool.reuse = (bytes) => {
        const view = reuse(bytes);
        if (view) reuses.count++;
        return view;
      };
      return pool;
    },
  };
});

const BUDGET = 256 * 1024;

describe('export pipeline reusing batch memory', () => {
  it('delivers exactly the spans sent, intact, after an outage that filled the buffer', async () => {
    const server = track(await startOtlpServer());
    const { pipeline, provider } = traced({ endpoint: server.url, exportBatchSize: 50, maxBufferBytes: BUDGET });
    const tracer = provider.getTracer('pool-test');
    const sent: string[] = [];
    // Spans of varying size (so batches differ and must fit each other's buffers), each
    // carrying what its name says: a byte of another batch would show as a mismatch.
    const emit = (n: number) => {
      for (let k = 0; k < n; k++) {
        const seq = sent.length;
        tracer.startSpan(`s-${seq}`, { attributes: { seq, payload: 'p'.repeat(seq % 300) } }).end();
        sent.push(`s-${seq}`);
      }
    };
    const stream = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        emit(40);
        expect(pipeline.stats().bufferedBytes).toBeLessThanOrEqual(BUDGET);
        await sleep(10);
      }
    };

    await stream(300); // delivered: their memory comes back for the next batches
    await waitFor(() => pipeline.stats().exportedSpans === sent.length);
    const reusedWhileUp = reuses.count;
    expect(reusedWhileUp).toBeGreaterThan(0);

    await server.stop({ graceful: true });
    await stream(1200); // far more than 256 KiB: evictions, whose memory holds new batches
    expect(pipeline.stats().dropped.buffer_full).toBeGreaterThan(0);
    expect(reuses.count).toBeGreaterThan(reusedWhileUp);
    const beforeReturn = sent.length;

    await server.start();
    await stream(300);
    // Then a collector failing 3 calls in 4 with UNAVAILABLE: batches that were sent and failed
    // are retried or evicted, and an evicted one's memory holds a new batch (gRPC is done with a
    // body once a call has its status): a byte still read by a retry would show below.
    let calls = 0;
    server.setResponder(() => (++calls % 4 !== 0 ? { code: grpc.status.UNAVAILABLE } : undefined));
    await stream(600);
    expect(calls).toBeGreaterThan(4);
    server.setResponder(undefined);
    await stream(200);
    await pipeline.forceFlush();
    const s = () => pipeline.stats();
    await waitFor(() => s().exportedSpans + s().dropped.buffer_full === sent.length, 10_000, 'every span delivered or counted');

    expect(s().dropped.non_retryable ?? 0).toBe(0); // the receiver rejects what it cannot decode
    expect(s().droppedSpans).toBe(s().dropped.buffer_full);
    const { duplicates } = exactlyOnce(server.spans, sent);
    expect(duplicates).toBe(0);
    const known = new Set(sent);
    for (const span of server.spans) {
      expect(known.has(span.name)).toBe(true);
      const seq = Number(span.name.slice(2));
      expect(span.attributes).toEqual({ seq, payload: 'p'.repeat(seq % 300) });
    }
    expect(server.spans.length).toBe(sent.length - s().dropped.buffer_full);
    // Everything ended after the collector's return arrived.
    const got = new Set(server.spans.map((x) => x.name));
    expect(sent.slice(beforeReturn).every((n) => got.has(n))).toBe(true);
    expect(s().bufferedBytes).toBe(0);
  });
});

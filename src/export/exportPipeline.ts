import { diag, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createBackoff } from './backoff.js';
import { createBufferPool } from './bufferPool.js';
import { createByteBuffer, footprint, type Batch } from './byteBuffer.js';
import { resolveExportOptions, type ExportPipelineOptions } from './exportPipelineOptions.js';
import { createStatsRecorder, type ExportStats } from './exportStats.js';
import { createGrpcTransport } from './grpcTransport.js';
import { createHttpTransport } from './httpTransport.js';
import { quiet } from './quiet.js';
import { beforeDeadline, createSettleWaiters } from './settleWaiters.js';
import { createSpanBatcher } from './spanBatcher.js';
import { createSpanEncoder } from './spanEncoder.js';
import { secretRedactor } from './redactSecrets.js';
import { createSpool } from './spool.js';
import type { SendOutcome } from './transport.js';
import { validateExportOptions } from './validateExportOptions.js';

/** A span processor that batches, encodes, buffers, retries and (optionally) spools spans. */
export interface ExportPipeline extends SpanProcessor {
  /** Cumulative counters and current levels, as a plain object. */
  stats(): ExportStats;
}

/** Bytes on their way to the spool, on top of the memory budget; beyond it, eviction drops. */
const SPOOL_BACKLOG_BYTES = 8 * 1024 * 1024;

/**
 * Idle pooled memory at most, and at most this share of the budget: enough for the buffers
 * coming back from a few deliveries or evictions to be taken by the next batches, not enough to
 * keep much memory idle once traffic calms down.
 */
const MAX_IDLE_BYTES = 4 * 1024 * 1024;
const IDLE_SHARE_SHIFT = 3; // 1/8

const warned = new Set<string>();
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  diag.warn(`tracewise: ${message}`);
}

/**
 * The flow: onEnd → batcher (array push) → encoder (official protobuf serializer, off the hot
 * path) → byte buffer (memory budget; overflow to the spool or dropped oldest first) → up to
 * `maxConcurrentExports` requests → outcome: delivered, dropped (non-retryable, partial
 * success) or back to the head of the queue behind a pipeline-wide backoff.
 */
export function createExportPipeline(options: ExportPipelineOptions = {}): ExportPipeline {
  validateExportOptions(options);
  const o = resolveExportOptions(options);
  const rec = createStatsRecorder(o.observer);
  // Collector-provided text is logged: never with our own credentials in it.
  const redact = secretRedactor(o.headers);
  // The transports' and the spool's asynchronous setup (certificate files, the directory scan)
  // runs in quietSoon() (quiet.ts): with tracing suppressed, even under initTracing().
  const transport = o.protocol === 'grpc' ? createGrpcTransport(o) : createHttpTransport(o);
  const pool = createBufferPool(Math.min(MAX_IDLE_BYTES, o.maxBufferBytes >> IDLE_SHARE_SHIFT));
  const buffer = createByteBuffer(o.maxBufferBytes, () => pool.idleBytes);
  const waiters = createSettleWaiters<Batch>();
  const inFlight = new Map<Batch, AbortController>();
  const spooling = new Set<Batch>();
  let spoolingBytes = 0;
  let spoolingSpans = 0;
  let state: 'running' | 'draining' | 'closed' = 'running';
  let loading = false;
  let shutdownOnce: Promise<void> | undefined;

  const levels = () =>
    rec.levels(buffer.heldBytes + spoolingBytes, buffer.heldSpans + spoolingSpans, spool?.bytes ?? 0, spool?.spans ?? 0);

  const spool = o.spoolDirectory
    ? createSpool({
        directory: o.spoolDirectory,
        maxBytes: o.maxSpoolBytes,
        dropped: (n, reason) => rec.dropped(n, reason),
        changed: () =>
          quiet(() => {
            levels();
            pump();
          }),
        written: () => rec.spoolWrite(),
      })
    : undefined;

  const backoff = createBackoff({
    retry: o.retry,
    resume: () => pump(),
    watchReachable: transport.watchReachable?.bind(transport),
    within: quiet,
  });

  // ---- the memory budget ----

  const admit = (encoded: Batch) => {
    // Encoded after shutdown's deadline (resource attributes were slow): nothing will send it.
    if (state === 'closed') return displace(encoded, true);
    const b = place(encoded);
    // No room: everything held is in flight. The new batch is the one that cannot stay.
    if (!b) displace(encoded, false);
    else {
      buffer.hold(b);
      buffer.enqueue(b);
    }
    levels();
    pump();
  };

  /**
   * The batch copied into pooled memory within the budget (the serializer's buffer is left to
   * die young): an idle buffer that fits, else a new one, making room by letting idle buffers
   * go and then evicting the oldest queued batches, whose memory may come back to the pool and
   * fit. Undefined when even the bare batch does not fit.
   */
  const place = (b: Batch): Batch | undefined => {
    const size = b.bytes.byteLength;
    for (;;) {
      const reused = pool.reuse(b.bytes);
      if (reused) return { bytes: reused, spans: b.spans, pooled: true };
      if (!buffer.wouldOverflow(pool.capacityFor(size))) return { bytes: pool.allocate(b.bytes), spans: b.spans, pooled: true };
      if (pool.discardOne() > 0) continue;
      const oldest = buffer.evictOldest();
      if (!oldest) break;
      buffer.release(oldest);
      displace(oldest, false);
    }
    // A batch near the whole budget fits only without headroom: held as an exact copy (the
    // serializer may have over-reserved), so that the budget counts what is really held.
    return buffer.wouldOverflow(size) ? undefined : { bytes: b.bytes.slice(), spans: b.spans };
  };

  /**
   * Gives the memory of a batch that left the pipeline to the pool, if nothing can read it any
   * more: a batch never handed to a transport (evicted, or written to the spool), or one whose
   * last send settled with a transport that is done with a body by then (gRPC: always; HTTP:
   * after a success with gzip). One read back from the spool is not pooled memory. Call after
   * the batch's bytes were released.
   */
  const recycle = (b: Batch, delivered: boolean) => {
    if (!b.pooled || state === 'closed') return;
    // A batch sent once has settled by now (an evicted one is queued, not in flight).
    if (b.sent && !(delivered ? transport.releasesBodyOnSuccess : transport.releasesBodyOnFailure)) return;
    // Only once: the same memory must never back two batches.
    b.pooled = false;
    if (!buffer.wouldOverflow(b.bytes.buffer.byteLength)) pool.give(b.bytes);
  };

  /** A batch leaves memory undelivered: to the spool if there is one (and room), else dropped. */
  const displace = (b: Batch, atShutdown: boolean) => {
    if (b.spoolFile) {
      spool!.unload(b.spoolFile); // still on disk, read again later
      return waiters.settle(b);
    }
    const size = footprint(b);
    if (spool && (atShutdown || spoolingBytes + size <= SPOOL_BACKLOG_BYTES)) {
      spooling.add(b);
      spoolingBytes += size;
      spoolingSpans += b.spans;
      void quiet(() => spool.write(b)).then(() => {
        spooling.delete(b);
        spoolingBytes -= size;
        spoolingSpans -= b.spans;
        // The write is done (the file holds its own copy): the memory is free again.
        recycle(b, false);
        waiters.settle(b);
        levels();
      });
      return;
    }
    rec.dropped(b.spans, atShutdown ? 'shutdown' : 'buffer_full');
    recycle(b, false);
    waiters.settle(b);
  };

  const encoder = createSpanEncoder({
    maxBatchBytes: Math.min(o.maxBatchBytes, o.maxBufferBytes), // a batch must fit the budget
    onBatch: admit,
    dropped: (n, reason) => rec.dropped(n, reason),
  });
  const batcher = createSpanBatcher({
    batchSize: o.exportBatchSize,
    interval: o.exportInterval,
    onBatch: encoder.encode,
    within: quiet,
  });

  // ---- sending ----

  const pump = () => {
    if (state === 'closed' || backoff.active) return;
    // After a pause, one request probes the collector before the others follow.
    const limit = backoff.probing ? 1 : o.maxConcurrentExports;
    while (inFlight.size < limit) {
      const b = buffer.next();
      if (!b) break;
      send(b);
    }
    maybeLoadSpool();
  };

  const send = (b: Batch) => {
    const ac = new AbortController();
    inFlight.set(b, ac);
    b.sent = true;
    const t0 = performance.now();
    quiet(() =>
      transport.send(b.bytes, o.exportTimeout, ac.signal).then((out) => onOutcome(b, out, performance.now() - t0)),
    );
  };

  const onOutcome = (b: Batch, out: SendOutcome, ms: number) => {
    if (!inFlight.delete(b)) return; // abandoned at shutdown: already spooled or counted
    if (out.ok) {
      const rejected = Math.min(out.rejectedSpans, b.spans);
      rec.exported(b.spans - rejected, b.bytes.byteLength, ms);
      if (rejected > 0) {
        rec.dropped(rejected, 'partial_success');
        warnOnce('partial', `the collector rejected spans (partial success): ${redact(out.errorMessage ?? '')}`);
      }
      finish(b, true);
      backoff.succeeded();
    } else {
      rec.failed(b.spans, out.failure, out.retryable, ms);
      if (out.retryable && state === 'draining' && spool) {
        // Shutting down with the collector failing: to disk now, not another retry.
        buffer.release(b);
        displace(b, true);
        backoff.failed(out);
      } else if (out.retryable) {
        buffer.requeue(b);
        rec.retry(b.spans, backoff.failed(out));
        // Said once per kind of failure: a collector that stays away (or a TLS setup that never
        // works) must not go unnoticed, nor flood the log while it lasts.
        warnOnce(`retry:${out.failure}`, `export failed, retrying (spans are kept): ${redact(out.message)}`);
      } else {
        rec.dropped(b.spans, 'non_retryable');
        warnOnce(`fail:${out.failure}`, `export failed and will not be retried: ${redact(out.message)}`);
        finish(b, false);
      }
    }
    levels();
    pump();
  };

  const finish = (b: Batch, delivered: boolean) => {
    buffer.release(b);
    recycle(b, delivered);
    if (b.spoolFile) void quiet(() => spool!.remove(b.spoolFile!));
    waiters.settle(b);
  };

  /**
   * Whether `size` more bytes fit the budget, letting idle pooled memory go if that is what it
   * takes (the pool refills from live batches), so that a quiet pipeline does not hold spooled
   * data back; the pool is left alone when held batches alone leave no room.
   */
  const roomFor = (size: number): boolean => {
    if (!buffer.wouldOverflow(size)) return true;
    if (buffer.heldBytes + size > o.maxBufferBytes) return false;
    while (buffer.wouldOverflow(size) && pool.discardOne() > 0) {
      /* one idle buffer let go */
    }
    return !buffer.wouldOverflow(size);
  };

  const maybeLoadSpool = () => {
    if (!spool || loading || state !== 'running' || backoff.active) return;
    // Read back only when live data is not waiting, and only what fits the memory budget.
    if (buffer.queued >= o.maxConcurrentExports || !spool.hasUnloaded()) return;
    const size = spool.nextSize();
    if (size > o.maxBufferBytes) {
      // Written under a larger budget: it can never be read back, and would block the files
      // behind it for good.
      loading = true;
      void spool.discardNext('buffer_full').then(() => {
        loading = false;
        maybeLoadSpool();
      });
      return;
    }
    if (!roomFor(size)) return;
    loading = true;
    void spool.loadNext().then((b) => {
      loading = false;
      if (b) {
        // Live batches may have filled the budget during the read: the file waits on disk.
        if (state === 'closed' || !roomFor(footprint(b))) spool.unload(b.spoolFile!);
        else {
          rec.spoolRead();
          buffer.hold(b);
          buffer.enqueue(b);
        }
      }
      levels();
      pump();
    });
  };

  // ---- flushing and shutdown ----

  const unsettled = () => new Set<Batch>([...inFlight.keys(), ...buffer.queuedBatches(), ...spooling]);

  const encodeEverything = async (deadline: number) => {
    batcher.drain();
    await beforeDeadline(encoder.idle(), deadline);
  };

  const doShutdown = async () => {
    const deadline = Date.now() + o.flushTimeout;
    state = 'draining';
    batcher.stop();
    await encodeEverything(deadline);
    if (spool) {
      await beforeDeadline(spool.ready, deadline);
      // The collector is failing: persist now instead of spending the deadline on retries.
      if (backoff.failing) for (const b of buffer.takeAll()) (buffer.release(b), displace(b, true));
    }
    // Leave time to write what is still unsent to the spool.
    const reserve = spool ? Math.min(2000, o.flushTimeout / 4) : 0;
    await waiters.wait(unsettled(), deadline - reserve);
    state = 'closed';
    pool.clear(); // nothing is admitted any more: let the idle memory go
    backoff.cancel();
    const left = [...inFlight.keys(), ...buffer.takeAll()];
    for (const ac of inFlight.values()) ac.abort();
    inFlight.clear();
    for (const b of left) (buffer.release(b), displace(b, true));
    if (spool) await beforeDeadline(spool.idle(), deadline);
    await beforeDeadline(transport.close(), deadline);
    levels();
  };

  return {
    onStart() {},
    onEnd(span: ReadableSpan) {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      if (state !== 'running') return rec.dropped(1, 'shutdown');
      batcher.add(span);
    },
    async forceFlush() {
      if (state === 'closed') return;
      const deadline = Date.now() + o.flushTimeout;
      await quiet(() => encodeEverything(deadline));
      if (!(await waiters.wait(unsettled(), deadline))) diag.debug('tracewise: forceFlush reached its deadline; spans stay buffered');
    },
    shutdown() {
      return (shutdownOnce ??= quiet(doShutdown));
    },
    stats() {
      return rec.snapshot(batcher.pending, inFlight.size);
    },
  };
}

import { context, diag, ROOT_CONTEXT, TraceFlags, type Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createByteBuffer, type Batch } from './byteBuffer.js';
import { resolveExportOptions, type ExportPipelineOptions } from './exportPipelineOptions.js';
import { createStatsRecorder, type ExportStats } from './exportStats.js';
import { createGrpcTransport } from './grpcTransport.js';
import { createHttpTransport } from './httpTransport.js';
import { backoffDelay, serverDelay } from './retryPolicy.js';
import { createSpool } from './spool.js';
import type { SendOutcome } from './transport.js';
import { validateExportOptions } from './validateExportOptions.js';

/** A span processor that batches, encodes, buffers, retries and (optionally) spools spans. */
export interface ExportPipeline extends SpanProcessor {
  /** Cumulative counters and current levels, as a plain object. */
  stats(): ExportStats;
}

// Everything the pipeline schedules runs in this context: http/grpc/fs instrumentations see
// tracing suppressed and create no spans for exporting, and timers do not retain the context
// (and spans) of whichever application code happened to end a span.
const QUIET: Context = suppressTracing(ROOT_CONTEXT);
const quiet = <T>(fn: () => T): T => context.with(QUIET, fn);

/** Unencoded spans beyond this many batches are encoded at once, inside onEnd, to bound memory. */
const PENDING_BATCHES_CAP = 4;
/** Bytes on their way to the spool, on top of the memory budget; beyond it, eviction drops. */
const SPOOL_BACKLOG_BYTES = 8 * 1024 * 1024;

interface Waiter {
  batches: Set<Batch>;
  done(): void;
}

const warned = new Set<string>();
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  diag.warn(`tracewise: ${message}`);
}

export function createExportPipeline(options: ExportPipelineOptions = {}): ExportPipeline {
  validateExportOptions(options);
  const o = resolveExportOptions(options);
  const rec = createStatsRecorder(o.observer);
  const transport = o.protocol === 'grpc' ? createGrpcTransport(o) : createHttpTransport(o);
  const buffer = createByteBuffer(o.maxBufferBytes);
  const batchSize = o.exportBatchSize;
  // A batch must also fit the memory budget, or it could never be held.
  const maxBatchBytes = Math.min(o.maxBatchBytes, o.maxBufferBytes);

  let pending: ReadableSpan[] = [];
  let state: 'running' | 'draining' | 'closed' = 'running';
  let flushTimer: NodeJS.Timeout | undefined;
  let encodeTask: NodeJS.Immediate | undefined;
  let drainAll = false;
  const asyncEncodes = new Set<Promise<void>>();
  const inFlight = new Map<Batch, AbortController>();
  const spooling = new Set<Batch>();
  let spoolingBytes = 0;
  let spoolingSpans = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryAt = 0;
  let throttled = false;
  let probing = false;
  let failures = 0;
  let loading = false;
  const waiters = new Set<Waiter>();
  let shutdownOnce: Promise<void> | undefined;

  const levels = () => {
    rec.levels(buffer.heldBytes + spoolingBytes, buffer.heldSpans + spoolingSpans, spool?.bytes ?? 0, spool?.spans ?? 0);
  };

  const spool = o.spoolDirectory
    ? createSpool({
        directory: o.spoolDirectory,
        maxBytes: o.maxSpoolBytes,
        dropped: (n, reason) => rec.dropped(n, reason),
        changed: () => quiet(() => {
          levels();
          pump();
        }),
        written: () => rec.spoolWrite(),
      })
    : undefined;

  // ---- batching: onEnd only pushes; encoding runs in a timer or an immediate ----

  const armFlushTimer = () => {
    if (flushTimer || state !== 'running') return;
    flushTimer = quiet(() => setTimeout(onFlushTimer, o.exportInterval));
    flushTimer.unref();
  };
  const onFlushTimer = () => {
    flushTimer = undefined;
    scheduleEncode(true);
  };
  const scheduleEncode = (all: boolean) => {
    if (all) drainAll = true;
    if (encodeTask) return;
    // Not unref'd: an unref'd immediate does not stop the event loop from blocking in poll, so
    // it would wait for unrelated I/O or a timer (up to seconds). A ref'd one only keeps the
    // process alive for the one iteration in which it runs.
    encodeTask = quiet(() => setImmediate(encodeTick));
  };
  // One batch per macrotask, so a backlog never holds the event loop for long.
  const encodeTick = () => {
    encodeTask = undefined;
    const due = () => pending.length >= batchSize || (drainAll && pending.length > 0);
    if (due()) encodeNext();
    if (due()) return scheduleEncode(false);
    drainAll = false;
    if (pending.length > 0) armFlushTimer();
  };
  const encodeNext = () => {
    const spans = pending.length <= batchSize ? pending : pending.splice(0, batchSize);
    if (spans === pending) pending = [];
    encode(spans, false);
  };
  const encodeAllPending = () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    while (pending.length > 0) encodeNext();
  };

  const encode = (spans: ReadableSpan[], resourcesReady: boolean) => {
    if (!resourcesReady && spans.some((s) => s.resource.asyncAttributesPending)) {
      const p = Promise.all(spans.map((s) => s.resource.waitForAsyncAttributes?.()))
        .catch((err) => diag.debug(`tracewise: resource attributes failed: ${String(err)}`))
        .then(() => encode(spans, true))
        .finally(() => asyncEncodes.delete(p));
      asyncEncodes.add(p);
      return;
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = ProtobufTraceSerializer.serializeRequest(spans);
    } catch (err) {
      warnOnce('encode', `could not encode spans: ${(err as Error)?.message ?? String(err)}`);
    }
    if (!bytes) return rec.dropped(spans.length, 'encode_error');
    if (bytes.byteLength > maxBatchBytes && spans.length > 1) {
      const half = spans.length >> 1;
      encode(spans.slice(0, half), true);
      encode(spans.slice(half), true);
      return;
    }
    // The serializer sizes its buffer by estimate: if it over-reserved, copy, so that the
    // memory budget counts the memory really held.
    if (bytes.buffer.byteLength > bytes.byteLength + (bytes.byteLength >> 3) + 4096) bytes = bytes.slice();
    admit({ bytes, spans: spans.length });
  };

  // ---- the memory budget ----

  const admit = (b: Batch) => {
    // Encoded after shutdown's deadline (resource attributes were slow): nothing will send it.
    if (state === 'closed') return displace(b, true);
    const size = b.bytes.byteLength;
    while (buffer.wouldOverflow(size)) {
      const oldest = buffer.evictOldest();
      if (!oldest) break;
      buffer.release(oldest);
      displace(oldest, false);
    }
    // Still no room: everything held is in flight. The new batch is the one that cannot stay.
    if (buffer.wouldOverflow(size)) displace(b, false);
    else {
      buffer.hold(b);
      buffer.enqueue(b);
    }
    levels();
    pump();
  };

  /** A batch leaves memory without being delivered: to the spool if there is one, else dropped. */
  const displace = (b: Batch, atShutdown: boolean) => {
    if (b.spoolFile) {
      spool!.unload(b.spoolFile); // still on disk, read again later
      return settle(b);
    }
    if (spool && (atShutdown || spoolingBytes + b.bytes.byteLength <= SPOOL_BACKLOG_BYTES)) {
      spooling.add(b);
      spoolingBytes += b.bytes.byteLength;
      spoolingSpans += b.spans;
      void quiet(() => spool.write(b)).then(() => {
        spooling.delete(b);
        spoolingBytes -= b.bytes.byteLength;
        spoolingSpans -= b.spans;
        settle(b);
        levels();
      });
      return;
    }
    rec.dropped(b.spans, atShutdown ? 'shutdown' : 'buffer_full');
    settle(b);
  };

  // ---- sending and retrying ----

  const pump = () => {
    if (state === 'closed' || retryTimer) return;
    // After a backoff, one request probes the collector before the others follow.
    const limit = probing ? 1 : o.maxConcurrentExports;
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
        warnOnce('partial', `the collector rejected spans (partial success): ${out.errorMessage ?? ''}`);
      }
      failures = 0;
      probing = false;
      if (retryTimer && !throttled) endBackoff();
      finish(b);
    } else {
      rec.failed(b.spans, out.failure, out.retryable, ms);
      if (out.retryable) {
        buffer.requeue(b);
        rec.retry(b.spans, backOff(out));
      } else {
        rec.dropped(b.spans, 'non_retryable');
        warnOnce(`fail:${out.failure}`, `export failed and will not be retried: ${out.message}`);
        finish(b);
      }
    }
    levels();
    pump();
  };

  const finish = (b: Batch) => {
    buffer.release(b);
    if (b.spoolFile) void quiet(() => spool!.remove(b.spoolFile!));
    settle(b);
  };

  /** Pauses sending; returns the delay until the next attempt. */
  const backOff = (out: Extract<SendOutcome, { ok: false }>): number => {
    const now = Date.now();
    if (out.retryAfterMs !== undefined) {
      failures++;
      // +1 ms: a timer may fire a fraction of a millisecond early; the server's delay is a floor.
      const at = now + serverDelay(out.retryAfterMs, o.retry) + 1;
      // A server-requested delay is a floor: never shorten a pending backoff for it.
      if (!retryTimer || at > retryAt) armRetry(at, true);
      else throttled = true;
    } else if (!retryTimer) {
      // Several requests in flight fail together: the first one sets the backoff, the others
      // join it instead of compounding it.
      failures++;
      const cap = out.unreachable ? Math.min(o.retry.maxBackoff, o.retry.maxUnreachableBackoff) : o.retry.maxBackoff;
      armRetry(now + backoffDelay(failures, cap, o.retry), false);
    }
    if (out.unreachable && !throttled) transport.watchReachable?.(wake);
    return Math.max(0, retryAt - now);
  };
  const armRetry = (at: number, isThrottle: boolean) => {
    clearTimeout(retryTimer);
    retryAt = at;
    throttled = isThrottle;
    retryTimer = quiet(() => setTimeout(onRetryTimer, Math.max(0, at - Date.now())));
    retryTimer.unref();
  };
  const onRetryTimer = () => {
    probing = true;
    endBackoff();
  };
  const endBackoff = () => {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    throttled = false;
    pump();
  };
  /** The transport saw the collector come back: do not sit out the rest of the backoff. */
  const wake = () => quiet(() => {
    if (retryTimer && !throttled) endBackoff();
  });

  const maybeLoadSpool = () => {
    if (!spool || loading || state !== 'running' || retryTimer) return;
    // Read back only when live data is not waiting, and only what fits the memory budget.
    if (buffer.queued >= o.maxConcurrentExports || !spool.hasUnloaded()) return;
    if (buffer.wouldOverflow(spool.nextSize())) return;
    loading = true;
    void spool.loadNext().then((b) => {
      loading = false;
      if (b) {
        rec.spoolRead();
        if (state === 'closed') spool.unload(b.spoolFile!);
        else {
          buffer.hold(b);
          buffer.enqueue(b);
        }
      }
      levels();
      pump();
    });
  };

  // ---- flushing and shutdown ----

  const settle = (b: Batch) => {
    for (const w of waiters) if (w.batches.delete(b) && w.batches.size === 0) w.done();
  };

  const unsettled = () => new Set<Batch>([...inFlight.keys(), ...buffer.queuedBatches(), ...spooling]);

  /** Resolves true once every batch in `batches` settled, false at the deadline. */
  const settled = (batches: Set<Batch>, deadline: number) =>
    new Promise<boolean>((resolve) => {
      if (batches.size === 0) return resolve(true);
      // Deliberately not unref'd: the caller awaits this, bounded by the deadline, and an
      // unref'd wait would let the process exit mid-flush while retries are backing off.
      const timer = setTimeout(() => {
        waiters.delete(w);
        resolve(false);
      }, Math.max(0, deadline - Date.now()));
      const w: Waiter = {
        batches,
        done: () => {
          clearTimeout(timer);
          waiters.delete(w);
          resolve(true);
        },
      };
      waiters.add(w);
    });

  /** Resolves true when `p` settles, false at the deadline (never rejects). */
  const before = (p: Promise<unknown>, deadline: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      p.then(done, done);
    });

  const encodeEverything = async (deadline: number) => {
    clearImmediate(encodeTask);
    encodeTask = undefined;
    encodeAllPending();
    if (asyncEncodes.size > 0) await before(Promise.all(asyncEncodes), deadline);
  };

  const doShutdown = async () => {
    const deadline = Date.now() + o.flushTimeout;
    state = 'draining';
    await encodeEverything(deadline);
    if (spool) {
      await before(spool.ready, deadline);
      // The collector is failing: persist now instead of spending the deadline on retries.
      if (retryTimer || failures > 0) for (const b of buffer.takeAll()) (buffer.release(b), displace(b, true));
    }
    // Leave time to write what is still unsent to the spool.
    const reserve = spool ? Math.min(2000, o.flushTimeout / 4) : 0;
    await settled(unsettled(), deadline - reserve);
    state = 'closed';
    clearTimeout(retryTimer);
    retryTimer = undefined;
    const left = [...inFlight.keys(), ...buffer.takeAll()];
    for (const ac of inFlight.values()) ac.abort();
    inFlight.clear();
    for (const b of left) (buffer.release(b), displace(b, true));
    if (spool) await before(spool.idle(), deadline);
    await before(transport.close(), deadline);
    levels();
  };

  return {
    onStart() {},
    onEnd(span: ReadableSpan) {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      if (state !== 'running') return rec.dropped(1, 'shutdown');
      const n = pending.push(span);
      if (n === 1) armFlushTimer();
      else if (n >= batchSize) {
        // A synchronous burst outruns the immediate: encode here rather than hold unbounded spans.
        if (n >= batchSize * PENDING_BATCHES_CAP) quiet(encodeNext);
        else scheduleEncode(false);
      }
    },
    async forceFlush() {
      if (state === 'closed') return;
      const deadline = Date.now() + o.flushTimeout;
      await quiet(() => encodeEverything(deadline));
      if (!(await settled(unsettled(), deadline))) diag.debug('tracewise: forceFlush reached its deadline; spans stay buffered');
    },
    shutdown() {
      return (shutdownOnce ??= quiet(doShutdown));
    },
    stats() {
      return rec.snapshot(pending.length, inFlight.size);
    },
  };
}

import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * Collects ended spans and hands them over in batches: when `batchSize` are waiting (from an
 * immediate, off the span's hot path) or when the oldest has waited `interval` ms. `add` only
 * pushes into an array; encoding happens in `onBatch`.
 */
export interface SpanBatcher {
  add(span: ReadableSpan): void;
  readonly pending: number;
  /** Hands over every waiting span now, in batches (forceFlush, shutdown). */
  drain(): void;
  /** Cancels the timer and the immediate. */
  stop(): void;
}

export interface SpanBatcherOptions {
  batchSize: number;
  interval: number;
  onBatch(spans: ReadableSpan[]): void;
  /** Runs a scheduling call in the context the batch work should inherit. */
  within<T>(fn: () => T): T;
}

/** Unencoded spans beyond this many batches are handed over at once, inside add(), to bound memory. */
const PENDING_BATCHES_CAP = 4;

export function createSpanBatcher(o: SpanBatcherOptions): SpanBatcher {
  const { batchSize } = o;
  let pending: ReadableSpan[] = [];
  let timer: NodeJS.Timeout | undefined;
  let task: NodeJS.Immediate | undefined;
  let drainAll = false;
  let stopped = false;

  /** When the oldest waiting span arrived (performance.now()). */
  let oldestAt = 0;

  const take = () => {
    // Both parts are new arrays, never `pending.splice()`: the spans arriving while a full batch
    // waits for its immediate make most batches take this branch, and a `pending` array kept
    // for the whole run ends up in V8's old space, where it held its spans through scavenges:
    // ~120 KB promoted per scavenge at 20k spans/s (V8 --trace-gc-nvp), old-space garbage that
    // raised the memory of a 60 s outage by several MB (bench/export.ts heap). Copying the few
    // leftover spans instead keeps every array, and so every span, young.
    const spans = pending.length <= batchSize ? pending : pending.slice(0, batchSize);
    if (spans === pending) pending = [];
    else {
      pending = pending.slice(batchSize);
      // What is left arrived just now, as far as the next batch's deadline is concerned.
      oldestAt = performance.now();
    }
    o.onBatch(spans);
  };
  const armTimer = () => {
    if (timer || stopped) return;
    const wait = Math.max(0, o.interval - (performance.now() - oldestAt));
    timer = o.within(() => setTimeout(onTimer, wait));
    timer.unref();
  };
  // Only the waiting spans' own age hands them over: under steady load a batch fills in time,
  // and an earlier batch's timer must not send it out partial (odd-sized batches mean more
  // requests, and memory the buffer pool reuses less well).
  const onTimer = () => {
    timer = undefined;
    if (pending.length === 0) return;
    if (performance.now() - oldestAt >= o.interval - 1) schedule(true);
    else armTimer();
  };
  const schedule = (all: boolean) => {
    if (all) drainAll = true;
    if (task || stopped) return;
    // Not unref'd: an unref'd immediate does not stop the event loop from blocking in poll, so
    // it would wait for unrelated I/O or a timer (seconds, in an idle process). A ref'd one
    // keeps the process alive only for the iteration in which it runs.
    task = o.within(() => setImmediate(tick));
  };
  // One batch per macrotask, so that a backlog never holds the event loop for long.
  const tick = () => {
    task = undefined;
    const due = () => pending.length >= batchSize || (drainAll && pending.length > 0);
    if (due()) take();
    if (due()) return schedule(false);
    drainAll = false;
    if (pending.length > 0) armTimer();
  };

  return {
    add(span) {
      const n = pending.push(span);
      if (n === 1) {
        oldestAt = performance.now();
        armTimer();
      } else if (n >= batchSize) {
        // A synchronous burst outruns the immediate: hand over here rather than hold unbounded spans.
        if (n >= batchSize * PENDING_BATCHES_CAP) o.within(take);
        else schedule(false);
      }
    },
    get pending() {
      return pending.length;
    },
    drain() {
      clearTimeout(timer);
      timer = undefined;
      while (pending.length > 0) take();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearImmediate(task);
      timer = undefined;
      task = undefined;
    },
  };
}

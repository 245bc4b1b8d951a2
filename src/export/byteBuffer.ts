/** One encoded export request and what it stands for. */
export interface Batch {
  /** A serialized ExportTraceServiceRequest. */
  bytes: Uint8Array;
  spans: number;
  /** Set when the batch was read back from the spool: the file is deleted once the batch settles. */
  spoolFile?: string;
}

/**
 * Memory accounting for encoded batches: a FIFO of batches waiting to be sent, plus totals of
 * everything held in memory (queued and in flight). The budget is in bytes, not spans, because
 * bytes are what a process runs out of; the pipeline evicts the oldest queued batches to stay
 * within it.
 */
export interface ByteBuffer {
  readonly maxBytes: number;
  /** Bytes and spans held (queued + in flight). */
  readonly heldBytes: number;
  readonly heldSpans: number;
  /** Number of batches waiting to be sent. */
  readonly queued: number;
  /** Counts a batch against the budget. */
  hold(batch: Batch): void;
  /** Stops counting a batch (delivered, dropped, or handed to the spool). */
  release(batch: Batch): void;
  /** Appends a held batch to the send queue. */
  enqueue(batch: Batch): void;
  /** Puts a batch back at the head of the queue (a retry goes first). */
  requeue(batch: Batch): void;
  /** The next batch to send, or undefined. It stays held. */
  next(): Batch | undefined;
  /** Takes the oldest queued batch out of the queue (still held: the caller releases it). */
  evictOldest(): Batch | undefined;
  /** Takes every queued batch out of the queue, oldest first (still held). */
  takeAll(): Batch[];
  /** The queued batches, oldest first, left in place. */
  queuedBatches(): readonly Batch[];
  /** Whether `bytes` more would exceed the budget. */
  wouldOverflow(bytes: number): boolean;
}

export function createByteBuffer(maxBytes: number): ByteBuffer {
  // Retries are put back at the head, and new batches at the tail; both ends are served from the
  // head. The queue holds at most maxBytes / batch size entries (a few thousand), so plain array
  // operations are cheap enough and keep this obvious.
  let queue: Batch[] = [];
  let heldBytes = 0;
  let heldSpans = 0;
  return {
    maxBytes,
    get heldBytes() {
      return heldBytes;
    },
    get heldSpans() {
      return heldSpans;
    },
    get queued() {
      return queue.length;
    },
    hold(b) {
      heldBytes += b.bytes.byteLength;
      heldSpans += b.spans;
    },
    release(b) {
      heldBytes -= b.bytes.byteLength;
      heldSpans -= b.spans;
    },
    enqueue(b) {
      queue.push(b);
    },
    requeue(b) {
      queue.unshift(b);
    },
    next() {
      return queue.shift();
    },
    evictOldest() {
      // Retried batches sit at the head and are the oldest data; new ones are at the tail.
      return queue.shift();
    },
    takeAll() {
      const all = queue;
      queue = [];
      return all;
    },
    queuedBatches() {
      return queue;
    },
    wouldOverflow(bytes) {
      return heldBytes + bytes > maxBytes;
    },
  };
}

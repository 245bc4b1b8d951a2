/** One encoded export request and what it stands for. */
export interface Batch {
  /** A serialized ExportTraceServiceRequest. */
  bytes: Uint8Array;
  spans: number;
  /** Set when the batch was read back from the spool: the file is deleted once the batch settles. */
  spoolFile?: string;
  /**
   * Set while `bytes` is a view of a buffer from the pipeline's buffer pool: the whole buffer
   * (its capacity, not the view's length) is what the batch holds, and it may go back to the
   * pool once nothing can read it.
   */
  pooled?: boolean;
  /** Set once the batch was handed to a transport, which may read it until it answers. */
  sent?: boolean;
}

/** The memory a batch really holds: its pooled buffer's capacity, else its bytes. */
export function footprint(b: Batch): number {
  return b.pooled ? b.bytes.buffer.byteLength : b.bytes.byteLength;
}

/**
 * Memory accounting for encoded batches: a FIFO of batches waiting to be sent, plus totals of
 * everything held in memory (queued and in flight). The budget is in bytes, not spans, because
 * bytes are what a process runs out of; the pipeline evicts the oldest queued batches to stay
 * within it. Counted per batch is its `footprint` (a pooled buffer's whole capacity); memory kept
 * idle for reuse (`idleBytes`) counts against the same budget.
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
  /** Whether `bytes` more would exceed the budget (held + idle + bytes > maxBytes). */
  wouldOverflow(bytes: number): boolean;
}

export function createByteBuffer(maxBytes: number, idleBytes: () => number = () => 0): ByteBuffer {
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
      heldBytes += footprint(b);
      heldSpans += b.spans;
    },
    release(b) {
      heldBytes -= footprint(b);
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
      return heldBytes + idleBytes() + bytes > maxBytes;
    },
  };
}

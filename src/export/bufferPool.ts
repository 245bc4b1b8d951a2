/**
 * Idle memory of settled batches, kept to hold the next ones.
 *
 * Why: while the collector is away the byte buffer is full, and every new batch evicts the
 * oldest. That batch has waited long enough to sit in V8's old space, so its backing store is
 * only freed at the next mark-compact: until then the process holds the budget plus every
 * evicted batch not yet collected. Copying each new batch into the memory of an evicted one
 * keeps that memory in use instead, and the serializer's own allocation dies young (freed by the
 * next scavenge, which is cheap and frequent).
 *
 * The pool only copies and hands out memory; deciding when a buffer can no longer be read by
 * anyone (a transport, the spool) is the pipeline's job. Its idle bytes count against the memory
 * budget like held batches do.
 */
export interface BufferPool {
  /** Bytes of idle buffers kept for reuse (their full capacity). */
  readonly idleBytes: number;
  /** Upper bound on `idleBytes`. */
  readonly maxIdleBytes: number;
  /** The capacity a new buffer for `size` bytes gets. */
  capacityFor(size: number): number;
  /**
   * A copy of `bytes` in the smallest idle buffer that fits it without wasting more than its own
   * headroom again, as a view from offset 0; undefined when none fits. The buffer stops being idle.
   */
  reuse(bytes: Uint8Array): Uint8Array | undefined;
  /** A copy of `bytes` in a new buffer of `capacityFor(bytes.byteLength)`, as a view from offset 0. */
  allocate(bytes: Uint8Array): Uint8Array;
  /**
   * Keeps the whole buffer behind `view` for reuse. The caller guarantees nothing reads `view`
   * any more. False (the buffer is left to the GC) when it would take the pool over its cap.
   */
  give(view: Uint8Array): boolean;
  /** Lets the smallest idle buffer go to the GC; returns its capacity, 0 when the pool is empty. */
  discardOne(): number;
  /** Lets every idle buffer go. */
  clear(): void;
}

/** Capacities are multiples of this: a page, so that small batches do not scatter odd sizes. */
const GRANULE = 4096;

/**
 * Headroom of a new buffer: 1/8 of the batch. Batches of the same size setting differ by a few
 * percent (attribute values, names), so a buffer sized for one of them fits most of the others.
 */
const headroom = (size: number) => size >> 3;

export function createBufferPool(maxIdleBytes: number): BufferPool {
  // Few entries (maxIdleBytes / batch size: tens at most): a linear scan is cheaper than any index.
  const idle: ArrayBuffer[] = [];
  let idleBytes = 0;

  const capacityFor = (size: number) => Math.ceil((size + headroom(size)) / GRANULE) * GRANULE || GRANULE;

  const copyInto = (buf: ArrayBuffer, bytes: Uint8Array) => {
    const view = new Uint8Array(buf, 0, bytes.byteLength);
    view.set(bytes);
    return view;
  };

  const smallest = () => {
    let at = -1;
    for (let i = 0; i < idle.length; i++) if (at < 0 || idle[i].byteLength < idle[at].byteLength) at = i;
    return at;
  };

  const take = (i: number) => {
    const buf = idle[i];
    idle[i] = idle[idle.length - 1];
    idle.pop();
    idleBytes -= buf.byteLength;
    return buf;
  };

  return {
    get idleBytes() {
      return idleBytes;
    },
    maxIdleBytes,
    capacityFor,
    reuse(bytes) {
      const size = bytes.byteLength;
      // A much larger buffer would hold budget a smaller one could use: at most twice the
      // capacity a new buffer would get.
      const most = 2 * capacityFor(size);
      let at = -1;
      for (let i = 0; i < idle.length; i++) {
        const cap = idle[i].byteLength;
        if (cap >= size && cap <= most && (at < 0 || cap < idle[at].byteLength)) at = i;
      }
      return at < 0 ? undefined : copyInto(take(at), bytes);
    },
    allocate(bytes) {
      return copyInto(new ArrayBuffer(capacityFor(bytes.byteLength)), bytes);
    },
    give(view) {
      const buf = view.buffer as ArrayBuffer;
      // Idle twice would hand the same memory to two batches: refuse quietly, never throw here.
      if (idle.includes(buf)) return false;
      if (idleBytes + buf.byteLength > maxIdleBytes) return false;
      idle.push(buf);
      idleBytes += buf.byteLength;
      return true;
    },
    discardOne() {
      const at = smallest();
      return at < 0 ? 0 : take(at).byteLength;
    },
    clear() {
      idle.length = 0;
      idleBytes = 0;
    },
  };
}

import { diag } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Batch } from './byteBuffer.js';
import type { DropReason } from './exportObserver.js';
import { serializeSpans } from './serializeSpans.js';

/**
 * Turns spans into encoded batches (OTLP protobuf, src/export/serializeSpans.ts): waits for
 * asynchronous resource attributes first, and splits a batch whose encoding exceeds
 * `maxBatchBytes` (collectors reject gRPC messages over 4 MiB by default).
 */
export interface SpanEncoder {
  encode(spans: ReadableSpan[]): void;
  /** Resolves when batches waiting for resource attributes are encoded. */
  idle(): Promise<void>;
}

export interface SpanEncoderOptions {
  maxBatchBytes: number;
  onBatch(batch: Batch): void;
  dropped(spans: number, reason: DropReason): void;
}

let warned = false;

export function createSpanEncoder(o: SpanEncoderOptions): SpanEncoder {
  const waiting = new Set<Promise<void>>();

  const encode = (spans: ReadableSpan[], resourcesReady: boolean): void => {
    if (!resourcesReady && spans.some((s) => s.resource.asyncAttributesPending)) {
      const p = Promise.all(spans.map((s) => s.resource.waitForAsyncAttributes?.()))
        .catch((err) => diag.debug(`tracewise: resource attributes failed: ${String(err)}`))
        .then(() => encode(spans, true))
        .finally(() => waiting.delete(p));
      waiting.add(p);
      return;
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = serializeSpans(spans);
    } catch (err) {
      if (!warned) diag.warn(`tracewise: could not encode spans: ${(err as Error)?.message ?? String(err)}`);
      warned = true;
    }
    if (!bytes) return o.dropped(spans.length, 'encode_error');
    if (bytes.byteLength > o.maxBatchBytes && spans.length > 1) {
      const half = spans.length >> 1;
      encode(spans.slice(0, half), true);
      encode(spans.slice(half), true);
      return;
    }
    // The pipeline copies what it keeps (into pooled memory), so this allocation dies young.
    o.onBatch({ bytes, spans: spans.length });
  };

  return {
    encode: (spans) => encode(spans, false),
    idle: () => Promise.all(waiting).then(() => undefined),
  };
}

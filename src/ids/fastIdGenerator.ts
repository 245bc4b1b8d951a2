import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

/**
 * Trace and span IDs from crypto-grade randomness, cheaper than the SDK's RandomIdGenerator.
 *
 * Why a pool: the SDK calls Math.random() four times per trace ID and writes each word into a
 * buffer. We fill an 8 KiB pool from the OS CSPRNG once every 512 trace IDs and slice hex out of
 * it, which costs ~0.6x of the SDK per ID (bench/ids.ts) and gives W3C Trace Context Level 2
 * what it asks: every byte (so the right-most 7) uniformly random.
 *
 * The pool is consumed strictly forward and refilled whole, so no byte is ever handed out twice.
 */
const POOL_SIZE = 8192;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

const ZERO_TRACE_ID = '00000000000000000000000000000000';
const ZERO_SPAN_ID = '0000000000000000';

function randomHex(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const s = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return s;
}

export function generateTraceId(): string {
  let id = randomHex(16);
  // An all-zero ID is invalid; the chance is 2^-128, the loop is a guarantee, not a cost.
  while (id === ZERO_TRACE_ID) id = randomHex(16);
  return id;
}

export function generateSpanId(): string {
  let id = randomHex(8);
  while (id === ZERO_SPAN_ID) id = randomHex(8);
  return id;
}

/**
 * An IdGenerator for the SDK. `nextTraceId` lets tracewise's tracer hand the SDK the trace ID it
 * already sampled on (the decision is taken before the SDK span exists); it is consumed by the
 * very next generateTraceId() call, which the SDK makes synchronously in the same startSpan.
 */
export class FastIdGenerator implements IdGenerator {
  nextTraceId: string | undefined = undefined;

  generateTraceId(): string {
    const id = this.nextTraceId;
    if (id !== undefined) {
      this.nextTraceId = undefined;
      return id;
    }
    return generateTraceId();
  }

  generateSpanId(): string {
    return generateSpanId();
  }
}

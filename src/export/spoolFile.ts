import { createHash } from 'node:crypto';

/**
 * The on-disk format of one spooled batch (little-endian):
 *
 *   offset  size  field
 *   0       4     magic "TWSP"
 *   4       1     format version (1)
 *   5       3     reserved (0)
 *   8       4     span count (uint32)
 *   12      4     payload length (uint32)
 *   16      16    first 16 bytes of SHA-256(payload)
 *   32      n     payload: a serialized OTLP ExportTraceServiceRequest, uncompressed
 *
 * The checksum catches torn or bit-rotted files so that garbage is never sent to a collector
 * (it would be rejected as non-retryable and counted under the wrong reason).
 */
const MAGIC = Buffer.from('TWSP', 'ascii');
const VERSION = 1;
export const SPOOL_HEADER_BYTES = 32;

function checksum(payload: Uint8Array): Buffer {
  return createHash('sha256').update(payload).digest().subarray(0, 16);
}

export function encodeSpoolFile(payload: Uint8Array, spans: number): Buffer {
  const header = Buffer.alloc(SPOOL_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt8(VERSION, 4);
  header.writeUInt32LE(spans, 8);
  header.writeUInt32LE(payload.byteLength, 12);
  checksum(payload).copy(header, 16);
  return Buffer.concat([header, payload]);
}

/** The batch in a spool file, or undefined when the file is not a valid, complete one. */
export function decodeSpoolFile(file: Buffer): { payload: Buffer; spans: number } | undefined {
  if (file.length < SPOOL_HEADER_BYTES) return undefined;
  if (!file.subarray(0, 4).equals(MAGIC) || file.readUInt8(4) !== VERSION) return undefined;
  const spans = file.readUInt32LE(8);
  const length = file.readUInt32LE(12);
  if (file.length !== SPOOL_HEADER_BYTES + length) return undefined;
  const payload = file.subarray(SPOOL_HEADER_BYTES);
  if (!checksum(payload).equals(file.subarray(16, 32))) return undefined;
  return { payload, spans };
}

/**
 * File names sort by age: `tw-<ms since epoch, 13 digits>-<pid>-<seq>-<spans>.spool`. The span
 * count is in the name so that a full spool can evict (and count) its oldest files without
 * reading them, and a corrupt file can still be counted.
 */
// At most 15 digits per number: a longer span count would not be an exact number (or would be
// Infinity) and corrupt the spool's accounting.
const NAME = /^tw-(\d{13})-(\d{1,15})-(\d{1,15})-(\d{1,15})\.spool$/;

export function spoolFileName(now: number, pid: number, seq: number, spans: number): string {
  return `tw-${String(now).padStart(13, '0')}-${pid}-${String(seq).padStart(9, '0')}-${spans}.spool`;
}

export function parseSpoolFileName(name: string): { spans: number } | undefined {
  const m = NAME.exec(name);
  return m ? { spans: Number(m[4]) } : undefined;
}

/** Temporary files being written; renamed into place when complete. */
export const SPOOL_TMP_SUFFIX = '.tmp';

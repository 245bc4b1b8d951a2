/**
 * Reads the retry delay out of a gRPC `grpc-status-details-bin` trailer: a google.rpc.Status whose
 * `details` (field 3, repeated google.protobuf.Any) may hold a google.rpc.RetryInfo, whose
 * `retry_delay` (field 1) is a google.protobuf.Duration {seconds: int64 = 1, nanos: int32 = 2}.
 * Decoded by hand: four tiny messages do not justify a protobuf runtime dependency. Malformed
 * input yields undefined, never an exception.
 */
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

interface Field {
  no: number;
  wire: number;
  varint?: number;
  bytes?: Uint8Array;
}

/** Iterates the fields of one protobuf message; returns undefined if it is malformed. */
function fields(buf: Uint8Array): Field[] | undefined {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): number | undefined => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) return undefined;
      const b = buf[pos++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    return undefined;
  };
  while (pos < buf.length) {
    const tag = varint();
    if (tag === undefined) return undefined;
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const v = varint();
      if (v === undefined) return undefined;
      out.push({ no, wire, varint: v });
    } else if (wire === 2) {
      const len = varint();
      if (len === undefined || pos + len > buf.length) return undefined;
      out.push({ no, wire, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      return undefined;
    }
    if (pos > buf.length) return undefined;
  }
  return out;
}

/** The RetryInfo delay in ms carried by a serialized google.rpc.Status, if any. */
export function retryDelayFromStatusDetails(status: Uint8Array): number | undefined {
  for (const detail of fields(status) ?? []) {
    if (detail.no !== 3 || !detail.bytes) continue;
    const any = fields(detail.bytes);
    if (!any) continue;
    const typeUrl = any.find((f) => f.no === 1 && f.bytes);
    const value = any.find((f) => f.no === 2 && f.bytes);
    if (!typeUrl || !value || Buffer.from(typeUrl.bytes!).toString('utf8') !== RETRY_INFO_TYPE) continue;
    const retryDelay = fields(value.bytes!)?.find((f) => f.no === 1 && f.bytes);
    // RetryInfo without retry_delay still signals "retryable": treat as zero extra delay.
    if (!retryDelay) return 0;
    const duration = fields(retryDelay.bytes!);
    if (!duration) return undefined;
    const seconds = duration.find((f) => f.no === 1 && f.wire === 0)?.varint ?? 0;
    const nanos = duration.find((f) => f.no === 2 && f.wire === 0)?.varint ?? 0;
    // A negative field arrives as a huge unsigned varint: a negative duration means no delay,
    // a bad nanos field alone does not void the seconds.
    if (seconds > 2 ** 53) return 0;
    return seconds * 1000 + (nanos < 1e9 ? nanos / 1e6 : 0);
  }
  return undefined;
}

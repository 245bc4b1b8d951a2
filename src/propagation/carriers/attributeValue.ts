/**
 * Reads one message attribute / header value as text. Messaging clients store propagation
 * headers in several shapes, all handled here:
 * - a string (most clients, Map carriers);
 * - a Buffer / Uint8Array (Kafka: kafkajs and node-rdkafka hand headers over as bytes), decoded
 *   as UTF-8 (invalid sequences become U+FFFD, never an exception);
 * - an array of either (repeated Kafka headers);
 * - an SQS MessageAttributeValue `{ DataType: 'String', StringValue }` (AWS SDK), or the
 *   `{ dataType, stringValue }` form of Lambda SQS events.
 * Anything else is absent.
 */
export function attributeValue(value: unknown): string | string[] | undefined {
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const v of value) {
      const s = scalarValue(v);
      if (s !== undefined) out.push(s);
    }
    return out.length === 0 ? undefined : out.length === 1 ? out[0] : out;
  }
  return scalarValue(value);
}

function scalarValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  }
  if (value !== null && typeof value === 'object') {
    const v = value as { StringValue?: unknown; stringValue?: unknown };
    const s = v.StringValue ?? v.stringValue;
    return typeof s === 'string' ? s : undefined;
  }
  return undefined;
}

/** True for an SQS MessageAttributeValue-shaped object. */
export function isSqsAttribute(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { DataType?: unknown }).DataType === 'string'
  );
}

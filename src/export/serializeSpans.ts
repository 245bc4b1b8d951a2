import type { Attributes, HrTime, Link, SpanContext, SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/**
 * Serializes spans into an OTLP ExportTraceServiceRequest (protobuf), byte for byte what the
 * official `ProtobufTraceSerializer.serializeRequest()` of @opentelemetry/otlp-transformer
 * writes (test/export/serializeSpans.test.ts compares the two on generated spans).
 *
 * Why our own: encoding was the largest single cost of a sampled span (≈ 6 µs of a 10-attribute
 * HTTP span in a warm loop, more in a service, bench/encode.ts). The official walks every span
 * twice (a size estimate, then the write) through a writer interface with two implementations,
 * allocates a Uint8Array per ID, and serializes each tracestate anew. This walks once into one
 * growing buffer that is kept between calls, writes IDs from their hex, short ASCII strings
 * char by char and other strings with Buffer's native UTF-8 writer, and fixes lengths up after
 * the fact (moving the bytes when a length needs another byte than reserved).
 *
 * Returns a fresh copy of exactly the request's bytes. Throws on spans that are not ReadableSpans
 * (as the official does); the caller counts them as an encoding error.
 */
export function serializeSpans(spans: readonly ReadableSpan[]): Uint8Array {
  if (!busy) {
    busy = true;
    try {
      return serialize(spans);
    } finally {
      busy = false;
    }
  }
  // Called again from inside a call (an attribute getter, a custom serialize()): a buffer of its
  // own, so that the outer request is left as it was.
  const outer = { buf, pos, lastTraceState, lastTraceStateText };
  buf = Buffer.alloc(0);
  try {
    return serialize(spans);
  } finally {
    ({ buf, pos, lastTraceState, lastTraceStateText } = outer);
  }
}

function serialize(spans: readonly ReadableSpan[]): Uint8Array {
  pos = 0;
  // A TraceState may be a mutable custom one: its text is remembered within one request only.
  lastTraceState = undefined;
  // Grouped by resource, then by scope, by identity, in order of first appearance (as the official).
  const groups = new Map<Resource, Map<InstrumentationScope, ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = groups.get(span.resource);
    if (scopes === undefined) groups.set(span.resource, (scopes = new Map()));
    const list = scopes.get(span.instrumentationScope);
    if (list === undefined) scopes.set(span.instrumentationScope, [span]);
    else list.push(span);
  }
  for (const [resource, scopes] of groups) {
    tag(1, LEN); // ExportTraceServiceRequest.resource_spans
    const start = open(3);
    writeResource(resource);
    for (const [scope, list] of scopes) {
      tag(2, LEN); // ResourceSpans.scope_spans
      const s = open(3);
      writeScope(scope);
      for (let i = 0; i < list.length; i++) {
        tag(2, LEN); // ScopeSpans.spans
        writeSpan(list[i]);
      }
      if (scope.schemaUrl) stringField(3, scope.schemaUrl);
      close(s, 3);
    }
    if (resource.schemaUrl) stringField(3, resource.schemaUrl);
    close(start, 3);
  }
  // A copy: the buffer is reused by the next call. Kept no larger than what recent batches needed.
  const out = new Uint8Array(pos);
  out.set(buf.subarray(0, pos));
  if (buf.length > KEEP_BYTES && pos < buf.length >> 2) buf = Buffer.allocUnsafeSlow(Math.max(KEEP_BYTES, pos * 2));
  return out;
}

// ---- the buffer

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;
/** The buffer shrinks back to this when a burst of large batches is over. */
const KEEP_BYTES = 1 << 20;
/** Strings up to this many UTF-16 units are checked and written char by char: a native call costs more. */
const SHORT_STRING = 48;
const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK = 0x100;
const SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK = 0x200;
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;
const hasOwn = Object.prototype.hasOwnProperty;

/** Allocated on first use, then kept (and grown) between calls. */
let buf: Buffer = Buffer.alloc(0);
let pos = 0;
let busy = false;

function ensure(n: number): void {
  if (pos + n <= buf.length) return;
  let size = Math.max(buf.length * 2, 64 * 1024);
  while (size < pos + n) size *= 2;
  const next = Buffer.allocUnsafeSlow(size);
  buf.copy(next, 0, 0, pos);
  buf = next;
}

function varint(value: number): void {
  ensure(10);
  if (value >= 0 && value <= 0xffffffff) {
    let v = value >>> 0;
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    return;
  }
  // Beyond 32 bits, and negative numbers (two's complement over 64 bits): the official's arithmetic.
  let low: number;
  let high: number;
  if (value >= 0) {
    low = value >>> 0;
    high = (value / 0x100000000) >>> 0;
  } else {
    const abs = Math.abs(value);
    low = ~(abs >>> 0) >>> 0;
    high = ~((abs / 0x100000000) >>> 0) >>> 0;
    low = (low + 1) >>> 0;
    if (low === 0) high = (high + 1) >>> 0;
  }
  while (high > 0 || low > 0x7f) {
    buf[pos++] = (low & 0x7f) | 0x80;
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
  }
  buf[pos++] = low & 0x7f;
}

/** A field key; every field number here is below 16, so one byte. */
function tag(field: number, wire: number): void {
  ensure(1);
  buf[pos++] = (field << 3) | wire;
}

function fixed32(v: number): void {
  ensure(4);
  buf[pos++] = v & 0xff;
  buf[pos++] = (v >>> 8) & 0xff;
  buf[pos++] = (v >>> 16) & 0xff;
  buf[pos++] = (v >>> 24) & 0xff;
}

/** HrTime as fixed64 nanoseconds, exactly (the official's split: `seconds * 1e9` would round). */
function hrTime(t: HrTime): void {
  const seconds = t[0];
  const nanos = t[1];
  const lowSecondsNanos = (seconds & 0xffff) * 1e9;
  const highSecondsNanos = ((seconds / 0x10000) >>> 0) * 1e9;
  const low = (lowSecondsNanos >>> 0) + ((((highSecondsNanos & 0xffff) * 0x10000) >>> 0) + nanos);
  const high = (Math.floor(lowSecondsNanos / 0x100000000) + ((highSecondsNanos / 0x10000) >>> 0) + Math.floor(low / 0x100000000)) >>> 0;
  fixed32(low >>> 0);
  fixed32(high);
}

function double(v: number): void {
  ensure(8);
  pos = buf.writeDoubleLE(v, pos);
}

/**
 * Reserves `reserve` bytes for the length of a message about to be written; returns where it starts.
 * Why reserve by expected size: a length that needs more (or fewer) bytes than reserved moves the
 * whole message, so each kind of message reserves what it usually needs.
 */
function open(reserve: number): number {
  ensure(reserve);
  const at = pos;
  pos += reserve;
  return at;
}

/** Writes the length of the message begun at `at` (with `reserve` bytes reserved), moving it if needed. */
function close(at: number, reserve: number): void {
  const length = pos - at - reserve;
  const size = length < 0x80 ? 1 : length < 0x4000 ? 2 : length < 0x200000 ? 3 : length < 0x10000000 ? 4 : 5;
  if (size !== reserve) {
    ensure(size - reserve);
    buf.copyWithin(at + size, at + reserve, pos);
    pos += size - reserve;
  }
  let v = length;
  let p = at;
  while (v > 0x7f) {
    buf[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[p] = v;
}

function string(s: string): void {
  if (typeof s !== 'string') {
    // A number as a span name or scope version (the API's types forbid it, JavaScript does not):
    // the official writes an empty string, and so do we, rather than drop the batch.
    ensure(1);
    buf[pos++] = 0;
    return;
  }
  const n = s.length;
  if (n <= SHORT_STRING) {
    // ASCII (nearly every key and value): one pass that checks and writes, from locals (module
    // variables cannot live in registers); undone at the first other char.
    ensure(n + 1);
    const b = buf;
    let p = pos;
    b[p++] = n; // n < 128: one byte
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      b[p++] = c;
    }
    if (i === n) {
      pos = p;
      return;
    }
  }
  const bytes = Buffer.byteLength(s, 'utf8');
  varint(bytes);
  ensure(bytes);
  pos += buf.write(s, pos, bytes, 'utf8');
}

function stringField(field: number, s: string): void {
  tag(field, LEN);
  string(s);
}

/** Hex digit values by char code, as the official reads them (anything but 0-9 a-f as `c - 55`). */
const HEX = new Uint8Array(128);
for (let c = 0; c < 128; c++) HEX[c] = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : (c - 55) & 0xff;
const hexValue = (c: number) => (c < 128 ? HEX[c] : (c - 55) & 0xff);

/** A hex ID as bytes (length-delimited), without allocating them first. */
function hexBytes(field: number, hex: string): void {
  const n = hex.length >> 1;
  tag(field, LEN);
  varint(n);
  ensure(n);
  const b = buf;
  let p = pos;
  for (let i = 0; i < 2 * n; i += 2) b[p++] = (hexValue(hex.charCodeAt(i)) << 4) | hexValue(hex.charCodeAt(i + 1));
  pos = p;
}

// ---- messages

function writeResource(resource: Resource): void {
  tag(1, LEN); // ResourceSpans.resource
  const start = open(2);
  attributes(1, resource.attributes);
  tag(2, VARINT); // dropped_attributes_count: not tracked by Resource
  varint(0);
  close(start, 2);
}

function writeScope(scope: InstrumentationScope & { attributes?: Attributes; droppedAttributesCount?: number }): void {
  tag(1, LEN); // ScopeSpans.scope
  const start = open(1);
  stringField(1, scope.name);
  if (scope.version) stringField(2, scope.version);
  if (scope.attributes) attributes(3, scope.attributes);
  if (scope.droppedAttributesCount) {
    tag(4, VARINT);
    varint(scope.droppedAttributesCount);
  }
  close(start, 1);
}

/** Tracestates of consecutive spans are often the same object (one trace): serialized once. */
let lastTraceState: SpanContext['traceState'] = undefined;
let lastTraceStateText = '';

function traceStateText(ts: SpanContext['traceState']): string {
  if (ts == null) return ''; // null from hand-built contexts too, as the official's `?.`
  if (ts !== lastTraceState) {
    lastTraceStateText = ts.serialize();
    lastTraceState = ts;
  }
  return lastTraceStateText;
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK | (isRemote ? SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK : 0);
}

function writeSpan(span: ReadableSpan): void {
  const start = open(2);
  const ctx = span.spanContext();
  hexBytes(1, ctx.traceId);
  hexBytes(2, ctx.spanId);
  const ts = traceStateText(ctx.traceState);
  if (ts) stringField(3, ts);
  const parent = span.parentSpanContext;
  if (parent?.spanId) hexBytes(4, parent.spanId);
  stringField(5, span.name);
  const kind = span.kind == null ? 0 : span.kind + 1; // OTLP's enum has UNSPECIFIED first
  if (kind !== 0) {
    tag(6, VARINT);
    varint(kind);
  }
  tag(7, I64);
  hrTime(span.startTime);
  tag(8, I64);
  hrTime(span.endTime);
  if (span.attributes) attributes(9, span.attributes);
  tag(10, VARINT);
  varint(span.droppedAttributesCount);
  const events = span.events;
  for (let i = 0; i < events.length; i++) writeEvent(events[i]);
  tag(12, VARINT);
  varint(span.droppedEventsCount);
  const links = span.links;
  for (let i = 0; i < links.length; i++) writeLink(links[i]);
  tag(14, VARINT);
  varint(span.droppedLinksCount);
  writeStatus(span.status);
  // flags is field 16: a two-byte key.
  ensure(2);
  buf[pos++] = 0x85; // (16 << 3) | I32, as a varint
  buf[pos++] = 0x01;
  fixed32(spanFlags(ctx.traceFlags, parent?.isRemote));
  close(start, 2);
}

function writeStatus(status: SpanStatus): void {
  tag(15, LEN);
  const start = open(1);
  if (status.message) stringField(2, status.message);
  tag(3, VARINT);
  varint(status.code);
  close(start, 1);
}

function writeEvent(event: TimedEvent): void {
  tag(11, LEN);
  const start = open(1);
  tag(1, I64);
  hrTime(event.time);
  stringField(2, event.name);
  if (event.attributes) attributes(3, event.attributes);
  tag(4, VARINT);
  varint(event.droppedAttributesCount || 0);
  close(start, 1);
}

function writeLink(link: Link): void {
  tag(13, LEN);
  const start = open(1);
  const c = link.context;
  hexBytes(1, c.traceId);
  hexBytes(2, c.spanId);
  const ts = traceStateText(c.traceState);
  if (ts) stringField(3, ts);
  if (link.attributes) attributes(4, link.attributes);
  tag(5, VARINT);
  varint(link.droppedAttributesCount || 0);
  tag(6, I32);
  fixed32(spanFlags(c.traceFlags, c.isRemote));
  close(start, 1);
}

function attributes(field: number, attrs: Attributes): void {
  for (const key in attrs) {
    if (!hasOwn.call(attrs, key)) continue;
    tag(field, LEN);
    keyValue(key, attrs[key]);
  }
}

function keyValue(key: string, value: unknown): void {
  const start = open(1);
  stringField(1, key);
  tag(2, LEN);
  const v = open(1);
  anyValue(value);
  close(v, 1);
  close(start, 1);
}

function anyValue(value: unknown): void {
  switch (typeof value) {
    case 'string':
      stringField(1, value);
      return;
    case 'boolean':
      tag(2, VARINT);
      varint(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        tag(3, VARINT);
        varint(value);
      } else {
        tag(4, I64);
        double(value);
      }
      return;
    case 'object':
      break;
    default:
      return; // not an attribute value: an empty AnyValue, as the official writes
  }
  if (value instanceof Uint8Array) {
    tag(7, LEN);
    varint(value.length);
    ensure(value.length);
    buf.set(value, pos);
    pos += value.length;
  } else if (Array.isArray(value)) {
    tag(5, LEN);
    const start = open(1);
    for (const item of value) {
      tag(1, LEN);
      const s = open(1);
      anyValue(item);
      close(s, 1);
    }
    close(start, 1);
  } else if (value !== null) {
    tag(6, LEN);
    const start = open(1);
    const obj = value as Record<string, unknown>;
    for (const k in obj) {
      if (!hasOwn.call(obj, k)) continue;
      tag(1, LEN);
      keyValue(k, obj[k]);
    }
    close(start, 1);
  }
}

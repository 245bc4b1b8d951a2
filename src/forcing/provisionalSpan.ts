import {
  diag,
  SpanStatusCode,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
  type TraceState,
} from '@opentelemetry/api';
import { hrTimeDuration, isAttributeValue, isTimeInput, sanitizeAttributes, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { generateSpanId } from '../ids/fastIdGenerator.js';
import { RANDOM_TRACE_FLAG } from '../tracer/tracewiseTracer.js';
import { KEPT, type LocalTrace } from './localTrace.js';
import { attributeBytes, eventBytes, linkBytes, RARE_BYTES, SPAN_BYTES, stringBytes } from './byteEstimates.js';
import { hrTimeOf, perfMsOf, wallNowPerfMs } from './perfTime.js';

/** The SDK's default span limits (attributeValueLengthLimit: unlimited). */
export const SPAN_LIMITS = { attributes: 128, events: 128, links: 128, attributesPerEvent: 128, attributesPerLink: 128 };

/** Flag bits. */
export const ROOT = 1;
const START_GIVEN = 2;
/** The span's trace flags carry the W3C Level 2 random bit (the tracer's rule: new root, or inherited). */
const RANDOM = 4;
const ENDED = 8;

/** What few spans write: kept out of line so that a typical provisional span stays small. */
interface Rare {
  status: SpanStatus;
  links: Link[];
  events: TimedEvent[];
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}

const PROVISIONAL = Symbol.for('tracewise.provisional');
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
// Shared until the first write: most provisional spans never get a link or an event.
const NO_LINKS: Link[] = Object.freeze([]) as unknown as Link[];
const NO_EVENTS: TimedEvent[] = Object.freeze([]) as unknown as TimedEvent[];
const NO_ATTRIBUTES: Attributes = Object.freeze({});
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Attributes an instrumentation can compute after the fact (from objects it still holds), so
 * that a span nobody looks at never pays for them. Asked at most once, when the span is kept or
 * shown to `forceWhen`; what it returns is recorded as by setAttributes().
 */
export interface DeferredAttributes {
  deferredAttributes(): Attributes;
}

/** Whether `span` is a provisional span (also across ESM/CJS copies of tracewise). */
export function isProvisional(span: Span | undefined): span is ProvisionalSpan {
  return span !== undefined && (span as unknown as Record<symbol, unknown>)[PROVISIONAL] === true;
}

/**
 * A recording span the head sampler did not keep, buffered in its LocalTrace until the trace is
 * decided. Why not the SDK's SpanImpl: most of these spans are discarded, so they must cost
 * little more than a dropped span. No span processor runs at start, the span ID is generated on
 * first use, times are plain `performance.now()` numbers until kept, and links, events and
 * attributes share empty values until written. It is also the ReadableSpan `forceWhen` sees.
 */
export class ProvisionalSpan implements Span, ReadableSpan {
  name: string;
  readonly kind: SpanKind;
  readonly trace: LocalTrace;
  readonly parentSpanContext: SpanContext | undefined;
  readonly instrumentationScope: InstrumentationScope;
  /** `performance.now()`-scale milliseconds. */
  readonly startMs: number;
  /** Meaningful once ended. */
  endMs = 0;
  attributes: Attributes = NO_ATTRIBUTES;
  attributeCount = 0;
  /** Status, links, events and drop counts, once one is written. */
  rare: Rare | undefined = undefined;
  flags: number;
  /** Estimated heap, kept up to date as the span is written (the buffer's byte cap). */
  bytes: number;
  /** The next ended span of the same LocalTrace (the buffer's list). */
  next: ProvisionalSpan | undefined = undefined;
  /** See deferAttributes(). */
  deferred: DeferredAttributes | undefined = undefined;
  private context: SpanContext | undefined = undefined;
  private readonly traceState: TraceState | undefined;

  constructor(
    trace: LocalTrace,
    name: string,
    kind: SpanKind,
    parent: SpanContext | undefined,
    traceState: TraceState | undefined,
    scope: InstrumentationScope,
    root: boolean,
    random: boolean,
    startTime: TimeInput | undefined,
    /** `performance.now()` when the caller already read it (a new local trace). */
    now: number,
  ) {
    this.trace = trace;
    this.name = name;
    this.kind = kind;
    this.parentSpanContext = parent;
    this.traceState = traceState;
    this.instrumentationScope = scope;
    this.flags = (root ? ROOT : 0) | (random ? RANDOM : 0) | (startTime !== undefined ? START_GIVEN : 0);
    this.startMs = startTime === undefined ? now : perfMsOf(startTime);
    this.bytes = SPAN_BYTES + stringBytes(name);
  }

  spanContext(): SpanContext {
    let c = this.context;
    if (c === undefined) {
      const traceFlags = (this.flags & RANDOM) !== 0 ? RANDOM_TRACE_FLAG : TraceFlags.NONE;
      c = { traceId: this.trace.traceId, spanId: generateSpanId(), traceFlags, traceState: this.traceState };
      this.context = c;
    }
    return c;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.writable()) putAttribute(this, key, value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (this.writable()) putAttributes(this, attributes);
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    if (!this.writable()) return this;
    if (isTimeInput(attributesOrStartTime)) {
      if (!isTimeInput(startTime)) startTime = attributesOrStartTime;
      attributesOrStartTime = undefined;
    }
    const rare = this.rareFields();
    let events = rare.events;
    if (events === NO_EVENTS) rare.events = events = [];
    if (events.length >= SPAN_LIMITS.events) {
      events.shift();
      rare.droppedEventsCount++;
    }
    const [attributes, dropped] = limited(attributesOrStartTime, SPAN_LIMITS.attributesPerEvent);
    this.bytes += eventBytes(name, attributes);
    events.push({ name, attributes, time: this.timeOf(startTime), droppedAttributesCount: dropped });
    return this;
  }

  addLink(link: Link): this {
    if (this.writable()) this.pushLink(link);
    return this;
  }

  addLinks(links: Link[]): this {
    if (this.writable()) for (const link of links) this.pushLink(link);
    return this;
  }

  /** Links given at start (the SDK's rules: attributes sanitised, oldest dropped beyond the limit). */
  pushLink(link: Link): void {
    const rare = this.rareFields();
    let links = rare.links;
    if (links === NO_LINKS) rare.links = links = [];
    if (links.length >= SPAN_LIMITS.links) {
      links.shift();
      rare.droppedLinksCount++;
    }
    if (link.attributes === undefined) {
      this.bytes += linkBytes(undefined);
      links.push({ context: link.context });
      return;
    }
    const [attributes, dropped] = limited(link.attributes, SPAN_LIMITS.attributesPerLink);
    this.bytes += linkBytes(attributes);
    const l: Link = { context: link.context, attributes };
    if (dropped > 0) l.droppedAttributesCount = dropped;
    links.push(l);
  }

  setStatus(status: SpanStatus): this {
    if (!this.writable() || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    const rare = this.rareFields();
    if (status.code !== SpanStatusCode.ERROR) {
      rare.status = { code: status.code };
      return this;
    }
    rare.status = typeof status.message === 'string' ? { code: status.code, message: status.message } : { code: status.code };
    this.trace.owner.onError(this.trace);
    return this;
  }

  /**
   * Records `source.deferredAttributes()` only if the span is kept or shown to `forceWhen`.
   * Why: most provisional spans are discarded; an HTTP server span's response-side attributes
   * (peer, client, user agent, protocol...) cost more to build and store than the rest of it.
   * Not counted against the buffer's byte cap until computed. Call before end().
   */
  deferAttributes(source: DeferredAttributes): this {
    if (this.writable()) {
      this.resolveDeferred();
      this.deferred = source;
    }
    return this;
  }

  /** Records the deferred attributes, if any (a throwing source records nothing). */
  resolveDeferred(): void {
    const source = this.deferred;
    if (source === undefined) return;
    this.deferred = undefined;
    let attributes: Attributes;
    try {
      attributes = source.deferredAttributes();
    } catch {
      return;
    }
    putAttributes(this, attributes);
  }

  updateName(name: string): this {
    if (this.writable()) {
      this.name = name;
      this.bytes += stringBytes(name);
    }
    return this;
  }

  end(endTime?: TimeInput): void {
    if ((this.flags & ENDED) !== 0) {
      diag.error(`${this.name} ${this.trace.traceId} - You can only call end() on a span once.`);
      return;
    }
    const end = endTime === undefined ? this.nowMs() : perfMsOf(endTime);
    // Like the SDK: an end before the start is taken as a zero duration.
    this.endMs = end < this.startMs ? this.startMs : end;
    this.flags |= ENDED;
    this.trace.owner.onSpanEnd(this);
  }

  /** False once ended, and once its trace was decided against (nothing it records is used). */
  isRecording(): boolean {
    return (this.flags & ENDED) === 0 && this.trace.state <= KEPT;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) {
      this.addEvent('exception', attributes, time);
      if ((this.flags & ENDED) === 0) this.trace.owner.onError(this.trace);
    } else {
      diag.warn(`Failed to record an exception ${String(exception)}`);
    }
  }

  // ---- ReadableSpan

  get ended(): boolean {
    return (this.flags & ENDED) !== 0;
  }
  get status(): SpanStatus {
    return this.rare?.status ?? UNSET;
  }
  get links(): Link[] {
    return this.rare?.links ?? NO_LINKS;
  }
  get events(): TimedEvent[] {
    return this.rare?.events ?? NO_EVENTS;
  }
  get droppedAttributesCount(): number {
    return this.rare?.droppedAttributesCount ?? 0;
  }
  get droppedEventsCount(): number {
    return this.rare?.droppedEventsCount ?? 0;
  }
  get droppedLinksCount(): number {
    return this.rare?.droppedLinksCount ?? 0;
  }
  get startTime(): HrTime {
    return hrTimeOf(this.startMs);
  }
  get endTime(): HrTime {
    return this.ended ? hrTimeOf(this.endMs) : [0, 0];
  }
  get duration(): HrTime {
    return this.ended ? hrTimeDuration(this.startTime, this.endTime) : [-1, -1];
  }
  get resource(): Resource {
    return this.trace.owner.resource;
  }

  // ---- internals

  rareFields(): Rare {
    let rare = this.rare;
    if (rare === undefined) {
      rare = { status: UNSET, links: NO_LINKS, events: NO_EVENTS, droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0 };
      this.rare = rare;
      this.bytes += RARE_BYTES;
    }
    return rare;
  }

  /** "Now" on the span's clock: wall time when the user gave the start time, as the SDK does. */
  private nowMs(): number {
    return (this.flags & START_GIVEN) !== 0 ? wallNowPerfMs() : performance.now();
  }

  private timeOf(t: TimeInput | undefined): HrTime {
    return hrTimeOf(t === undefined ? this.nowMs() : perfMsOf(t));
  }

  private writable(): boolean {
    if ((this.flags & ENDED) === 0) return true;
    diag.warn(`Cannot execute the operation on ended Span {traceId: ${this.trace.traceId}, spanId: ${this.spanContext().spanId}}`);
    return false;
  }
}
Object.defineProperty(ProvisionalSpan.prototype, PROVISIONAL, { value: true });

/** The SDK's setAttribute rules: no empty key, valid values only, arrays copied, a count limit. */
export function putAttribute(span: ProvisionalSpan, key: string, value: AttributeValue | undefined): void {
  if (value == null) return;
  if (key.length === 0) {
    diag.warn(`Invalid attribute key: ${key}`);
    return;
  }
  let v = value;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    if (!isAttributeValue(v)) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return;
    }
    v = (v as unknown[]).slice() as AttributeValue;
  }
  let attrs = span.attributes;
  if (attrs === NO_ATTRIBUTES) span.attributes = attrs = {};
  else if (hasOwn.call(attrs, key)) {
    attrs[key] = v;
    span.bytes += attributeBytes(v);
    return;
  }
  if (span.attributeCount >= SPAN_LIMITS.attributes) {
    span.rareFields().droppedAttributesCount++;
    return;
  }
  span.attributeCount++;
  span.bytes += attributeBytes(v);
  attrs[key] = v;
}

/**
 * The attributes given at start, onto a span that has none yet: putAttribute's rules, faster.
 * Why: this is the common case on the span path, and storing keys one by one into a fresh object
 * is the costliest part of a provisional span. A spread clones an object literal's shape in one
 * step; the loop then only reads, fixing the rare value that needs it (missing, invalid, array).
 */
export function initAttributes(span: ProvisionalSpan, source: Attributes): void {
  const attrs: Attributes = { ...source };
  let count = 0;
  let bytes = 0;
  for (const key in attrs) {
    let v = attrs[key];
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      if (v == null) {
        delete attrs[key];
        continue;
      }
      if (!isAttributeValue(v)) {
        diag.warn(`Invalid attribute value set for key: ${key}`);
        delete attrs[key];
        continue;
      }
      attrs[key] = v = (v as unknown[]).slice() as AttributeValue;
    }
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      delete attrs[key];
      continue;
    }
    if (count >= SPAN_LIMITS.attributes) {
      span.rareFields().droppedAttributesCount++;
      delete attrs[key];
      continue;
    }
    count++;
    bytes += attributeBytes(v);
  }
  if (count === 0) return;
  span.attributes = attrs;
  span.attributeCount = count;
  span.bytes += bytes;
}

export function putAttributes(span: ProvisionalSpan, attributes: Attributes): void {
  for (const key in attributes) {
    if (hasOwn.call(attributes, key)) putAttribute(span, key, attributes[key]);
  }
}

/** Sanitised attributes of an event or link, at most `limit` of them, and the count dropped. */
function limited(attributes: Attributes | undefined, limit: number): [Attributes, number] {
  const sanitized = sanitizeAttributes(attributes);
  const out: Attributes = {};
  let count = 0;
  let dropped = 0;
  for (const key in sanitized) {
    if (!hasOwn.call(sanitized, key)) continue;
    if (count >= limit) dropped++;
    else {
      out[key] = sanitized[key];
      count++;
    }
  }
  return [out, dropped];
}

import type {
  Attributes,
  AttributeValue,
  Exception,
  Link,
  Span,
  SpanContext,
  SpanStatus,
  TimeInput,
  TraceState,
} from '@opentelemetry/api';
import { generateSpanId } from '../ids/fastIdGenerator.js';

/**
 * The span handed out for a dropped decision. Like the API's NonRecordingSpan, except that its
 * span ID is generated on first use. Why: most dropped spans are never propagated nor parents of
 * anything read, and an ID costs about as much as the whole rest of the dropped path (bench/ids.ts).
 * A child, an inject() or a log-correlation call asks for spanContext() and gets a stable ID.
 */
export class UnsampledSpan implements Span {
  private context: SpanContext | undefined = undefined;

  constructor(
    private readonly traceId: string,
    private readonly traceFlags: number,
    private readonly traceState: TraceState | undefined,
  ) {}

  spanContext(): SpanContext {
    let c = this.context;
    if (c === undefined) {
      c = { traceId: this.traceId, spanId: generateSpanId(), traceFlags: this.traceFlags, traceState: this.traceState };
      this.context = c;
    }
    return c;
  }

  setAttribute(_key: string, _value: AttributeValue): this {
    return this;
  }
  setAttributes(_attributes: Attributes): this {
    return this;
  }
  addEvent(_name: string, _attributesOrStartTime?: Attributes | TimeInput, _startTime?: TimeInput): this {
    return this;
  }
  addLink(_link: Link): this {
    return this;
  }
  addLinks(_links: Link[]): this {
    return this;
  }
  setStatus(_status: SpanStatus): this {
    return this;
  }
  updateName(_name: string): this {
    return this;
  }
  end(_endTime?: TimeInput): void {}
  isRecording(): boolean {
    return false;
  }
  recordException(_exception: Exception, _time?: TimeInput): void {}
}

import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import { hrTimeDuration } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { eraseThreshold } from './eraseThreshold.js';
import { FORCED_ATTRIBUTE, type ForcedReason } from './forcedReason.js';
import type { ProvisionalSpan } from './provisionalSpan.js';

/**
 * The view of a kept provisional span handed to the export processor. Its trace flags say
 * SAMPLED: for a kept view they are a local export decision (the exporter only takes sampled
 * spans); the flag this span propagated downstream was already sent. Its tracestate has no
 * `th` and its attributes name the reason, so backends do not extrapolate it.
 */
export function keptSpan(span: ProvisionalSpan, reason: ForcedReason): ReadableSpan {
  span.resolveDeferred();
  const c = span.spanContext();
  const context: SpanContext = {
    traceId: c.traceId,
    spanId: c.spanId,
    traceFlags: c.traceFlags | TraceFlags.SAMPLED,
    traceState: eraseThreshold(c.traceState),
  };
  const startTime = span.startTime;
  const endTime = span.endTime;
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => context,
    parentSpanContext: span.parentSpanContext,
    startTime,
    endTime,
    duration: hrTimeDuration(startTime, endTime),
    status: span.status,
    attributes: { ...span.attributes, [FORCED_ATTRIBUTE]: reason },
    links: span.links,
    events: span.events,
    ended: true,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

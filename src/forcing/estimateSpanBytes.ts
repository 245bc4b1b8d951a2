import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ProvisionalSpan } from './provisionalSpan.js';

/**
 * Heap estimates for the byte cap, deliberately on the high side (bench/forcing.ts compares them
 * with measured heap): V8 on 64-bit without pointer compression, strings counted as if not shared
 * (a literal name or key is in fact shared by every span).
 */
/** A ProvisionalSpan object, its span context and span ID string. */
const SPAN_BYTES = 360;
/** A LocalTrace record. */
export const TRACE_BYTES = 200;
/** One property slot, plus the object holding the attributes (amortised). */
const ATTRIBUTE_BYTES = 40;
const EVENT_BYTES = 160;
const LINK_BYTES = 120;
const STRING_HEADER = 24;

function valueBytes(v: AttributeValue | undefined): number {
  if (typeof v === 'string') return STRING_HEADER + v.length;
  if (Array.isArray(v)) {
    let n = 32 + 8 * v.length;
    for (const x of v) if (typeof x === 'string') n += STRING_HEADER + x.length;
    return n;
  }
  return 16;
}

function attributesBytes(attributes: Attributes | undefined): number {
  let n = 0;
  for (const key in attributes) n += ATTRIBUTE_BYTES + STRING_HEADER + key.length + valueBytes(attributes[key]);
  return n;
}

/** The estimated heap an ended provisional span holds while buffered. */
export function estimateSpanBytes(span: ProvisionalSpan): number {
  let n = SPAN_BYTES + span.name.length + attributesBytes(span.attributes);
  for (const e of span.events) n += EVENT_BYTES + e.name.length + attributesBytes(e.attributes);
  for (const l of span.links) n += LINK_BYTES + attributesBytes(l.attributes);
  return n;
}

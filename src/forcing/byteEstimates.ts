import type { Attributes, AttributeValue } from '@opentelemetry/api';

/**
 * Heap estimates for the byte cap, kept up to date as spans are written (so that ending a span
 * walks nothing). Calibrated on V8, 64-bit, against bench/forcing.ts's measured heap, and kept
 * a little above it. Attribute keys are not counted: V8 interns property names, so every span
 * shares them.
 */
/** A ProvisionalSpan, its boxed times, its span context and span ID string. */
export const SPAN_BYTES = 270;
/** The out-of-line record of a span that set a status, a link or an event. */
export const RARE_BYTES = 80;
/** A LocalTrace record and its trace ID string. */
export const TRACE_BYTES = 200;
/** A property slot (amortised over the attributes object). */
const SLOT_BYTES = 16;
const STRING_HEADER = 16;
const EVENT_BYTES = 120;
const LINK_BYTES = 100;

export function stringBytes(s: string): number {
  return STRING_HEADER + s.length;
}

/** One attribute: its slot and its value. */
export function attributeBytes(v: AttributeValue): number {
  if (typeof v === 'string') return SLOT_BYTES + STRING_HEADER + v.length;
  if (Array.isArray(v)) {
    let n = SLOT_BYTES + 32 + 8 * v.length;
    for (const x of v) if (typeof x === 'string') n += STRING_HEADER + x.length;
    return n;
  }
  return SLOT_BYTES + 16;
}

function attributesBytes(attributes: Attributes | undefined): number {
  let n = 0;
  for (const key in attributes) {
    const v = attributes[key];
    if (v != null) n += attributeBytes(v);
  }
  return n;
}

export function eventBytes(name: string, attributes: Attributes | undefined): number {
  return EVENT_BYTES + name.length + attributesBytes(attributes);
}

export function linkBytes(attributes: Attributes | undefined): number {
  return LINK_BYTES + attributesBytes(attributes);
}

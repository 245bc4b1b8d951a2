import {
  baggageEntryMetadataFromString,
  propagation,
  type BaggageEntry,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { parseBaggageHeader, type BaggageMember } from './parseBaggageHeader.js';
import { baggageProperties, NO_PROPERTIES, serializeProperties } from './properties.js';
import { serializeBaggage } from './serializeBaggage.js';

export const BAGGAGE_HEADER = 'baggage';

/**
 * W3C Baggage propagator, replacing `W3CBaggagePropagator` from @opentelemetry/core 2.12 because
 * that one fails the W3C vectors (shared/vectors/w3c-baggage.json):
 * - it still applies the old 180-member and 4096-bytes-per-member caps, so 512 short members
 *   (8191 bytes) or one 8192-byte member are dropped although the spec says they must propagate;
 * - properties are kept as an opaque string with their whitespace and are written back without
 *   percent-encoding, so a property value with a space or `;` produces an invalid header;
 * - a member with an empty value (`k=`, valid per the grammar) is rejected.
 * Entries and metadata still live in the official OTel `Baggage` (propagation.get/setBaggage), and
 * like core's we do not inject while tracing is suppressed (an exporter's own requests).
 */
export class W3CBaggagePropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const baggage = propagation.getBaggage(context);
    if (!baggage || isTracingSuppressed(context)) return;
    const header = serializeBaggage(baggage.getAllEntries().map(toMember));
    if (header !== '') setter.set(carrier, BAGGAGE_HEADER, header);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const members = parseBaggageHeader(getter.get(carrier, BAGGAGE_HEADER));
    if (members.length === 0) return context;
    // Null prototype: `__proto__` is a valid baggage key and must stay data.
    const entries: Record<string, BaggageEntry> = Object.create(null);
    for (const { key, value, properties } of members) {
      entries[key] =
        properties.length === 0
          ? { value }
          : { value, metadata: baggageEntryMetadataFromString(serializeProperties(properties)) };
    }
    return propagation.setBaggage(context, propagation.createBaggage(entries));
  }

  fields(): string[] {
    return [BAGGAGE_HEADER];
  }
}

function toMember([key, entry]: [string, BaggageEntry]): BaggageMember {
  return {
    key,
    value: entry.value,
    properties: entry.metadata === undefined ? NO_PROPERTIES : baggageProperties(entry.metadata),
  };
}

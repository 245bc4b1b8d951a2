import { baggageEntryMetadataFromString, type BaggageEntry, type BaggageEntryMetadata } from '@opentelemetry/api';
import { decodeBaggageValue, encodeBaggageValue } from './percentEncoding.js';
import { isBaggageKey, isWireValue, trimOws } from './syntax.js';

/**
 * W3C baggage member properties (`key=value;flag;k2=v2`). The OTel API models them as opaque
 * `BaggageEntryMetadata` (a string); we keep that string in wire form — keys as sent, values
 * percent-encoded — so it round-trips through the official core propagator too, and offer these
 * helpers to build and read it.
 */

/** `[key, value]`; `value` is null for a property without `=` and is decoded. */
export type BaggageProperty = readonly [key: string, value: string | null];

export const NO_PROPERTIES: readonly BaggageProperty[] = Object.freeze([]);

/** Parses the text after a member's first `;`. Invalid properties are dropped, never thrown. */
export function parseProperties(text: string): readonly BaggageProperty[] {
  const out: BaggageProperty[] = [];
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const key = trimOws(eq === -1 ? part : part.slice(0, eq));
    if (!isBaggageKey(key)) continue; // also skips empty parts such as a trailing `;`
    if (eq === -1) {
      out.push([key, null]);
      continue;
    }
    const value = trimOws(part.slice(eq + 1));
    if (isWireValue(value)) out.push([key, decodeBaggageValue(value)]);
  }
  return out.length === 0 ? NO_PROPERTIES : out;
}

/** Wire form of properties; entries with an invalid key or a non-string value are dropped. */
export function serializeProperties(properties: readonly BaggageProperty[]): string {
  let out = '';
  for (const [key, value] of properties) {
    if (!isBaggageKey(key)) continue;
    if (value !== null && typeof value !== 'string') continue;
    if (out !== '') out += ';';
    out += value === null ? key : `${key}=${encodeBaggageValue(value)}`;
  }
  return out;
}

/** Metadata for `BaggageManager.set` / `Baggage.setEntry` carrying W3C properties. */
export function baggageMetadata(properties: readonly BaggageProperty[]): BaggageEntryMetadata {
  return baggageEntryMetadataFromString(serializeProperties(properties));
}

/** The properties of a baggage entry (or its metadata), decoded. */
export function baggageProperties(
  source: BaggageEntry | BaggageEntryMetadata | undefined,
): readonly BaggageProperty[] {
  if (!source) return NO_PROPERTIES;
  const metadata = 'value' in source ? (source as BaggageEntry).metadata : source;
  const text = metadata?.toString();
  return typeof text === 'string' && text !== '' ? parseProperties(text) : NO_PROPERTIES;
}

import { diag } from '@opentelemetry/api';
import { BAGGAGE_MAX_BYTES } from './limits.js';
import type { BaggageMember } from './parseBaggageHeader.js';
import { encodeBaggageValue } from './percentEncoding.js';
import { serializeProperties } from './properties.js';
import { isBaggageKey } from './syntax.js';

/**
 * Serializes members into a `baggage` header value ('' when nothing is left). Never throws.
 *
 * - a member whose key is not a W3C token or whose value is not a string is skipped: invalid
 *   data is never propagated;
 * - values and property values are percent-encoded (see percentEncoding.ts), so the output is
 *   ASCII and its length is its size in bytes;
 * - trimming: members are emitted in order while the header fits in BAGGAGE_MAX_BYTES; the first
 *   member that does not fit and all after it are dropped (whole members only, never a partial
 *   one), so what propagates is always a prefix of the valid members.
 */
export function serializeBaggage(members: Iterable<BaggageMember>): string {
  let header = '';
  for (const { key, value, properties } of members) {
    if (!isBaggageKey(key) || typeof value !== 'string') continue;
    let member = `${key}=${encodeBaggageValue(value)}`;
    if (properties.length > 0) {
      const props = serializeProperties(properties);
      if (props !== '') member += `;${props}`;
    }
    const next = header === '' ? member : `${header},${member}`;
    if (next.length > BAGGAGE_MAX_BYTES) {
      diag.debug(`tracewise: outgoing baggage over ${BAGGAGE_MAX_BYTES} bytes; dropped "${key}" and the members after it`);
      break;
    }
    header = next;
  }
  return header;
}

import { InvalidConfigError } from '../errors.js';
import { BAGGAGE_MAX_BYTES } from './limits.js';
import { NO_PROPERTIES } from './properties.js';
import { serializeBaggage } from './serializeBaggage.js';
import { isBaggageKey } from './syntax.js';

export const STATIC_ENTRIES_OPTION = 'baggage.staticEntries';

/**
 * Validates static baggage entries at construction (this is configuration: it throws).
 * Keys are trimmed and must be W3C tokens; numbers and booleans become strings; the whole set
 * must fit in the header limit, or it would crowd out every request-scoped member.
 * Error messages name keys but never values (baggage may hold personal data).
 */
export function normalizeStaticEntries(
  entries: unknown,
  option = STATIC_ENTRIES_OPTION,
): Readonly<Record<string, string>> {
  if (entries === undefined || entries === null) return Object.freeze({});
  if (typeof entries !== 'object' || Array.isArray(entries)) {
    throw new InvalidConfigError(option, `expected an object of key → string value, got ${describe(entries)}`, 'Pass e.g. `{ "deployment.environment": "prod" }`.');
  }
  const out: [string, string][] = [];
  for (const [rawKey, raw] of Object.entries(entries)) {
    const key = rawKey.trim();
    if (!isBaggageKey(key)) {
      throw new InvalidConfigError(option, `key ${JSON.stringify(rawKey)} is not a valid W3C baggage key (an HTTP token: letters, digits and !#$%&'*+-.^_\`|~)`, 'Rename the key, e.g. use `.` or `_` instead of spaces.');
    }
    if (typeof raw === 'string') out.push([key, raw]);
    else if (typeof raw === 'number' || typeof raw === 'boolean') out.push([key, String(raw)]);
    else throw new InvalidConfigError(option, `the value of ${JSON.stringify(key)} is ${describe(raw)}, not a string`, 'Use string values.');
  }
  const header = serializeBaggage(out.map(([key, value]) => ({ key, value, properties: NO_PROPERTIES })));
  // Encoded members contain no commas, so counting them tells whether serialization trimmed any.
  const emitted = header === '' ? 0 : header.split(',').length;
  if (emitted < out.length) {
    throw new InvalidConfigError(option, `the entries take more than ${BAGGAGE_MAX_BYTES} bytes once encoded`, 'Keep static baggage to a few short deployment tags.');
  }
  return Object.freeze(Object.fromEntries(out));
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

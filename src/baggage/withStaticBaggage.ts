import { propagation, type BaggageEntry, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { normalizeStaticEntries } from './staticEntries.js';

/**
 * Wraps a propagator so every injected context also carries `entries` (deployment tags and the
 * like, configured once). Request-scoped baggage wins on a key conflict. Static entries come first
 * in the outgoing header, so the size-trimming rule (drop whole members from the end) drops
 * request-scoped members before static ones. Extraction is untouched: static entries describe
 * this process, not the caller. Throws InvalidConfigError for invalid entries (construction time).
 */
export function withStaticBaggage(
  propagator: TextMapPropagator,
  entries: Readonly<Record<string, string>> | undefined,
): TextMapPropagator {
  const normalized = normalizeStaticEntries(entries);
  const keys = Object.keys(normalized);
  if (keys.length === 0) return propagator;
  const staticEntries: [string, BaggageEntry][] = keys.map((k) => [k, { value: normalized[k] }]);
  const staticBaggage = propagation.createBaggage(Object.fromEntries(staticEntries));

  return {
    inject(context: Context, carrier, setter) {
      const current = propagation.getBaggage(context);
      let merged = staticBaggage;
      if (current) {
        // One pass into a null-prototype record (a `__proto__` key stays data), one Baggage.
        const record: Record<string, BaggageEntry> = Object.create(null);
        for (const [k, e] of staticEntries) record[k] = e;
        for (const [k, e] of current.getAllEntries()) record[k] = e;
        merged = propagation.createBaggage(record);
      }
      propagator.inject(propagation.setBaggage(context, merged), carrier, setter);
    },
    extract: (context, carrier, getter) => propagator.extract(context, carrier, getter),
    fields: () => propagator.fields(),
  };
}

import {
  context,
  diag,
  propagation,
  type BaggageEntry,
  type BaggageEntryMetadata,
  type Context,
} from '@opentelemetry/api';
import { normalizeStaticEntries } from './staticEntries.js';
import { isBaggageKey } from './syntax.js';

export interface BaggageManagerOptions {
  /** Entries added to every outgoing request (see withStaticBaggage); not part of `getAll()`. */
  staticEntries?: Readonly<Record<string, string>>;
}

/**
 * Request-scoped baggage on the official OTel API: entries live in the active Context's Baggage
 * (propagation.getBaggage/setBaggage), nowhere else.
 *
 * A Context is immutable, so `set` and `remove` cannot change the active one: they return a new
 * Context that you activate with `context.with(ctx, fn)` or pass to `injectInto(carrier, ctx)`.
 * `withBaggage(entries, fn)` does both in one step and is usually what you want.
 *
 * Nothing here throws: an invalid key (not a W3C token) or a value that is not a string, number or
 * boolean is ignored with a diag debug message naming the key (never the value).
 */
export interface BaggageManager {
  get(key: string): string | undefined;
  set(key: string, value: string, metadata?: BaggageEntryMetadata): Context;
  remove(key: string): Context;
  /** The active request-scoped entries, key → value. */
  getAll(): Record<string, string>;
  /** Runs `fn` with `entries` added to the active baggage; returns what `fn` returns. */
  withBaggage<T>(entries: Readonly<Record<string, string>>, fn: () => T): T;
  readonly staticEntries: Readonly<Record<string, string>>;
}

export function createBaggageManager(options: BaggageManagerOptions = {}): BaggageManager {
  const staticEntries = normalizeStaticEntries(options.staticEntries);

  return {
    staticEntries,

    get(key) {
      return propagation.getBaggage(context.active())?.getEntry(key)?.value;
    },

    set(key, value, metadata) {
      const active = context.active();
      const entry = toEntry(key, value, metadata);
      if (!entry) return active;
      const baggage = propagation.getBaggage(active) ?? propagation.createBaggage();
      return propagation.setBaggage(active, baggage.setEntry(entry[0], entry[1]));
    },

    remove(key) {
      const active = context.active();
      const baggage = propagation.getBaggage(active);
      if (!baggage || typeof key !== 'string' || baggage.getEntry(key) === undefined) return active;
      return propagation.setBaggage(active, baggage.removeEntry(key));
    },

    getAll() {
      const baggage = propagation.getBaggage(context.active());
      if (!baggage) return {};
      // fromEntries defines own properties, so a `__proto__` key stays data.
      return Object.fromEntries(baggage.getAllEntries().map(([k, e]) => [k, e.value]));
    },

    withBaggage(entries, fn) {
      const active = context.active();
      const record: Record<string, BaggageEntry> = Object.create(null);
      for (const [k, e] of propagation.getBaggage(active)?.getAllEntries() ?? []) record[k] = e;
      let added = false;
      if (entries !== null && typeof entries === 'object') {
        for (const [key, value] of Object.entries(entries)) {
          const entry = toEntry(key, value, undefined);
          if (entry) {
            record[entry[0]] = entry[1];
            added = true;
          }
        }
      }
      if (!added) return fn();
      return context.with(propagation.setBaggage(active, propagation.createBaggage(record)), fn);
    },
  };
}

/** Normalises one entry; undefined (after a debug message) when it cannot be propagated. */
function toEntry(
  rawKey: unknown,
  value: unknown,
  metadata: BaggageEntryMetadata | undefined,
): [string, BaggageEntry] | undefined {
  const key = typeof rawKey === 'string' ? rawKey.trim() : rawKey;
  if (!isBaggageKey(key)) {
    const shown = typeof rawKey === 'string' ? JSON.stringify(rawKey.slice(0, 64)) : `of type ${typeof rawKey}`;
    diag.debug(`tracewise: ignoring baggage key ${shown}: not a W3C token`);
    return undefined;
  }
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else {
    diag.debug(`tracewise: ignoring baggage key "${key}": value is ${typeof value}, not a string`);
    return undefined;
  }
  const hasMetadata = metadata !== undefined && metadata !== null && typeof metadata.toString === 'function';
  return [key, hasMetadata ? { value: text, metadata } : { value: text }];
}

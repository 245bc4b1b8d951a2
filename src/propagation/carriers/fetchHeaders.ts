import { diag, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/** WHATWG `Headers` (global fetch, undici) or anything shaped like it. */
export interface FetchHeadersLike {
  get(name: string): string | null;
  set(name: string, value: string): void;
  keys(): Iterable<string>;
}

export const fetchHeaders: TextMapGetter<FetchHeadersLike> & TextMapSetter<FetchHeadersLike> = {
  // Repeated headers come back joined with ", ", which the W3C and B3 parsers handle.
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => Array.from(carrier.keys()),
  set(carrier, key, value) {
    try {
      carrier.set(key, value); // throws on an immutable guard (e.g. a Response's headers)
    } catch {
      diag.debug(`tracewise: could not set header "${key}"`);
    }
  },
};

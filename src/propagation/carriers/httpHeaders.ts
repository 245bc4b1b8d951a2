import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** node:http header objects: `req.headers` (lower-case keys, arrays for repeats) or the
 * `headers` option of `http.request`. */
export type HttpHeaderRecord = Record<string, string | string[] | number | undefined>;

export const httpHeaders: TextMapGetter<HttpHeaderRecord> & TextMapSetter<HttpHeaderRecord> = {
  get(carrier, key) {
    // Propagators ask in lower case and node lower-cases incoming names, so no case folding.
    const value = carrier[key];
    return typeof value === 'number' ? String(value) : value;
  },
  keys: (carrier) => Object.keys(carrier),
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

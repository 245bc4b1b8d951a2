import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { attributeValue } from './attributeValue.js';

/** A `Map` of headers; values may be strings, Buffers or arrays (see attributeValue). */
export const mapCarrier: TextMapGetter<Map<string, unknown>> & TextMapSetter<Map<string, unknown>> = {
  get: (carrier, key) => attributeValue(carrier.get(key)),
  keys: (carrier) => Array.from(carrier.keys()),
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** A plain header object as carrier: values returned as they are (strings, arrays, anything). */
export const recordGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (c) => Object.keys(c),
  get: (c, k) => c[k] as string | string[] | undefined,
};

export const recordSetter: TextMapSetter<Record<string, string>> = { set: (c, k, v) => (c[k] = v) };

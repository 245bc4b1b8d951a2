import type { Context, TextMapPropagator } from '@opentelemetry/api';

/** `propagators: ['none']`: injects nothing, extracts nothing. */
export const noopPropagator: TextMapPropagator = Object.freeze({
  inject() {},
  extract: (context: Context) => context,
  fields: () => [],
});

import type { Instrumentation as OTelInstrumentation } from '@opentelemetry/instrumentation';
import { instrumentationsByName } from './instrumentationsByName.js';

/** The short names of the default set, as in OTEL_NODE_ENABLED_INSTRUMENTATIONS. */
export const DEFAULT_INSTRUMENTATION_NAMES: readonly string[] = ['http', 'undici'];

/**
 * What `initTracing()` registers when `instrumentations` is not given: node:http and node:https
 * in (tracewise's HttpServerInstrumentation) and out (`@opentelemetry/instrumentation-http`),
 * and fetch / undici out
 * (`@opentelemetry/instrumentation-undici`). Spread it to add others:
 * `instrumentations: [...defaultInstrumentations(), new ExpressInstrumentation()]`.
 * `ignoreRoutes` is applied to the HTTP instrumentation when it is registered.
 */
export function defaultInstrumentations(): OTelInstrumentation[] {
  return instrumentationsByName(DEFAULT_INSTRUMENTATION_NAMES);
}

import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** Environment variables: `process.env`, or the `env` given to `child_process.spawn`. */
export type EnvironmentRecord = Record<string, string | undefined>;

/**
 * Environment variables as context propagation carriers (OpenTelemetry spec, "Environment
 * Variables as Context Propagation Carriers"): a propagator's field becomes an upper-case name
 * with anything but letters, digits and `_` replaced by `_` — `traceparent` → TRACEPARENT,
 * `tracestate` → TRACESTATE, `baggage` → BAGGAGE, `x-b3-traceid` → X_B3_TRACEID.
 *
 *     // parent: a copy of the environment with the context, per child
 *     const env = { ...process.env };
 *     propagation.inject(context.active(), env, environmentCarrier);
 *     spawn(cmd, args, { env });
 *     // child, at start-up
 *     const parent = propagation.extract(ROOT_CONTEXT, process.env, environmentCarrier);
 *
 * What is read goes through the same strict parsers as headers. Never inject into `process.env`
 * itself: the spec treats a process's context variables as immutable.
 */
export const environmentCarrier: TextMapGetter<EnvironmentRecord> & TextMapSetter<EnvironmentRecord> = {
  get: (carrier, key) => carrier[environmentName(key)],
  keys: (carrier) => Object.keys(carrier),
  set(carrier, key, value) {
    carrier[environmentName(key)] = value;
  },
};

/** The environment variable name for a propagator field. */
export function environmentName(field: string): string {
  return field.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

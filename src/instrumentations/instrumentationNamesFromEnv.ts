import { envString, warnBadEnv, type Env } from '../env.js';
import { DEFAULT_INSTRUMENTATION_NAMES } from './defaultInstrumentations.js';

export const ENABLED_ENV = 'OTEL_NODE_ENABLED_INSTRUMENTATIONS';
export const DISABLED_ENV = 'OTEL_NODE_DISABLED_INSTRUMENTATIONS';

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The instrumentations to build when the code gives none: OTEL_NODE_ENABLED_INSTRUMENTATIONS
 * (exactly these; the default set otherwise) minus OTEL_NODE_DISABLED_INSTRUMENTATIONS — the
 * variables and short names of @opentelemetry/auto-instrumentations-node.
 */
export function instrumentationNamesFromEnv(env: Env): string[] {
  const enabled = parseList(env, ENABLED_ENV) ?? [...DEFAULT_INSTRUMENTATION_NAMES];
  const disabled = new Set(parseList(env, DISABLED_ENV) ?? []);
  return enabled.filter((n) => !disabled.has(n));
}

function parseList(env: Env, name: string): string[] | undefined {
  const v = envString(env, name);
  if (v === undefined) return undefined;
  const names = v.split(',').map((s) => s.trim().toLowerCase().replace(/^@opentelemetry\/instrumentation-/, '')).filter((s) => s !== '');
  const bad = names.filter((n) => !NAME.test(n));
  if (bad.length > 0) warnBadEnv(name, `not instrumentation names: ${bad.map((b) => JSON.stringify(b)).join(', ')}`, 'the others');
  return [...new Set(names.filter((n) => NAME.test(n)))];
}

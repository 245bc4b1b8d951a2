import { envNameList, warnBadEnv, type Env } from '../env.js';
import { isPropagatorName, PROPAGATOR_NAMES, type PropagatorName } from './validatePropagators.js';

/**
 * Reads OTEL_PROPAGATORS: comma-separated, trimmed, case-insensitive, duplicates removed.
 * Unknown names (e.g. `jaeger`, `xray`: not implemented here) are skipped and reported once;
 * `none` next to other names is dropped (the others are what the operator evidently wants).
 * Returns undefined when the variable is unset or nothing valid remains: the caller keeps its
 * default.
 */
export function propagatorsFromEnv(env: Env = process.env): PropagatorName[] | undefined {
  const listed = envNameList(env, 'OTEL_PROPAGATORS');
  if (listed === undefined) return undefined;
  const names = listed.filter(isPropagatorName);
  const unknown = listed.filter((n) => !isPropagatorName(n));
  const problems: string[] = [];
  if (unknown.length > 0) {
    problems.push(`unknown propagator${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} (supported: ${PROPAGATOR_NAMES.join(', ')})`);
  }
  if (names.length > 1 && names.includes('none')) {
    names.splice(names.indexOf('none'), 1);
    problems.push('"none" cannot be combined with other propagators');
  }
  const result = names.length > 0 ? names : undefined;
  if (problems.length > 0) {
    warnBadEnv('OTEL_PROPAGATORS', problems.join('; '), result ? result.join(',') : 'the default');
  }
  return result;
}

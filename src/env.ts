import { diag } from '@opentelemetry/api';

/**
 * Reading OTEL_* environment variables. A bad value is reported once through the OTel `diag`
 * logger (never with its value when the variable may hold a secret) and the default is used.
 */

const reported = new Set<string>();

/** Reports a bad environment value once per variable and process. */
export function warnBadEnv(name: string, problem: string, fallback: string): void {
  if (reported.has(name)) return;
  reported.add(name);
  diag.warn(`tracewise: ignoring ${name}: ${problem}; using ${fallback}.`);
}

/** For tests: forget which variables were reported. */
export function resetEnvWarnings(): void {
  reported.clear();
}

export type Env = Record<string, string | undefined>;

/** The trimmed value, or undefined when unset or blank. */
export function envString(env: Env, name: string): string | undefined {
  const v = env[name];
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

export function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  const v = envString(env, name);
  if (v === undefined) return fallback;
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  warnBadEnv(name, `expected "true" or "false", got "${v}"`, String(fallback));
  return fallback;
}

/** A number within [min, max]; integers only when `integer` is set. */
export function envNumber(
  env: Env,
  name: string,
  opts: { min: number; max?: number; integer?: boolean },
): number | undefined {
  const v = envString(env, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isFinite(n) || n < opts.min || n > max || (opts.integer && !Number.isInteger(n))) {
    warnBadEnv(
      name,
      `expected ${opts.integer ? 'an integer' : 'a number'} in [${opts.min}, ${max}], got "${v}"`,
      'the default',
    );
    return undefined;
  }
  return n;
}

/**
 * A comma-separated list of names (OTEL_PROPAGATORS, OTEL_TRACES_EXPORTER): trimmed, lowercased,
 * empty members and repeats dropped, in order. Undefined when the variable is unset or blank.
 */
export function envNameList(env: Env, name: string): string[] | undefined {
  const v = envString(env, name);
  if (v === undefined) return undefined;
  const names: string[] = [];
  for (const part of v.split(',')) {
    const n = part.trim().toLowerCase();
    if (n !== '' && !names.includes(n)) names.push(n);
  }
  return names;
}

/**
 * Parses the W3C-baggage-like `key=value,key2=value2` lists used by OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS (values percent-decoded). Malformed members are skipped and reported
 * once; with `secret` set the report never includes values.
 */
export function envKeyValueList(env: Env, name: string, secret = false): Record<string, string> {
  const out: Record<string, string> = {};
  const v = envString(env, name);
  if (v === undefined) return out;
  for (const part of v.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : '';
    if (key === '') {
      warnBadEnv(name, secret ? 'a member is not of the form key=value' : `member "${part}" is not key=value`, 'the other members');
      continue;
    }
    const raw = part.slice(eq + 1).trim();
    try {
      out[key] = decodeURIComponent(raw);
    } catch {
      warnBadEnv(name, `the value of "${key}" is not valid percent-encoding`, 'the other members');
    }
  }
  return out;
}

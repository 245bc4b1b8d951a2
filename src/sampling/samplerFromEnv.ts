import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { envKeyValueList, envString, warnBadEnv, type Env } from '../env.js';
import { isTracewiseError } from '../errors.js';
import { adaptiveSampler } from './adaptiveSampler.js';
import { alwaysOff } from './alwaysOff.js';
import { alwaysOn } from './alwaysOn.js';
import { headSampler } from './headSampler.js';
import { parentBased } from './parentBased.js';
import { rateLimitingSampler } from './rateLimitingSampler.js';

const SAMPLER = 'OTEL_TRACES_SAMPLER';
const ARG = 'OTEL_TRACES_SAMPLER_ARG';

type Args = Record<string, number>;

interface EnvSampler {
  /** Keys accepted in OTEL_TRACES_SAMPLER_ARG (`key=value,...`), with their defaults. */
  keys?: Args;
  build(args: Args, parentBased: boolean): Sampler;
}

/** The tracewise samplers, each also available as `parentbased_<name>`. */
const TRACEWISE: Record<string, EnvSampler> = {
  tracewise_head: {
    keys: { ratio: 1, precision: 4 },
    build: (a, pb) => headSampler({ ratio: a.ratio, precision: a.precision, parentBased: pb }),
  },
  tracewise_ratelimiting: {
    keys: { tracesPerSecond: 100, burst: NaN },
    build: (a, pb) =>
      rateLimitingSampler({
        tracesPerSecond: a.tracesPerSecond,
        burst: Number.isNaN(a.burst) ? undefined : a.burst,
        parentBased: pb,
      }),
  },
  tracewise_adaptive: {
    keys: { targetTracesPerSecond: 100, minRatio: 0, maxRatio: 1 },
    build: (a, pb) =>
      adaptiveSampler({
        targetTracesPerSecond: a.targetTracesPerSecond,
        minRatio: a.minRatio,
        maxRatio: a.maxRatio,
        parentBased: pb,
      }),
  },
};

/**
 * The sampler named by OTEL_TRACES_SAMPLER (and OTEL_TRACES_SAMPLER_ARG), or undefined when it
 * is unset, so the caller keeps its default. The spec's values map onto the consistent
 * samplers (`traceidratio` is a headSampler). A bad value is reported once through the OTel
 * diag logger: an unknown sampler name yields undefined (the caller's default); a bad argument
 * keeps that argument's default.
 */
export function samplerFromEnv(env: Env = process.env): Sampler | undefined {
  const raw = envString(env, SAMPLER);
  if (raw === undefined) return undefined;
  const name = raw.toLowerCase();
  switch (name) {
    case 'always_on':
      return alwaysOn();
    case 'always_off':
      return alwaysOff();
    case 'parentbased_always_on':
      return parentBased(alwaysOn());
    case 'parentbased_always_off':
      return parentBased(alwaysOff());
    case 'traceidratio':
    case 'parentbased_traceidratio':
      return headSampler({ ratio: ratioArg(env), parentBased: name !== 'traceidratio' });
  }
  const pb = name.startsWith('parentbased_');
  const key = pb ? name.slice('parentbased_'.length) : name;
  // Own keys only: `__proto__` or `constructor` would otherwise find Object.prototype's.
  const spec = Object.hasOwn(TRACEWISE, key) ? TRACEWISE[key] : undefined;
  if (spec === undefined) {
    warnBadEnv(SAMPLER, `unknown sampler "${raw}" (known: ${KNOWN.join(', ')})`, 'the default sampler');
    return undefined;
  }
  const args = keyValueArgs(env, spec.keys ?? {});
  try {
    return spec.build(args, pb);
  } catch (err) {
    // A combination the factory rejects (e.g. minRatio > maxRatio): report, keep the defaults.
    if (!isTracewiseError(err)) throw err;
    warnBadEnv(ARG, err.message, 'the default arguments');
    return spec.build(spec.keys ?? {}, pb);
  }
}

const KNOWN = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  ...Object.keys(TRACEWISE).flatMap((k) => [k, `parentbased_${k}`]),
];

/** The spec's traceidratio argument: a plain number in [0, 1], default 1. */
function ratioArg(env: Env): number {
  const v = envString(env, ARG);
  if (v === undefined) return 1;
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) {
    warnBadEnv(ARG, `expected a probability in [0, 1], got "${v}"`, 'ratio 1');
    return 1;
  }
  return n;
}

/** `key=value,...` with numeric values; unknown keys and bad numbers are reported and skipped. */
function keyValueArgs(env: Env, defaults: Args): Args {
  const out: Args = { ...defaults };
  for (const [key, value] of Object.entries(envKeyValueList(env, ARG))) {
    const n = value === '' ? NaN : Number(value);
    if (!Object.hasOwn(defaults, key)) {
      warnBadEnv(ARG, `unknown key "${key}" (known: ${Object.keys(defaults).join(', ')})`, 'the defaults for what is missing');
    } else if (!Number.isFinite(n)) {
      warnBadEnv(ARG, `${key} must be a number, got "${value}"`, `${key}=${defaults[key]}`);
    } else {
      out[key] = n;
    }
  }
  return out;
}

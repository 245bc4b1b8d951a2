import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from '../config.js';
import { InvalidConfigError } from '../errors.js';
import { forcingOptionsOf, samplerFromConfig } from '../forcing/index.js';
import { ForcingSampler } from '../forcing/withForcing.js';
import { alwaysOn, createSamplerControl, headSampler, parentBased, type Boost, type SamplerControl } from '../sampling/index.js';
import { checkSampler } from '../sampling/validation.js';
import type { BoostSamplingOptions } from '../tracing.js';

/**
 * The head sampler, by precedence: `sampler` (a Sampler, or the head of the forcing form),
 * `samplingRate`, OTEL_TRACES_SAMPLER, and the spec's default parentbased_always_on — all on
 * tracewise's consistent samplers.
 */
function headSamplerFor(config: ResolvedConfig): Sampler {
  if (config.sampler) return config.sampler;
  if (config.samplingRate !== undefined) return headSampler({ ratio: config.samplingRate });
  return config.envSampler ?? parentBased(alwaysOn());
}

/**
 * The live sampler: runtime control around the head, forcing (object form, or a withForcing()
 * sampler given as `sampler`) around the control, so setSampler()/boostSampling() change the
 * head and forcing keeps working.
 */
export function liveSampler(config: ResolvedConfig): { control: SamplerControl; sampler: Sampler } {
  const configured = samplerFromConfig(config.forcing, () => headSamplerFor(config));
  const forcing = forcingOptionsOf(configured);
  const control = createSamplerControl(forcing ? (configured as ForcingSampler).head : configured);
  return { control, sampler: forcing ? new ForcingSampler(control.sampler, forcing) : control.sampler };
}

/** `setSampler()`'s argument, checked (typed error, never echoing the value). */
export function checkNewSampler(next: unknown): Sampler {
  checkSampler('sampler', next);
  return next as Sampler;
}

/** `{ ratio | factor, durationMs }` → the control's arguments; exactly one of ratio and factor. */
export function toBoost(options: BoostSamplingOptions): [Boost, number] {
  const o = (options ?? {}) as { ratio?: unknown; factor?: unknown; durationMs?: unknown };
  const fix = 'Pass e.g. { ratio: 0.5, durationMs: 60000 } or { factor: 10, durationMs: 60000 }.';
  if ((o.ratio === undefined) === (o.factor === undefined)) {
    throw new InvalidConfigError('boostSampling', 'give exactly one of `ratio` and `factor`', fix);
  }
  if (typeof o.durationMs !== 'number' || !(o.durationMs > 0) || !Number.isFinite(o.durationMs)) {
    throw new InvalidConfigError('boostSampling.durationMs', 'expected a positive number of milliseconds', fix);
  }
  if (o.ratio !== undefined && (typeof o.ratio !== 'number' || !(o.ratio >= 0 && o.ratio <= 1))) {
    throw new InvalidConfigError('boostSampling.ratio', 'expected a number in [0, 1]', fix);
  }
  if (o.factor !== undefined && (typeof o.factor !== 'number' || !(o.factor >= 1) || !Number.isFinite(o.factor))) {
    throw new InvalidConfigError('boostSampling.factor', 'expected a finite number >= 1', fix);
  }
  return [o.ratio !== undefined ? { ratio: o.ratio as number } : { factor: o.factor as number }, o.durationMs];
}

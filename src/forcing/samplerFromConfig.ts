import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { InvalidConfigError } from '../errors.js';
import { headSampler } from '../sampling/headSampler.js';
import { checkRatio, checkSampler } from '../sampling/validation.js';
import { FORCING_KEYS, resolveForcingOptions, type ForcingOptions } from './forcingOptions.js';
import { withForcing } from './withForcing.js';

/** The object form of `initTracing({ sampler })`: a head sampler plus forcing. */
export interface ForcingSamplerConfig extends ForcingOptions {
  /** The head sampler. Default: `ratio` when given, else what `samplingRate` (or the default) gives. */
  head?: Sampler;
  /** Shorthand for `headSampler({ ratio })` (consistent, parent-based) as the head. */
  ratio?: number;
}

/** What `sampler` accepts: any Sampler, or a head sampler with forcing. */
export type SamplerOption = Sampler | ForcingSamplerConfig;

const CONFIG_KEYS = [...FORCING_KEYS, 'head', 'ratio'];

function isSampler(v: unknown): v is Sampler {
  return typeof v === 'object' && v !== null && typeof (v as Sampler).shouldSample === 'function';
}

/** Checks `config.sampler`; throws InvalidConfigError naming `sampler` or `sampler.<field>`. */
export function checkSamplerOption(v: unknown): SamplerOption | undefined {
  if (v === undefined || isSampler(v)) return v;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length === 0) {
    throw new InvalidConfigError(
      'sampler',
      'expected an OpenTelemetry Sampler (an object with shouldSample()) or forcing options',
      'Pass a sampler such as headSampler({ ratio: 0.1 }), or e.g. { ratio: 0.1, forceErrors: true, forceSlowerThanMs: 2000 }.',
    );
  }
  const c = v as Record<string, unknown>;
  if (c.head !== undefined) checkSampler('sampler.head', c.head);
  if (c.ratio !== undefined) checkRatio('sampler.ratio', c.ratio);
  if (c.head !== undefined && c.ratio !== undefined) {
    throw new InvalidConfigError('sampler.ratio', 'both `head` and `ratio` are given', 'Give one of them.');
  }
  resolveForcingOptions(c as ForcingOptions, 'sampler', CONFIG_KEYS);
  return v as ForcingSamplerConfig;
}

/**
 * The sampler for a checked `sampler` option: a Sampler as is, the object form as
 * withForcing(head, options), nothing as `defaultHead()`.
 */
export function samplerFromConfig(option: SamplerOption | undefined, defaultHead: () => Sampler): Sampler {
  if (option === undefined) return defaultHead();
  if (isSampler(option)) return option;
  const { head, ratio, ...forcing } = option;
  return withForcing(head ?? (ratio !== undefined ? headSampler({ ratio }) : defaultHead()), forcing);
}

import { describe, it, expect, beforeEach, afterAll } from 'vitest';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { resetEnvWarnings } from '../../src/env.js';
import { samplerFromEnv } from '../../src/sampling/samplerFromEnv.js';

const warnings: string[] = [];
const logger: DiagLogger = {
  error: (m) => warnings.push(`error: ${m}`),
  warn: (m) => warnings.push(m),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};
diag.setLogger(logger, DiagLogLevel.WARN);
afterAll(() => diag.disable());

beforeEach(() => {
  warnings.length = 0;
  resetEnvWarnings();
});

const describeEnv = (sampler?: string, arg?: string) =>
  samplerFromEnv({ OTEL_TRACES_SAMPLER: sampler, OTEL_TRACES_SAMPLER_ARG: arg })?.toString();

describe('samplerFromEnv: spec values map onto the consistent samplers', () => {
  it.each([
    ['always_on', undefined, 'AlwaysOnSampler'],
    ['always_off', undefined, 'AlwaysOffSampler'],
    ['parentbased_always_on', undefined, 'ParentBased{root=AlwaysOnSampler}'],
    ['parentbased_always_off', undefined, 'ParentBased{root=AlwaysOffSampler}'],
    ['traceidratio', '0.25', 'HeadSampler{ratio=0.25, th=c}'],
    ['parentbased_traceidratio', '0.1', 'ParentBased{root=HeadSampler{ratio=0.1, th=e666}}'],
    ['traceidratio', undefined, 'HeadSampler{ratio=1, th=0}'],
    [' ParentBased_TraceIdRatio ', ' 0.5 ', 'ParentBased{root=HeadSampler{ratio=0.5, th=8}}'],
  ])('%s (arg %s) -> %s', (sampler, arg, expected) => {
    expect(describeEnv(sampler, arg)).toBe(expected);
    expect(warnings).toEqual([]);
  });

  it('returns undefined when unset or blank, so the caller keeps its default', () => {
    expect(samplerFromEnv({})).toBeUndefined();
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: '  ' })).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('reads process.env by default', () => {
    const saved = process.env.OTEL_TRACES_SAMPLER;
    process.env.OTEL_TRACES_SAMPLER = 'always_off';
    try {
      expect(samplerFromEnv()?.toString()).toBe('AlwaysOffSampler');
    } finally {
      if (saved === undefined) delete process.env.OTEL_TRACES_SAMPLER;
      else process.env.OTEL_TRACES_SAMPLER = saved;
    }
  });
});

describe('samplerFromEnv: tracewise samplers', () => {
  it.each([
    ['tracewise_head', 'ratio=0.01,precision=6', 'HeadSampler{ratio=0.01, th=fd70a3d, precision=6}'],
    ['parentbased_tracewise_head', 'ratio=0.5', 'ParentBased{root=HeadSampler{ratio=0.5, th=8}}'],
    ['tracewise_ratelimiting', 'tracesPerSecond=50', 'RateLimitingSampler{tracesPerSecond=50, burst=50}'],
    [
      'parentbased_tracewise_ratelimiting',
      ' tracesPerSecond = 20 , burst=5 ',
      'ParentBased{root=RateLimitingSampler{tracesPerSecond=20, burst=5}}',
    ],
    ['tracewise_ratelimiting', undefined, 'RateLimitingSampler{tracesPerSecond=100, burst=100}'],
    [
      'tracewise_adaptive',
      'targetTracesPerSecond=200,minRatio=0.001,maxRatio=0.5',
      'AdaptiveSampler{targetTracesPerSecond=200, minRatio=0.001, maxRatio=0.5}',
    ],
    [
      'parentbased_tracewise_adaptive',
      'targetTracesPerSecond=10',
      'ParentBased{root=AdaptiveSampler{targetTracesPerSecond=10, minRatio=0, maxRatio=1}}',
    ],
  ])('%s with "%s"', (sampler, arg, expected) => {
    expect(describeEnv(sampler, arg)).toBe(expected);
    expect(warnings).toEqual([]);
  });
});

describe('samplerFromEnv: bad values are reported once and the default is kept', () => {
  it('an unknown sampler: undefined (the caller default), one warning naming the variable', () => {
    expect(describeEnv('jaeger_remote')).toBeUndefined();
    expect(describeEnv('nonsense')).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('OTEL_TRACES_SAMPLER');
    expect(warnings[0]).toContain('jaeger_remote');
    expect(warnings[0]).toContain('tracewise_ratelimiting');
  });

  it.each(['1.5', '-0.1', 'half', 'NaN', '0x1p-3'])('traceidratio with arg "%s" keeps ratio 1', (arg) => {
    expect(describeEnv('parentbased_traceidratio', arg)).toBe('ParentBased{root=HeadSampler{ratio=1, th=0}}');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('OTEL_TRACES_SAMPLER_ARG');
    expect(warnings[0]).toContain(arg);
  });

  it('an unknown key or a bad number keeps that default; reported once per variable', () => {
    expect(describeEnv('tracewise_ratelimiting', 'tracesPerSecond=abc,burst=7')).toBe(
      'RateLimitingSampler{tracesPerSecond=100, burst=7}',
    );
    expect(describeEnv('tracewise_ratelimiting', 'rate=5')).toBe('RateLimitingSampler{tracesPerSecond=100, burst=100}');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('tracesPerSecond must be a number');
  });

  it('a combination the factory rejects keeps all defaults', () => {
    expect(describeEnv('tracewise_adaptive', 'minRatio=0.9,maxRatio=0.1')).toBe(
      'AdaptiveSampler{targetTracesPerSecond=100, minRatio=0, maxRatio=1}',
    );
    expect(describeEnv('tracewise_ratelimiting', 'tracesPerSecond=-3')).toBe(
      'RateLimitingSampler{tracesPerSecond=100, burst=100}',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('minRatio');
  });

  it('a key named like an Object.prototype member is unknown, not a crash', () => {
    expect(describeEnv('tracewise_head', 'toString=1')).toBe('HeadSampler{ratio=1, th=0}');
    expect(warnings[0]).toContain('unknown key "toString"');
  });
});

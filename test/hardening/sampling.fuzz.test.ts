import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../src/sampling/globMatcher.js';
import { ruleSampler } from '../../src/sampling/ruleSampler.js';
import { alwaysOn } from '../../src/sampling/alwaysOn.js';
import { alwaysOff } from '../../src/sampling/alwaysOff.js';
import { ROOT_CONTEXT, SamplingDecision, SpanKind } from '@opentelemetry/api';
import { fuzzTests } from './fuzzCase.js';
import { samplingCases } from './properties/sampling.js';

describe('hostile input: samplers', () => fuzzTests(samplingCases));

describe('sampling-rule globs against caller-controlled attributes', () => {
  // Compiled to /^.*a.*b.*c.*d$/ this took 50 s on a 2,000-character value (polynomial backtracking).
  it('match in a few indexOf calls, whatever the text', () => {
    const text = 'abc'.repeat(100_000);
    expect(globMatcher('*a*b*c*d').test(text)).toBe(false);
    expect(globMatcher('*a*b*c*').test(text)).toBe(true);
    const sampler = ruleSampler([{ attributes: { 'url.path': '*a*b*c*d' }, sampler: alwaysOn() }], alwaysOff(), { parentBased: false });
    const r = sampler.shouldSample(ROOT_CONTEXT, '4bf92f3577b34da6a3ce929d0e0e4736', 'GET', SpanKind.SERVER, { 'url.path': text }, []);
    expect(r.decision).toBe(SamplingDecision.NOT_RECORD);
  });

  it('keep their meaning: literal text, `*` for any run', () => {
    expect(globMatcher('GET /api/*').test('GET /api/orders/1')).toBe(true);
    expect(globMatcher('GET /api/*').test('GET /apix')).toBe(false);
    expect(globMatcher('*.(x)').test('a.(x)')).toBe(true);
    expect(globMatcher('a*a').test('a')).toBe(false);
    expect(globMatcher('a*a').test('aa')).toBe(true);
    expect(globMatcher('*').test('')).toBe(true);
  });
});

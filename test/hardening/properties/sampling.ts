import { ROOT_CONTEXT, SamplingDecision, SpanKind, trace, type Attributes, type Context, type Link } from '@opentelemetry/api';
import { TraceState as CoreTraceState } from '@opentelemetry/core';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { isTracewiseError } from '../../../src/errors.js';
import { W3CTraceState } from '../../../src/propagation/W3CTraceState.js';
import { adaptiveSampler } from '../../../src/sampling/adaptiveSampler.js';
import { alwaysOff } from '../../../src/sampling/alwaysOff.js';
import { alwaysOn } from '../../../src/sampling/alwaysOn.js';
import { formatOtValue, parseOtValue } from '../../../src/sampling/consistentProbability.js';
import { globMatcher } from '../../../src/sampling/globMatcher.js';
import { headSampler } from '../../../src/sampling/headSampler.js';
import { parentBased } from '../../../src/sampling/parentBased.js';
import { rateLimitingSampler } from '../../../src/sampling/rateLimitingSampler.js';
import { ruleSampler } from '../../../src/sampling/ruleSampler.js';
import { anyText, hex, hexId, mutated } from '../arbitraries.js';
import type { FuzzCase } from '../fuzzCase.js';
import { isSendableTraceState } from '../oracles.js';

// ---- hostile option values

const number = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.integer({ min: 1, max: 1000 }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, 1, -1, 0.5, 1e-300, 1 + Number.EPSILON, NaN, Infinity, -Infinity, -0, 2 ** 53, 14, 15),
);
const hostile = fc.oneof(number, anyText, fc.boolean(), fc.constantFrom(undefined, null), fc.anything());
const optionValue = fc.oneof({ weight: 3, arbitrary: number }, { weight: 1, arbitrary: hostile });

const sensible = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 14 }));

function optionsOf(keys: string[]): fc.Arbitrary<unknown> {
  const record = (value: fc.Arbitrary<unknown>) =>
    fc.record(Object.fromEntries(keys.map((k) => [k, k === 'parentBased' || k === 'followThreshold' ? fc.oneof({ weight: 5, arbitrary: fc.boolean() }, { weight: 1, arbitrary: hostile }) : value])), {
      requiredKeys: [],
    });
  return fc.oneof({ weight: 3, arbitrary: record(sensible) }, { weight: 3, arbitrary: record(optionValue) }, { weight: 1, arbitrary: fc.anything() });
}

const samplerArb: fc.Arbitrary<Sampler> = fc.constantFrom(alwaysOn(), alwaysOff(), headSampler({ ratio: 0.5 }), headSampler({ ratio: 0.01, parentBased: false }));
const matcher = fc.oneof(fc.string({ unit: fc.constantFrom('a', 'b', '*', '/', '.', '('), maxLength: 8 }), number, fc.boolean(), fc.constant(/^\/x/), hostile);
const rule = fc.oneof(
  fc.record(
    {
      name: fc.oneof(anyText, hostile),
      spanName: matcher,
      spanKind: fc.oneof(fc.integer({ min: -1, max: 6 }), fc.array(fc.integer({ min: 0, max: 4 })), hostile),
      attributes: fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), matcher, { maxKeys: 3 }), hostile),
      parent: fc.oneof(fc.constantFrom('none', 'local', 'remote', ['none', 'remote']), hostile),
      sampler: fc.oneof({ weight: 5, arbitrary: samplerArb }, { weight: 1, arbitrary: hostile }),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

/** Each factory with arbitrary arguments; building must either work or throw InvalidConfigError. */
export const factories: fc.Arbitrary<() => Sampler> = fc.oneof(
  optionsOf(['ratio', 'precision', 'parentBased']).map((o) => () => headSampler(o as never)),
  optionsOf(['tracesPerSecond', 'burst', 'precision', 'parentBased']).map((o) => () => rateLimitingSampler(o as never)),
  optionsOf(['targetTracesPerSecond', 'minRatio', 'maxRatio', 'adjustmentIntervalMs', 'maxIncreasePerAdjustment', 'precision', 'parentBased']).map(
    (o) => () => adaptiveSampler(o as never),
  ),
  fc.tuple(samplerArb, optionsOf(['followThreshold'])).map(([root, o]) => () => parentBased(root, o as never)),
  fc.tuple(fc.oneof(fc.array(rule, { maxLength: 3 }), hostile), fc.oneof(samplerArb, hostile), optionsOf(['parentBased'])).map(
    ([rules, fallback, o]) => () => ruleSampler(rules as never, fallback as never, o as never),
  ),
);

// ---- hostile span inputs

const otValue = fc.oneof(
  fc.tuple(fc.option(hex(14).map((h) => h.replace(/0+$/, '') || '0'), { nil: undefined }), fc.option(hex(14), { nil: undefined })).map(([th, rv]) =>
    [th && `th:${th}`, rv && `rv:${rv}`].filter(Boolean).join(';'),
  ),
  mutated(fc.constantFrom('th:8', 'th:0;rv:0123456789abcd', 'th:fffffffffffff;x:1', 'rv:ffffffffffffff')),
  anyText,
);
const traceState = fc.oneof(
  fc.constant(undefined),
  otValue.map((v) => W3CTraceState.fromHeader(`ot=${v},congo=t61rcWkgMzE`)),
  // A foreign propagator's TraceState: core's parses leniently, so any `ot` text can arrive.
  fc.tuple(otValue, anyText).map(([v, rest]) => new CoreTraceState(`ot=${v},${rest}`)),
);
const parentContext: fc.Arbitrary<Context> = fc.oneof(
  fc.constant(ROOT_CONTEXT),
  fc
    .record({
      traceId: fc.oneof(hexId(32), hex(32), anyText, hexId(32).map((s) => s.toUpperCase())),
      spanId: fc.oneof(hexId(16), anyText),
      traceFlags: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer(), fc.constant(NaN)),
      isRemote: fc.boolean(),
      traceState,
    })
    .map((sc) => trace.setSpanContext(ROOT_CONTEXT, sc as never)),
);
const spanInput = fc.record({
  ctx: parentContext,
  traceId: fc.oneof(hexId(32), hex(32), anyText, fc.constant(undefined)),
  name: fc.oneof(anyText, fc.constant(undefined)),
  kind: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer(), fc.constant(undefined)),
  attributes: fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(anyText, number, fc.boolean(), fc.array(anyText))), fc.constant(undefined)),
  links: fc.oneof(fc.constant([]), fc.constant(undefined), fc.anything()),
});

const DECISIONS = new Set<unknown>([SamplingDecision.NOT_RECORD, SamplingDecision.RECORD, SamplingDecision.RECORD_AND_SAMPLED]);

// The regex a glob used to compile to: the reference for small inputs (it is exponential on big ones).
function globRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

export const samplingCases: FuzzCase[] = [
  {
    parser: 'sampler arguments',
    name: 'factories return a Sampler or throw InvalidConfigError, never anything else',
    property: () =>
      fc.property(factories, (build) => {
        try {
          const s = build();
          return typeof s.shouldSample === 'function' && typeof s.toString() === 'string';
        } catch (err) {
          return isTracewiseError(err) && err.code === 'TRACEWISE_INVALID_CONFIG';
        }
      }),
    weight: 0.5,
  },
  {
    parser: 'sampler arguments',
    name: 'shouldSample never throws on any parent, trace ID, attributes or tracestate; what it writes is valid',
    property: () =>
      fc.property(factories, fc.array(spanInput, { minLength: 1, maxLength: 4 }), (build, inputs) => {
        let sampler: Sampler;
        try {
          sampler = build();
        } catch {
          return true;
        }
        for (const i of inputs) {
          const r = sampler.shouldSample(i.ctx, i.traceId as string, i.name as string, i.kind as SpanKind, i.attributes as Attributes, i.links as Link[]);
          if (!DECISIONS.has(r.decision)) return false;
          const ts = r.traceState?.serialize();
          if (ts !== undefined && ts !== '' && !isSendableTraceState(ts)) return false;
        }
        return true;
      }),
    weight: 0.5,
  },
  {
    parser: 'tracestate ot member',
    name: 'parseOtValue never throws; valid values round-trip through formatOtValue',
    property: () =>
      fc.property(otValue, (v) => {
        const ot = parseOtValue(v);
        if (!ot.valid) return true;
        const again = parseOtValue(formatOtValue(ot, ot.th));
        return again.valid && again.th?.th === ot.th?.th && again.rv === ot.rv && again.extras === ot.extras;
      }),
  },
  {
    parser: 'sampling rule glob',
    name: 'globMatcher agrees with the regex a glob stands for, on any pattern and text',
    property: () =>
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '*', '.', '/', '?', '('), maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '.', '/', '?', '('), maxLength: 12 }),
        (pattern, text) => globMatcher(pattern).test(text) === globRegex(pattern).test(text),
      ),
  },
];

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { TraceState } from '@opentelemetry/core';
import {
  ALWAYS_THRESHOLD,
  formatOtValue,
  keeps,
  NEVER_THRESHOLD,
  parseOtValue,
  raiseThreshold,
  randomnessAtLeast,
  thresholdAtMost,
  thresholdFromProbability,
  thresholdFromTh,
} from '../../src/sampling/consistentProbability.js';
import { headSampler } from '../../src/sampling/headSampler.js';
import { InvalidConfigError } from '../../src/errors.js';
import { loadVectors } from './helpers.js';

const V = loadVectors();

/** The vectors give probabilities as decimal strings that round-trip to the exact double. */
const num = (s: string) => Number(s);

describe('vectors: probability -> th', () => {
  it.each(V.probability_to_th_full_precision as any[])('full precision: p=$p_expr -> th:$th', (v) => {
    const t = thresholdFromProbability(num(v.p), 14);
    expect(t.th).toBe(v.th);
    if (v.threshold_decimal) expect(BigInt(`0x${t.t14}`).toString()).toBe(v.threshold_decimal);
  });

  it.each(V.probability_to_th_with_precision_collector as any[])('precision $precision: p=$p_expr -> th:$th', (v) => {
    expect(thresholdFromProbability(num(v.p), v.precision).th).toBe(v.th);
  });

  it.each(V.probability_to_th_with_precision_spec_table as any[])(
    'spec table 1-in-$one_in_n at precision $precision -> th:$th',
    (v) => {
      const t = thresholdFromProbability(num(v.p), v.precision);
      expect(t.th).toBe(v.th);
      expect(t.probability).toBe(num(v.actual_probability));
    },
  );

  it('the default precision is 4 digits (the spec table column)', () => {
    for (const v of V.probability_to_th_with_precision_spec_table.filter((x: any) => x.precision === 4)) {
      expect(thresholdFromProbability(num(v.p)).th).toBe(v.th);
    }
  });

  it('edge cases: 0 and probabilities that round to 0 never sample and are never encoded', () => {
    for (const v of V.probability_edge_cases.filter((x: any) => x.th === null)) {
      const t = thresholdFromProbability(num(v.p));
      expect(t).toBe(NEVER_THRESHOLD);
      expect(t.th).toBe('');
    }
  });

  it('edge cases: out-of-range probabilities are configuration errors', () => {
    const bad = [1.1, 1.0000000000000002, -5e-324, NaN, Infinity, -Infinity];
    // The vectors list these as errors (collector / Java).
    expect(V.probability_edge_cases.filter((x: any) => x.error).length).toBe(5);
    for (const ratio of bad) expect(() => headSampler({ ratio })).toThrow(InvalidConfigError);
  });

  it('edge case 0x1p-57: the collector rejects it; we accept it like JS/Java (Math.round(0.5) = 1 -> 2^-56)', () => {
    const v = V.probability_edge_cases.find((x: any) => x.p_expr === '0x1p-57');
    expect(v.error).toMatch(/collector/);
    expect(thresholdFromProbability(num(v.p)).th).toBe('ffffffffffffff');
  });

  it.each(V.sampler_descriptions as any[])('description for p=$p names ratio and threshold like JS/Java', (v) => {
    const s = headSampler({ ratio: num(v.p), parentBased: false }).toString();
    const jsThreshold = /threshold=([0-9a-f]+|max)/.exec(v.js)![1];
    expect(s).toBe(`HeadSampler{ratio=${num(v.p)}, th=${jsThreshold}}`);
  });
});

describe('vectors: th -> probability', () => {
  it.each((V.th_to_probability as any[]).filter((v) => v.th))('th:$th', (v) => {
    const t = thresholdFromTh(v.th)!;
    if (v.probability) expect(t.probability).toBe(num(v.probability));
    if (v.probability_approx) expect(Math.abs(t.probability - num(v.probability_approx))).toBeLessThan(v.epsilon);
    if (v.adjusted_count) expect(1 / t.probability).toBe(num(v.adjusted_count));
    if (v.threshold_decimal) expect(BigInt(`0x${t.t14}`).toString()).toBe(v.threshold_decimal);
  });

  it('2^56 ("max") means probability 0: never encodable', () => {
    const v = V.th_to_probability.find((x: any) => x.threshold_decimal === '72057594037927936');
    expect(NEVER_THRESHOLD.probability).toBe(num(v.probability));
    expect(1 / NEVER_THRESHOLD.probability).toBe(Infinity);
  });
});

describe('vectors: decisions (keep iff R >= T)', () => {
  it.each(V.decisions as any[])('rv=$rv trace=$trace_id th:$th -> $sampled', (v) => {
    const t = thresholdFromTh(v.th)!;
    const traceId = v.trace_id ?? '00000000000000000000000000000000';
    expect(keeps(traceId, v.rv, t)).toBe(v.sampled);
    if (v.randomness) expect(v.trace_id.slice(18)).toBe(v.randomness);
  });
});

describe('vectors: the ot member', () => {
  const inputOf = (v: any): string => {
    if (v.input !== undefined) return v.input;
    const m = /^(.*?)([A-Za-z_])\*(\d+)(.*)$/.exec(v.input_expr)!;
    return m[1] + m[2].repeat(Number(m[3])) + m[4];
  };

  it.each(V.ot_value_parse_collector as any[])('parse "$input$input_expr"', (v) => {
    const input = inputOf(v);
    const ot = parseOtValue(input);
    // The collector reports th as written ("50"); we hold the threshold it denotes.
    expect(ot.th?.t14).toBe(v.th === '' ? undefined : thresholdFromTh(v.th)!.t14);
    expect(ot.rv ?? '').toBe(v.rv);
    expect(ot.extras === '' ? [] : ot.extras.split(';')).toEqual(v.extra);
    if (v.error !== null) expect(ot.th === undefined || ot.rv === undefined).toBe(true);
  });

  it.each(V.ot_value_round_trip_js_java as any[])('round trip "$input$input_expr"', (v) => {
    const input = inputOf(v);
    const ot = parseOtValue(input);
    const out = formatOtValue(ot, ot.th);
    // We serialise like Java everywhere; JS differs only by keeping unparseable values verbatim.
    expect(out).toBe(v.java_out);
    if (v.js_out !== null && v.js_out !== v.java_out) expect(['a', '#']).toContain(input);
  });

  it.each(V.ot_threshold_update_downstream as any[])('downstream update "$input_ot" with p=$new_probability', (v) => {
    const r = raiseThreshold(parseOtValue(v.input_ot), thresholdFromProbability(num(v.new_probability), 14));
    expect(r.ot).toBe(v.output_ot);
    expect(r.consistent).toBe(v.error === null);
    expect(1 / thresholdFromTh(r.ot.slice(3))!.probability).toBe(num(v.adjusted_count_out));
  });

  it.each(V.w3c_tracestate_parse_collector as any[])('W3C tracestate "$tracestate"', (v) => {
    const ts = new TraceState(v.tracestate);
    const ot = parseOtValue(ts.get('ot') ?? '');
    expect(ot.th?.t14).toBe(v.th === undefined ? undefined : thresholdFromTh(v.th)!.t14);
    expect(ot.rv).toBe(v.rv);
    for (const [k, val] of Object.entries(v.other ?? {})) expect(ts.get(k)).toBe(val);
    if (v.ot_extra) expect(ot.extras).toBe(Object.entries(v.ot_extra).map(([k, x]) => `${k}:${x}`).join(';'));
    if (v.error) expect(ts.serialize()).toBe('');
  });
});

describe('comparisons', () => {
  const hex14 = fc.bigInt({ min: 0n, max: 2n ** 56n - 1n }).map((b) => b.toString(16).padStart(14, '0'));

  it('randomnessAtLeast agrees with BigInt R >= T (property, 2000 cases)', () => {
    fc.assert(
      fc.property(hex14, hex14, fc.boolean(), (r, t, upper) => {
        const traceId = 'abcdefabcdefabcdef' + (upper ? r.toUpperCase() : r);
        const expected = BigInt(`0x${r}`) >= BigInt(`0x${t}`);
        return randomnessAtLeast(traceId, 18, t) === expected && randomnessAtLeast(r, 0, t) === expected;
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('a malformed (not 32-digit) trace ID is never kept; rv still decides', () => {
    expect(keeps('ffffffffffffffffffff', undefined, ALWAYS_THRESHOLD)).toBe(false);
    expect(keeps('ffffffffffffffffffffffffffffffffff', undefined, ALWAYS_THRESHOLD)).toBe(false);
    expect(keeps('ffff', 'ffffffffffffff', ALWAYS_THRESHOLD)).toBe(true);
  });

  it('thresholdAtMost orders thresholds, with never above all', () => {
    const half = thresholdFromProbability(0.5);
    expect(thresholdAtMost(ALWAYS_THRESHOLD, half)).toBe(true);
    expect(thresholdAtMost(half, ALWAYS_THRESHOLD)).toBe(false);
    expect(thresholdAtMost(half, NEVER_THRESHOLD)).toBe(true);
    expect(thresholdAtMost(NEVER_THRESHOLD, half)).toBe(false);
  });
});

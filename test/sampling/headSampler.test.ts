import { describe, it, expect } from 'vitest';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { traceIds } from '../../bench/harness.js';
import { InvalidConfigError } from '../../src/errors.js';
import { ATTR_TRACEWISE_SAMPLER, ATTR_TRACEWISE_SAMPLING_PROBABILITY } from '../../src/sampling/attributes.js';
import { headSampler } from '../../src/sampling/headSampler.js';
import { alwaysOn } from '../../src/sampling/alwaysOn.js';
import { alwaysOff } from '../../src/sampling/alwaysOff.js';
import { decide, isSampled, outgoingOt, parentContext } from './helpers.js';

const N = 200_000;
const IDS = traceIds(N, 20240601);

describe('headSampler: statistics over 200k seeded trace IDs', () => {
  it.each([0.0001, 0.001, 0.01, 0.1, 0.25, 0.5, 0.9, 0.999])('keeps ratio %s within 4σ of the effective probability', (ratio) => {
    const s = headSampler({ ratio, parentBased: false });
    let kept = 0;
    let p = 0;
    for (const id of IDS) {
      const r = decide(s, id);
      if (isSampled(r)) {
        kept++;
        p = r.attributes![ATTR_TRACEWISE_SAMPLING_PROBABILITY] as number;
      }
    }
    // The effective probability is that of the 4-digit threshold: within 0.1% of the ratio.
    expect(Math.abs(p - ratio) / ratio).toBeLessThan(1e-3);
    const sigma = Math.sqrt(N * p * (1 - p));
    expect(Math.abs(kept - N * p)).toBeLessThanOrEqual(4 * sigma);
  });

  it('is monotone: a trace kept at p1 is kept at every p2 >= p1 (100k IDs, 9 ratios)', () => {
    const ratios = [0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.99, 1];
    const samplers = ratios.map((ratio) => headSampler({ ratio, parentBased: false }));
    let violations = 0;
    let kept = 0;
    for (const id of IDS.slice(0, 100_000)) {
      let keptBelow = false;
      for (const s of samplers) {
        const k = isSampled(decide(s, id));
        if (keptBelow && !k) violations++;
        keptBelow = k;
        if (k) kept++;
      }
    }
    expect(violations).toBe(0);
    expect(kept).toBeGreaterThan(300_000); // sum of the ratios * 100k = 365k
  });

  it('two independently configured services agree on every trace, and the lower rate keeps a subset', () => {
    const a = headSampler({ ratio: 0.2 });
    const b = headSampler({ ratio: 0.2, precision: 4 });
    const low = headSampler({ ratio: 0.05 });
    let disagree = 0;
    let notSubset = 0;
    let lowKept = 0;
    for (const id of IDS.slice(0, 100_000)) {
      const ka = isSampled(decide(a, id));
      if (isSampled(decide(b, id)) !== ka) disagree++;
      if (isSampled(decide(low, id))) {
        lowKept++;
        if (!ka) notSubset++;
      }
    }
    expect(disagree).toBe(0);
    expect(notSubset).toBe(0);
    expect(lowKept).toBeGreaterThan(4000);
  });

  it('decides like the spec reference: R = last 14 hex digits of the trace ID, keep iff R >= T', () => {
    const s = headSampler({ ratio: 0.1, parentBased: false }); // th e666 -> T = 0xe6660000000000
    expect(isSampled(decide(s, 'ffffffffffffffffffe6660000000000'))).toBe(true);
    expect(isSampled(decide(s, 'ffffffffffffffffffe665ffffffffff'))).toBe(false);
    // The first 18 digits do not matter (the SDK's TraceIdRatioBased XOR-folds all 32).
    expect(isSampled(decide(s, '000000000000000000e6660000000000'))).toBe(true);
  });
});

describe('headSampler: what kept spans carry', () => {
  it('writes ot=th at 4-digit precision and names itself with the effective probability', () => {
    const s = headSampler({ ratio: 0.1 });
    const r = decide(s, 'ffffffffffffffffffffffffffffffff');
    expect(r.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(r.traceState!.serialize()).toBe('ot=th:e666');
    expect(r.attributes).toEqual({
      [ATTR_TRACEWISE_SAMPLER]: 'HeadSampler{ratio=0.1, th=e666}',
      [ATTR_TRACEWISE_SAMPLING_PROBABILITY]: 0.100006103515625,
    });
    expect(s.toString()).toBe('ParentBased{root=HeadSampler{ratio=0.1, th=e666}}');
  });

  it('honours precision', () => {
    const r = decide(headSampler({ ratio: 0.1, precision: 6 }), 'ffffffffffffffffffffffffffffffff');
    expect(outgoingOt(r)).toBe('th:e66666');
    const full = decide(headSampler({ ratio: 0.1, precision: 14 }), 'ffffffffffffffffffffffffffffffff');
    expect(outgoingOt(full)).toBe('th:e6666666666666'); // 2^56 - round(0.1 * 2^56), checked with exact fractions
  });

  it('returns the same precomputed result for every kept and every dropped root span (no allocation)', () => {
    const s = headSampler({ ratio: 0.5 });
    const kept1 = decide(s, 'ffffffffffffffffffffffffffffffff');
    const kept2 = decide(s, '0000000000000000008abcdef0123456');
    expect(kept1).toBe(kept2);
    expect(Object.isFrozen(kept1.attributes)).toBe(true);
    const drop1 = decide(s, 'ffffffffffffffffff00000000000000');
    const drop2 = decide(s, 'ffffffffffffffffff7fffffffffffff');
    expect(drop1.decision).toBe(SamplingDecision.NOT_RECORD);
    expect(drop1).toBe(drop2);
    expect(drop1.traceState).toBeUndefined();
  });

  it('uses rv from the ot member instead of the trace ID, preserving other members and ot sub-keys', () => {
    const s = headSampler({ ratio: 0.5, parentBased: false });
    // Trace-ID randomness is 0 (would drop); rv = 0x80000000000000 keeps at 50%.
    const ctx = parentContext({
      traceId: 'ffffffffffffffffff00000000000000',
      sampled: false,
      traceState: 'vendor=abc,ot=pn:x;rv:80000000000000;th:ffff',
    });
    const r = decide(s, 'ffffffffffffffffff00000000000000', ctx);
    expect(isSampled(r)).toBe(true);
    expect(r.traceState!.get('ot')).toBe('th:8;rv:80000000000000;pn:x');
    expect(r.traceState!.get('vendor')).toBe('abc');
    expect(r.traceState!.serialize()).toBe('ot=th:8;rv:80000000000000;pn:x,vendor=abc');
  });

  it('erases th when it does not keep, and keeps everything else', () => {
    const s = headSampler({ ratio: 0.5, parentBased: false });
    const ctx = parentContext({
      traceId: 'ffffffffffffffffff00000000000000',
      sampled: true,
      traceState: 'ot=th:0;rv:10000000000000;x:1,vendor=abc',
    });
    const r = decide(s, 'ffffffffffffffffff00000000000000', ctx);
    expect(isSampled(r)).toBe(false);
    expect(r.traceState!.get('ot')).toBe('rv:10000000000000;x:1');
    expect(r.traceState!.get('vendor')).toBe('abc');
  });

  it('treats malformed ot content as absent (never throws) and replaces it on a kept span', () => {
    const s = headSampler({ ratio: 0.5, parentBased: false });
    for (const ot of ['th:zz', 'rv:123', 'th:1;', 'TH:8', 'th:ffffffffffffffff', 'rv:8000000000000g', 'x'.repeat(300)]) {
      const ctx = parentContext({ traceId: 'ffffffffffffffffff80000000000000', sampled: true, traceState: `ot=${ot},v=1` });
      const r = decide(s, 'ffffffffffffffffff80000000000000', ctx);
      expect(isSampled(r)).toBe(true); // decided from the trace ID (R = 0x80000000000000)
      expect(r.traceState!.get('ot')!.startsWith('th:8')).toBe(true);
      expect(r.traceState!.get('v')).toBe('1');
    }
  });
});

describe('alwaysOn / alwaysOff', () => {
  it('alwaysOn keeps with th:0 and probability 1; alwaysOff drops and erases th', () => {
    const on = decide(alwaysOn(), 'ffffffffffffffffff00000000000000');
    expect(outgoingOt(on)).toBe('th:0');
    expect(on.attributes![ATTR_TRACEWISE_SAMPLING_PROBABILITY]).toBe(1);
    const ctx = parentContext({ traceId: 'ffffffffffffffffff00000000000000', sampled: true, traceState: 'ot=th:0;rv:00000000000000' });
    const off = decide(alwaysOff(), 'ffffffffffffffffff00000000000000', ctx);
    expect(isSampled(off)).toBe(false);
    expect(outgoingOt(off, ctx)).toBe('rv:00000000000000');
    expect(alwaysOn().toString()).toBe('AlwaysOnSampler');
    expect(alwaysOff().toString()).toBe('AlwaysOffSampler');
  });
});

describe('headSampler: configuration errors', () => {
  it.each([
    [{ ratio: -0.1 }, 'ratio'],
    [{ ratio: 1.5 }, 'ratio'],
    [{ ratio: '0.5' }, 'ratio'],
    [{}, 'ratio'],
    [{ ratio: 0.5, precision: 0 }, 'precision'],
    [{ ratio: 0.5, precision: 15 }, 'precision'],
    [{ ratio: 0.5, precision: 2.5 }, 'precision'],
    [{ ratio: 0.5, parentBased: 'no' }, 'parentBased'],
    [{ rate: 0.5 }, 'options.rate'],
  ])('%j is rejected naming `%s`', (options, option) => {
    try {
      headSampler(options as never);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidConfigError);
      expect((err as InvalidConfigError).option).toBe(option);
      expect((err as Error).message).toContain(`\`${option}\``);
    }
  });
});

describe('test helper', () => {
  it('idGenerator yields the bench harness trace IDs', async () => {
    const { idGenerator } = await import('./helpers.js');
    const next = idGenerator(99);
    expect(Array.from({ length: 1000 }, next)).toEqual(traceIds(1000, 99));
  });
});

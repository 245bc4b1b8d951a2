import { describe, it, expect } from 'vitest';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { traceIds } from '../../bench/harness.js';
import { InvalidConfigError } from '../../src/errors.js';
import { ATTR_TRACEWISE_SAMPLER, ATTR_TRACEWISE_SAMPLING_PROBABILITY } from '../../src/sampling/attributes.js';
import { alwaysOff } from '../../src/sampling/alwaysOff.js';
import { keeps, thresholdFromTh } from '../../src/sampling/consistentProbability.js';
import { headSampler } from '../../src/sampling/headSampler.js';
import { ruleSampler } from '../../src/sampling/ruleSampler.js';
import { createSamplerControl } from '../../src/sampling/samplerControl.js';
import { decide, isSampled, outgoingOt, parentContext } from './helpers.js';

const IDS = traceIds(100_000, 9);
const keptSet = (s: Parameters<typeof decide>[0], ids = IDS) => new Set(ids.filter((id) => isSampled(decide(s, id))));

describe('createSamplerControl: swapping', () => {
  it('delegates to the current sampler and swaps atomically', () => {
    const a = headSampler({ ratio: 0.1 });
    const b = headSampler({ ratio: 0.5 });
    const control = createSamplerControl(a);
    const stable = control.sampler;
    expect(control.current()).toBe(a);
    expect(keptSet(stable)).toEqual(keptSet(a));
    control.set(b);
    expect(control.sampler).toBe(stable);
    expect(control.current()).toBe(b);
    expect(keptSet(stable)).toEqual(keptSet(b));
    expect(stable.toString()).toBe('SamplerControl{current=ParentBased{root=HeadSampler{ratio=0.5, th=8}}}');
  });

  it('accepts foreign samplers and rejects non-samplers', () => {
    const control = createSamplerControl(new AlwaysOffSampler());
    expect(keptSet(control.sampler, IDS.slice(0, 100)).size).toBe(0);
    expect(() => control.set({} as never)).toThrow(InvalidConfigError);
    expect(() => createSamplerControl(null as never)).toThrow('`initial`');
  });
});

describe('createSamplerControl: boost', () => {
  it('{ ratio } keeps the union, writes th = min of the thresholds, and expires by itself', () => {
    let now = 0;
    const control = createSamplerControl(headSampler({ ratio: 0.1 }), { clock: () => now });
    const base = keptSet(control.sampler);
    const head30 = keptSet(headSampler({ ratio: 0.3 }));
    control.boost({ ratio: 0.3 }, 10_000);
    expect(control.sampler.toString()).toContain('boost=Boost{ratio=0.3}');
    let bad = 0;
    const boosted = new Set<string>();
    for (const id of IDS) {
      const r = decide(control.sampler, id);
      if (!isSampled(r)) continue;
      boosted.add(id);
      const t = thresholdFromTh(outgoingOt(r)!.slice(3))!;
      if (!keeps(id, undefined, t) || t.probability !== r.attributes![ATTR_TRACEWISE_SAMPLING_PROBABILITY]) bad++;
    }
    expect(bad).toBe(0);
    expect(boosted).toEqual(new Set([...base, ...head30]));
    // The boost never lowers sampling: a boost below the base ratio changes nothing.
    control.boost({ ratio: 0.01 }, 10_000);
    expect(keptSet(control.sampler)).toEqual(base);
    control.boost({ ratio: 0.3 }, 10_000);
    now = 9_999;
    expect(keptSet(control.sampler)).toEqual(boosted);
    now = 10_000;
    expect(keptSet(control.sampler)).toEqual(base);
    expect(control.sampler.toString()).not.toContain('boost');
  });

  it('{ factor } multiplies each probabilistic decision, per rule', () => {
    let now = 0;
    const control = createSamplerControl(
      ruleSampler([{ name: 'search', spanName: 'search', sampler: headSampler({ ratio: 0.01 }) }], headSampler({ ratio: 0.1 })),
      { clock: () => now },
    );
    control.boost({ factor: 4 }, 1000);
    const count = (name: string) => IDS.filter((id) => isSampled(decide(control.sampler, id, ROOT_CONTEXT, name))).length;
    const within4Sigma = (n: number, p: number) => Math.abs(n - IDS.length * p) <= 4 * Math.sqrt(IDS.length * p * (1 - p));
    expect(within4Sigma(count('search'), 0.04)).toBe(true);
    expect(within4Sigma(count('other'), 0.4)).toBe(true);
    const r = decide(control.sampler, 'ffffffffffffffffffffffffffffffff', ROOT_CONTEXT, 'search');
    expect(r.attributes![ATTR_TRACEWISE_SAMPLER]).toBe('Boost{factor=4}>rule[search]>HeadSampler{ratio=0.01, th=fd70a}');
    expect(outgoingOt(r)).toBe('th:f5c28'); // exactly 4x the probability of th:fd70a
    now = 1000;
    expect(within4Sigma(count('other'), 0.1)).toBe(true);
  });

  it('leaves parent decisions and deliberate drops alone', () => {
    const control = createSamplerControl(
      ruleSampler([{ name: 'health', spanName: 'health', sampler: alwaysOff() }], headSampler({ ratio: 0.1 })),
    );
    control.boost({ ratio: 1 }, 60_000);
    expect(keptSet(control.sampler, IDS.slice(0, 1000)).size).toBe(1000);
    // A drop rule stays a drop.
    expect(isSampled(decide(control.sampler, IDS[0], ROOT_CONTEXT, 'health'))).toBe(false);
    // A parent's "no" stays "no", so traces are never cut in half; its th stays.
    const ctx = parentContext({ traceId: IDS[0], sampled: false });
    expect(isSampled(decide(control.sampler, IDS[0], ctx))).toBe(false);
    const kept = parentContext({ traceId: 'ffffffffffffffffffffffffffffffff', sampled: true, traceState: 'ot=th:8' });
    const r = decide(control.sampler, 'ffffffffffffffffffffffffffffffff', kept);
    expect(r.traceState).toBeUndefined();
    expect(outgoingOt(r, kept)).toBe('th:8');
  });

  it('boosts root spans a foreign sampler drops', () => {
    const control = createSamplerControl(new AlwaysOffSampler());
    control.boost({ ratio: 0.5 }, 60_000);
    const n = keptSet(control.sampler).size;
    expect(Math.abs(n - 50_000)).toBeLessThanOrEqual(4 * Math.sqrt(25_000));
  });

  it('rejects bad boosts', () => {
    const control = createSamplerControl(headSampler({ ratio: 0.1 }));
    expect(() => control.boost({ ratio: 2 }, 1000)).toThrow('`boost.ratio`');
    expect(() => control.boost({ factor: 0.5 }, 1000)).toThrow('`boost.factor`');
    expect(() => control.boost({ ratio: 0.5, factor: 2 } as never, 1000)).toThrow('`boost`');
    expect(() => control.boost({ ratio: 0.5 }, 0)).toThrow('`durationMs`');
  });

  it('does not keep the process alive (no timer): the boost is checked lazily', () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const control = createSamplerControl(headSampler({ ratio: 0.1 }));
    control.boost({ ratio: 1 }, 3_600_000);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    expect(isSampled(control.sampler.shouldSample(ROOT_CONTEXT, IDS[1], 'x', SpanKind.SERVER, {}, []))).toBe(true);
  });
});

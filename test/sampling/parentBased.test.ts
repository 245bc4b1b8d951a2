import { describe, it, expect } from 'vitest';
import { TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { ATTR_TRACEWISE_SAMPLER, ATTR_TRACEWISE_SAMPLING_PROBABILITY } from '../../src/sampling/attributes.js';
import { alwaysOff } from '../../src/sampling/alwaysOff.js';
import { alwaysOn } from '../../src/sampling/alwaysOn.js';
import { headSampler } from '../../src/sampling/headSampler.js';
import { parentBased } from '../../src/sampling/parentBased.js';
import { rateLimitingSampler } from '../../src/sampling/rateLimitingSampler.js';
import { adaptiveSampler } from '../../src/sampling/adaptiveSampler.js';
import { ruleSampler } from '../../src/sampling/ruleSampler.js';
import { decide, isSampled, loadVectors, outgoingOt, parentContext } from './helpers.js';

const V = loadVectors();
const HIGH = 'ffffffffffffffffffc0000000000000'; // R = 0xc0000000000000 (>= th:8, < th:e)
const LOW = 'ffffffffffffffffff10000000000000'; // R = 0x10000000000000 (< th:8)

describe('parentBased: following the parent', () => {
  const pb = parentBased(headSampler({ ratio: 0.5, parentBased: false }));

  it('decides roots with the root sampler', () => {
    expect(isSampled(decide(pb, HIGH))).toBe(true);
    expect(isSampled(decide(pb, LOW))).toBe(false);
  });

  it.each([true, false])('follows the sampled flag of a parent without th (remote=%s), without writing th', (remote) => {
    const yes = parentContext({ traceId: LOW, sampled: true, remote });
    const r = decide(pb, LOW, yes);
    expect(isSampled(r)).toBe(true);
    expect(outgoingOt(r, yes)).toBeUndefined();
    expect(r.attributes).toEqual({ [ATTR_TRACEWISE_SAMPLER]: pb.toString() });
    const no = parentContext({ traceId: HIGH, sampled: false, remote });
    expect(isSampled(decide(pb, HIGH, no))).toBe(false);
  });

  it.each([true, false])('keeps a consistent parent th unchanged and reports its probability (remote=%s)', (remote) => {
    const ctx = parentContext({ traceId: HIGH, sampled: true, remote, traceState: 'ot=th:8,v=1' });
    const r = decide(pb, HIGH, ctx);
    expect(isSampled(r)).toBe(true);
    expect(r.traceState).toBeUndefined(); // the tracer keeps the parent's tracestate as is
    expect(r.attributes![ATTR_TRACEWISE_SAMPLING_PROBABILITY]).toBe(0.5);
    // ...even when it differs from this service's own ratio: the parent decided.
    const strict = parentBased(headSampler({ ratio: 0.01, parentBased: false }));
    const r2 = decide(strict, HIGH, ctx);
    expect(isSampled(r2)).toBe(true);
    expect(outgoingOt(r2, ctx)).toBe('th:8');
  });

  it.each([true, false])('erases th when the sampled flag contradicts R >= th (remote=%s)', (remote) => {
    // Sampled, but R < T: the flag wins, th would be a lie.
    const c1 = parentContext({ traceId: LOW, sampled: true, remote, traceState: 'ot=th:8;rv:10000000000000;k:v,v=1' });
    const r1 = decide(pb, LOW, c1);
    expect(isSampled(r1)).toBe(true);
    expect(r1.traceState!.get('ot')).toBe('rv:10000000000000;k:v');
    expect(r1.traceState!.get('v')).toBe('1');
    expect(r1.attributes![ATTR_TRACEWISE_SAMPLING_PROBABILITY]).toBeUndefined();
    // Not sampled, but R >= T.
    const c2 = parentContext({ traceId: HIGH, sampled: false, remote, traceState: 'ot=th:8' });
    const r2 = decide(pb, HIGH, c2);
    expect(isSampled(r2)).toBe(false);
    expect(outgoingOt(r2, c2)).toBeUndefined();
  });

  it('judges contradictions with rv when present, not with the trace ID', () => {
    const ctx = parentContext({ traceId: LOW, sampled: true, traceState: 'ot=th:8;rv:c0000000000000' });
    const r = decide(pb, LOW, ctx);
    expect(isSampled(r)).toBe(true);
    expect(r.traceState).toBeUndefined();
  });

  it('treats a malformed parent th as absent: follows the flag, no th', () => {
    const ctx = parentContext({ traceId: LOW, sampled: true, traceState: 'ot=th:xyz' });
    const r = decide(pb, LOW, ctx);
    expect(isSampled(r)).toBe(true);
    expect(r.attributes![ATTR_TRACEWISE_SAMPLING_PROBABILITY]).toBeUndefined();
  });

  it('followThreshold decides by R >= th and ignores the flag', () => {
    const f = parentBased(alwaysOff(), { followThreshold: true });
    const ctx = parentContext({ traceId: HIGH, sampled: false, traceState: 'ot=th:8' });
    const r = decide(f, HIGH, ctx);
    expect(isSampled(r)).toBe(true);
    expect(outgoingOt(r, ctx)).toBe('th:8');
    expect(f.toString()).toBe('ParentBased{root=AlwaysOffSampler, followThreshold=true}');
  });

  it('wraps a foreign root sampler: its kept spans get provenance and no th', () => {
    const f = parentBased(new TraceIdRatioBasedSampler(1));
    const r = decide(f, HIGH);
    expect(isSampled(r)).toBe(true);
    expect(r.attributes).toEqual({ [ATTR_TRACEWISE_SAMPLER]: 'TraceIdRatioBased{1}' });
    expect(r.traceState).toBeUndefined();
  });
});

describe('parentBased: composite-sampler vectors', () => {
  const common = V.composite_sampler_cases.common;
  const build = (name: string) => {
    if (name === 'AlwaysOn') return alwaysOn();
    if (name.startsWith('AlwaysOff')) return alwaysOff();
    if (name === 'ParentThreshold(AlwaysOn)') return parentBased(alwaysOn(), { followThreshold: true });
    const ratio = Number(/Probability\(([\d.]+)\)/.exec(name)![1]);
    return headSampler({ ratio, parentBased: false });
  };

  it.each(V.composite_sampler_cases.cases as any[])('$sampler, parent sampled=$parent_sampled ot=$parent_ot', (c) => {
    const ctx = parentContext({
      traceId: common.trace_id,
      sampled: c.parent_sampled,
      traceState: c.parent_ot === null ? undefined : `ot=${c.parent_ot}`,
    });
    const r = decide(build(c.sampler), common.trace_id, ctx);
    expect(isSampled(r)).toBe(c.expect.sampled);
    expect(outgoingOt(r, ctx) ?? null).toBe(c.expect.ot);
  });

  it('the vector case "parent not sampled, th says keep" is a contradiction by default: flag wins, th erased', () => {
    const c = V.composite_sampler_cases.cases.find((x: any) => x.sampler === 'ParentThreshold(AlwaysOn)' && !x.parent_sampled);
    const ctx = parentContext({ traceId: common.trace_id, sampled: false, traceState: `ot=${c.parent_ot}` });
    const r = decide(parentBased(alwaysOn()), common.trace_id, ctx);
    expect(isSampled(r)).toBe(false);
    expect(outgoingOt(r, ctx)).toBe('rv:7f99aa40c02744');
  });
});

describe('parentBased: the default wrapper', () => {
  const sampledParent = parentContext({ traceId: LOW, sampled: true });
  const clock = () => 0;
  const factories = {
    headSampler: (pb?: boolean) => headSampler({ ratio: 0, parentBased: pb }),
    rateLimitingSampler: (pb?: boolean) => rateLimitingSampler({ tracesPerSecond: 1e-9, burst: 1, clock, parentBased: pb }),
    adaptiveSampler: (pb?: boolean) => adaptiveSampler({ targetTracesPerSecond: 1, maxRatio: 0, clock, parentBased: pb }),
    ruleSampler: (pb?: boolean) => ruleSampler([], alwaysOff(), { parentBased: pb }),
  };

  it.each(Object.entries(factories))('%s is parent-based unless parentBased: false', (_name, make) => {
    // Each of these drops every root span (ratio 0 / empty bucket / max ratio 0 / always off).
    expect(make().toString().startsWith('ParentBased{root=')).toBe(true);
    expect(isSampled(decide(make(), LOW, sampledParent))).toBe(true);
    expect(make(false).toString().startsWith('ParentBased')).toBe(false);
    const bare = make(false);
    decide(bare, LOW); // uses the burst token where there is one
    expect(isSampled(decide(bare, LOW, sampledParent))).toBe(false);
  });

  it('parentBased(parentBased(x)) is parentBased(x)', () => {
    expect(parentBased(headSampler({ ratio: 0.1 })).toString()).toBe('ParentBased{root=HeadSampler{ratio=0.1, th=e666}}');
  });
});

describe('never throws, whatever it is given', () => {
  it('treats an invalid parent span context as no parent (like the tracer)', async () => {
    const { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, trace } = await import('@opentelemetry/api');
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { ...INVALID_SPAN_CONTEXT, traceFlags: 1, traceState: undefined });
    const pb = parentBased(alwaysOff());
    expect(isSampled(decide(pb, HIGH, ctx))).toBe(false); // a valid sampled parent would be followed
    const garbage = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'x'.repeat(32), spanId: 'y'.repeat(16), traceFlags: 1 });
    expect(isSampled(decide(pb, HIGH, garbage))).toBe(false);
  });

  it('every sampler survives contract-breaking arguments', async () => {
    const { ROOT_CONTEXT } = await import('@opentelemetry/api');
    const { createSamplerControl } = await import('../../src/sampling/samplerControl.js');
    const rules = ruleSampler(
      [{ spanName: /x/, attributes: { a: /1/ }, parent: 'remote', sampler: alwaysOn() }],
      headSampler({ ratio: 0.5 }),
      { parentBased: false },
    );
    const samplers = [
      headSampler({ ratio: 0.5 }),
      rateLimitingSampler({ tracesPerSecond: 10, clock: () => NaN }),
      adaptiveSampler({ targetTracesPerSecond: 10, clock: () => NaN }),
      rules,
      createSamplerControl(rules).sampler,
      parentBased(new TraceIdRatioBasedSampler(0.5)),
    ];
    const args: unknown[][] = [
      [ROOT_CONTEXT, undefined, undefined, undefined, undefined, undefined],
      [ROOT_CONTEXT, 'short', 5, 99, { a: [null, 1] }, []],
      [parentContext({ traceId: HIGH, sampled: true, traceState: 'ot=th:;;,x=%%' }), HIGH, 'x', 1, { a: {} }, []],
    ];
    for (const s of samplers) {
      for (const a of args) expect(() => (s.shouldSample as (...x: unknown[]) => unknown)(...a)).not.toThrow();
    }
  });
});

import { readFileSync } from 'node:fs';
import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { B3_DEBUG_FLAG_KEY, createPropagator } from '../../src/propagation/index.js';

// CI clones the repo with shared/ beside it: <repo>/../shared/vectors.
const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/b3.json', import.meta.url), 'utf8')) as {
  extract: { name: string; headers: Record<string, string>; expect: null | { trace_id: string; span_id: string; sampled: boolean; debug?: boolean } }[];
  inject: { name: string; encoding: 'single' | 'multi'; span: { trace_id: string; span_id: string; sampled: boolean }; debug?: boolean; want: Record<string, string>; absent: string[] }[];
};

const single = createPropagator(['b3']);
const multi = createPropagator(['b3multi']);

describe('B3 vectors: extract', () => {
  it('has the vectors', () => expect(vectors.extract.length).toBeGreaterThan(40));

  // Both variants must extract both encodings (OTel spec for B3).
  for (const [label, propagator] of [['b3', single], ['b3multi', multi]] as const) {
    for (const v of vectors.extract) {
      it(`${label}: ${v.name}`, () => {
        const ctx = propagator.extract(ROOT_CONTEXT, v.headers, defaultTextMapGetter);
        const sc = trace.getSpanContext(ctx);
        if (v.expect === null) {
          expect(sc).toBeUndefined();
          return;
        }
        expect(sc).toMatchObject({ traceId: v.expect.trace_id, spanId: v.expect.span_id, isRemote: true });
        expect((sc!.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED).toBe(v.expect.sampled);
        const debug = ctx.getValue(B3_DEBUG_FLAG_KEY);
        if (v.expect.debug) expect(['1', 'd']).toContain(debug);
        else expect(debug).toBeUndefined();
      });
    }
  }
});

describe('B3 vectors: inject', () => {
  for (const v of vectors.inject) {
    // A debug flag may come from either encoding's extractor ('1' multi, 'd' single): both must work.
    for (const debug of v.debug ? ['1', 'd'] : [undefined]) {
      it(`${v.name}${debug ? ` (debug stored as '${debug}')` : ''}`, () => {
        let ctx = trace.setSpanContext(ROOT_CONTEXT, {
          traceId: v.span.trace_id,
          spanId: v.span.span_id,
          traceFlags: v.span.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
        });
        if (debug) ctx = ctx.setValue(B3_DEBUG_FLAG_KEY, debug);
        const carrier: Record<string, string> = {};
        (v.encoding === 'multi' ? multi : single).inject(ctx, carrier, defaultTextMapSetter);
        expect(carrier).toMatchObject(v.want);
        for (const k of v.absent) expect(carrier).not.toHaveProperty(k);
        if (Object.keys(v.want).length === 0) expect(carrier).toEqual({});
      });
    }
  }

  it('round-trips debug across encodings (single in, multi out and back)', () => {
    const inCtx = single.extract(ROOT_CONTEXT, { b3: '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-d' }, defaultTextMapGetter);
    const out: Record<string, string> = {};
    multi.inject(inCtx, out, defaultTextMapSetter);
    expect(out['x-b3-flags']).toBe('1');
    const back: Record<string, string> = {};
    single.inject(multi.extract(ROOT_CONTEXT, out, defaultTextMapGetter), back, defaultTextMapSetter);
    expect(back.b3).toBe('4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-d');
  });

  it('takes the first of repeated header values', () => {
    const ctx = single.extract(ROOT_CONTEXT, { b3: ['4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1', 'garbage'] }, defaultTextMapGetter);
    expect(trace.getSpanContext(ctx)?.spanId).toBe('00f067aa0ba902b7');
  });
});

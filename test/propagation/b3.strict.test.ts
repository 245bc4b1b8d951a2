import { ROOT_CONTEXT, defaultTextMapGetter, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPropagator } from '../../src/propagation/index.js';

// The B3 grammar as a plain regex, as a reference for the hand-rolled checks in b3Propagator.ts.
const SINGLE = /^(?:[0-9a-f]{16}|[0-9a-f]{32})-[0-9a-f]{16}(?:-[01d](?:-[0-9a-f]{16})?)?$/;
const ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const SPAN = /^[0-9a-f]{16}$/;

const p = createPropagator(['b3']);
const chars = fc.constantFrom(...'0123456789abcdefABCDEF-dtq1 '.split(''));
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: n, maxLength: n });
/** Mostly near-valid headers: valid parts with random edits, so both outcomes are common. */
const nearSingle = fc
  .tuple(fc.oneof(hex(16), hex(32)), hex(16), fc.constantFrom('', '-0', '-1', '-d', '-x', '-10'), fc.constantFrom('', '-00000000000000cd', '-cd'), fc.string({ unit: chars, maxLength: 3 }), fc.nat(60))
  .map(([t, s, f, ps, junk, at]) => {
    const v = `${t}-${s}${f}${f ? ps : ''}`;
    return at % 3 === 0 ? v : v.slice(0, at) + junk + v.slice(at + junk.length);
  });

function extracted(headers: Record<string, string>): boolean {
  return trace.getSpanContext(p.extract(ROOT_CONTEXT, headers, defaultTextMapGetter)) !== undefined;
}

describe('strict B3 parsing matches the grammar', () => {
  it('single header', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(nearSingle, fc.string({ unit: chars, maxLength: 70 })), (b3) => {
        const allZero = /^0+-/.test(b3) || /^[0-9a-f]+-0{16}(?:-|$)/.test(b3);
        const ok = extracted({ b3 });
        expect(ok).toBe(SINGLE.test(b3) && !allZero);
        if (ok) accepted++;
      }),
      { numRuns: 2000 },
    );
    // The generator must exercise both outcomes to mean anything.
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(1800);
  });

  it('multi headers', () => {
    fc.assert(
      fc.property(fc.oneof(hex(16), hex(32), fc.string({ unit: chars, maxLength: 34 })), fc.oneof(hex(16), fc.string({ unit: chars, maxLength: 18 })), (t, s) => {
        const valid = ID.test(t) && SPAN.test(s) && !/^0+$/.test(t) && !/^0+$/.test(s);
        expect(extracted({ 'x-b3-traceid': t, 'x-b3-spanid': s })).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});

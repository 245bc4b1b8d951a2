import { describe, expect, it } from 'vitest';
import { main, REQUESTS } from '../../examples/custom-sampler/index.js';
import { expectChildOf, KIND, one } from './spanQueries.js';

describe('examples/custom-sampler', () => {
  it('keeps every checkout with its children, no static file, and a share of the rest', async () => {
    const spans = await main({ log: () => {} });
    const roots = spans.filter((s) => s.parentSpanId === '');
    expect(roots.every((s) => s.kind === KIND.SERVER)).toBe(true);

    const checkouts = roots.filter((s) => s.name === 'POST /checkout');
    expect(checkouts).toHaveLength(REQUESTS['/checkout']);
    for (const c of checkouts) {
      expect(c.attributes['sampling.rule']).toBe('/checkout');
      expect(c.attributes['tracewise.sampler']).toMatch(/^ParentBased{root=RouteSampler{\/checkout=1,\/static\/=0,fallback=0.25}/);
      // parent-based: the call to /price and its server span are kept with the checkout
      const call = one(spans, (s) => s.kind === KIND.CLIENT && s.traceId === c.traceId, 'the /price call');
      expectChildOf(call, c);
      const price = one(spans, (s) => s.name === 'GET /price' && s.traceId === c.traceId, 'the /price server span');
      expectChildOf(price, call);
      expect(price.attributes['sampling.rule']).toBeUndefined(); // decided by its parent, not by a rule
    }
    expect(spans.some((s) => String(s.attributes['url.path']).startsWith('/static/'))).toBe(false);
    const products = roots.filter((s) => s.name === 'GET /products');
    expect(products.every((s) => s.attributes['sampling.rule'] === 'fallback')).toBe(true);
    // 25% of 20: fewer than all of them (all 20 kept would happen once in 10^12 runs)
    expect(products.length).toBeLessThan(REQUESTS['/products']);
    expect(spans).toHaveLength(checkouts.length * 3 + products.length);
  });
});

import { describe, it, expect } from 'vitest';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace-base';
import { traceIds } from '../../bench/harness.js';
import { InvalidConfigError } from '../../src/errors.js';
import { ATTR_TRACEWISE_SAMPLER, ATTR_TRACEWISE_SAMPLING_PROBABILITY } from '../../src/sampling/attributes.js';
import { alwaysOff } from '../../src/sampling/alwaysOff.js';
import { alwaysOn } from '../../src/sampling/alwaysOn.js';
import { headSampler } from '../../src/sampling/headSampler.js';
import { ruleSampler } from '../../src/sampling/ruleSampler.js';
import type { SamplingRule } from '../../src/sampling/samplingRule.js';
import { decide, isSampled, outgoingOt, parentContext } from './helpers.js';

const ID = 'ffffffffffffffffff10000000000000'; // R = 0x10000000000000: kept by ratio >= 15/16 only

/** Which rule decided (from the provenance attribute), or 'dropped'. */
function decidedBy(rules: SamplingRule[], span: { name?: string; kind?: SpanKind; attributes?: Record<string, unknown>; parent?: 'local' | 'remote' }) {
  const s = ruleSampler(rules, alwaysOn(), { parentBased: false });
  const ctx = span.parent ? parentContext({ traceId: ID, sampled: true, remote: span.parent === 'remote' }) : ROOT_CONTEXT;
  const r = decide(s, ID, ctx, span.name ?? 'span', span.kind ?? SpanKind.SERVER, (span.attributes ?? {}) as never);
  if (!isSampled(r)) return 'dropped';
  return /^rule\[([^\]]+)\]|^(fallback)/.exec(r.attributes![ATTR_TRACEWISE_SAMPLER] as string)!.slice(1).find(Boolean);
}

const on = alwaysOn();

describe('ruleSampler: matching', () => {
  it('span name: exact, glob and RegExp', () => {
    const rules: SamplingRule[] = [
      { name: 'exact', spanName: 'GET /health', sampler: on },
      { name: 'glob', spanName: 'GET /api/*/items', sampler: on },
      { name: 're', spanName: /^POST \/(orders|carts)$/, sampler: on },
    ];
    expect(decidedBy(rules, { name: 'GET /health' })).toBe('exact');
    expect(decidedBy(rules, { name: 'GET /healthz' })).toBe('fallback');
    expect(decidedBy(rules, { name: 'GET /api/v2/items' })).toBe('glob');
    expect(decidedBy(rules, { name: 'GET /api/a/b/items' })).toBe('glob'); // * spans slashes
    expect(decidedBy(rules, { name: 'GET /api/v2/items/1' })).toBe('fallback'); // anchored
    expect(decidedBy(rules, { name: 'POST /orders' })).toBe('re');
    expect(decidedBy(rules, { name: 'POST /ordersx' })).toBe('fallback');
  });

  it('glob metacharacters other than * are literal', () => {
    const rules: SamplingRule[] = [{ name: 'q', spanName: 'GET /a.b?(x)*', sampler: on }];
    expect(decidedBy(rules, { name: 'GET /a.b?(x)=1' })).toBe('q');
    expect(decidedBy(rules, { name: 'GET /aXb?(x)=1' })).toBe('fallback');
  });

  it('a global RegExp matches every time (no lastIndex state)', () => {
    const rules: SamplingRule[] = [{ name: 'g', spanName: /health/g, sampler: on }];
    for (let i = 0; i < 3; i++) expect(decidedBy(rules, { name: 'GET /health' })).toBe('g');
  });

  it('span kind: one or several', () => {
    const rules: SamplingRule[] = [
      { name: 'server', spanKind: SpanKind.SERVER, sampler: on },
      { name: 'messaging', spanKind: [SpanKind.PRODUCER, SpanKind.CONSUMER], sampler: on },
    ];
    expect(decidedBy(rules, { kind: SpanKind.SERVER })).toBe('server');
    expect(decidedBy(rules, { kind: SpanKind.CONSUMER })).toBe('messaging');
    expect(decidedBy(rules, { kind: SpanKind.CLIENT })).toBe('fallback');
  });

  it('attributes: exact values (string, number, boolean), globs, RegExp, arrays; all must match', () => {
    const rules: SamplingRule[] = [
      { name: 'both', attributes: { 'http.route': '/checkout', 'http.request.method': 'POST' }, sampler: on },
      { name: 'status', attributes: { 'http.response.status_code': 503 }, sampler: on },
      { name: 'flag', attributes: { 'app.debug': true }, sampler: on },
      { name: 'glob', attributes: { 'url.path': '/static/*' }, sampler: on },
      { name: 're', attributes: { 'user.id': /^admin-\d+$/ }, sampler: on },
      { name: 'num-re', attributes: { 'retry.count': /^[3-9]$/ }, sampler: on },
      { name: 'array', attributes: { tags: 'vip' }, sampler: on },
    ];
    expect(decidedBy(rules, { attributes: { 'http.route': '/checkout', 'http.request.method': 'POST' } })).toBe('both');
    expect(decidedBy(rules, { attributes: { 'http.route': '/checkout', 'http.request.method': 'GET' } })).toBe('fallback');
    expect(decidedBy(rules, { attributes: { 'http.route': '/checkout' } })).toBe('fallback');
    expect(decidedBy(rules, { attributes: { 'http.response.status_code': 503 } })).toBe('status');
    expect(decidedBy(rules, { attributes: { 'http.response.status_code': '503' } })).toBe('fallback'); // exact means ===
    expect(decidedBy(rules, { attributes: { 'app.debug': true } })).toBe('flag');
    expect(decidedBy(rules, { attributes: { 'url.path': '/static/app.js' } })).toBe('glob');
    expect(decidedBy(rules, { attributes: { 'user.id': 'admin-42' } })).toBe('re');
    expect(decidedBy(rules, { attributes: { 'user.id': 'admin-x' } })).toBe('fallback');
    expect(decidedBy(rules, { attributes: { 'retry.count': 4 } })).toBe('num-re');
    expect(decidedBy(rules, { attributes: { tags: ['new', 'vip'] } })).toBe('array');
    expect(decidedBy(rules, { attributes: { tags: ['new'] } })).toBe('fallback');
  });

  it('parent: none, local, remote (needs parentBased: false to see spans with a parent)', () => {
    const rules: SamplingRule[] = [
      { name: 'root', parent: 'none', sampler: on },
      { name: 'local', parent: 'local', sampler: on },
      { name: 'remote', parent: ['remote'], sampler: on },
    ];
    expect(decidedBy(rules, {})).toBe('root');
    expect(decidedBy(rules, { parent: 'local' })).toBe('local');
    expect(decidedBy(rules, { parent: 'remote' })).toBe('remote');
  });

  it('the first matching rule wins; unnamed rules are labelled by index', () => {
    const rules: SamplingRule[] = [
      { spanName: 'a', sampler: on },
      { name: 'second', spanName: 'a', sampler: alwaysOff() },
    ];
    expect(decidedBy(rules, { name: 'a' })).toBe('#0');
  });
});

describe('ruleSampler: typical use', () => {
  const sampler = ruleSampler(
    [
      { name: 'health', spanName: 'GET /health*', sampler: alwaysOff() },
      { name: 'checkout', attributes: { 'http.route': '/checkout' }, sampler: alwaysOn() },
      { name: 'search', attributes: { 'http.route': /^\/search/ }, sampler: headSampler({ ratio: 0.01 }) },
    ],
    headSampler({ ratio: 0.1 }),
  );
  const ids = traceIds(100_000, 77);
  const count = (name: string, route: string) =>
    ids.filter((id) => isSampled(decide(sampler, id, ROOT_CONTEXT, name, SpanKind.SERVER, { 'http.route': route }))).length;

  it('drops health checks, keeps all of /checkout, 1% of /search, 10% of the rest (100k traces each, 4σ)', () => {
    expect(count('GET /healthz', '/healthz')).toBe(0);
    expect(count('POST /checkout', '/checkout')).toBe(100_000);
    const within4Sigma = (n: number, p: number) => Math.abs(n - 100_000 * p) <= 4 * Math.sqrt(100_000 * p * (1 - p));
    expect(within4Sigma(count('GET /search', '/search'), 0.0100002)).toBe(true);
    expect(within4Sigma(count('GET /cart', '/cart'), 0.100006103515625)).toBe(true);
  });

  it('names the rule and the effective probability on kept spans, with th', () => {
    const r = decide(sampler, 'ffffffffffffffffffffffffffffffff', ROOT_CONTEXT, 'GET /search', SpanKind.SERVER, { 'http.route': '/search' });
    expect(r.attributes).toEqual({
      [ATTR_TRACEWISE_SAMPLER]: 'rule[search]>HeadSampler{ratio=0.01, th=fd70a}',
      [ATTR_TRACEWISE_SAMPLING_PROBABILITY]: 0.010000228881835938,
    });
    expect(outgoingOt(r)).toBe('th:fd70a');
    const f = decide(sampler, 'ffffffffffffffffffffffffffffffff', ROOT_CONTEXT, 'GET /x', SpanKind.SERVER, {});
    expect(f.attributes![ATTR_TRACEWISE_SAMPLER]).toBe('fallback>HeadSampler{ratio=0.1, th=e666}');
    // Precomputed: the same result object for every kept span of a rule.
    expect(decide(sampler, 'fffffffffffffffffffffffffffffff0', ROOT_CONTEXT, 'GET /x', SpanKind.SERVER, {})).toBe(f);
  });

  it('describes its rules (parent-based wrappers of rule samplers are redundant and unwrapped)', () => {
    expect(sampler.toString()).toBe(
      'ParentBased{root=RuleSampler{rules=[' +
        'rule[health]{spanName="GET /health*"}=AlwaysOffSampler, ' +
        'rule[checkout]{http.route="/checkout"}=AlwaysOnSampler, ' +
        'rule[search]{http.route=/^\\/search/}=HeadSampler{ratio=0.01, th=fd70a}], ' +
        'fallback=HeadSampler{ratio=0.1, th=e666}}}',
    );
  });

  it('follows parents by default: a dropped health-check rule does not cut a sampled trace', () => {
    const ctx = parentContext({ traceId: ID, sampled: true });
    expect(isSampled(decide(sampler, ID, ctx, 'GET /health', SpanKind.SERVER, {}))).toBe(true);
  });

  it('accepts foreign samplers in rules', () => {
    const s = ruleSampler([{ name: 'sdk', spanName: 'x', sampler: new AlwaysOnSampler() }], alwaysOff());
    const r = decide(s, ID, ROOT_CONTEXT, 'x');
    expect(isSampled(r)).toBe(true);
    expect(r.attributes![ATTR_TRACEWISE_SAMPLER]).toBe('rule[sdk]>AlwaysOnSampler');
    expect(r.traceState).toBeUndefined();
  });
});

describe('ruleSampler: configuration errors', () => {
  it.each([
    [[{ spanName: 'x' }], 'rules[0].sampler'],
    [[{ spanName: 5, sampler: on }], 'rules[0].spanName'],
    [[{ spanKind: 9, sampler: on }], 'rules[0].spanKind'],
    [[{ parent: 'child', sampler: on }], 'rules[0].parent'],
    [[{ attributes: { a: null }, sampler: on }], 'rules[0].attributes.a'],
    [[{ name: '', sampler: on }], 'rules[0].name'],
    [[{ spanname: 'x', sampler: on }], 'rules[0].spanname'],
    [{}, 'rules'],
  ])('%j names `%s`', (rules, option) => {
    expect(() => ruleSampler(rules as never, on)).toThrow(InvalidConfigError);
    expect(() => ruleSampler(rules as never, on)).toThrow(`\`${option}\``);
  });

  it('requires a fallback sampler', () => {
    expect(() => ruleSampler([], undefined as never)).toThrow('`fallback`');
  });
});

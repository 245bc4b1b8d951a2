import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { InvalidConfigError } from '../errors.js';
import { asComposable } from './asComposable.js';
import { ComposableSampler, type SpanInput } from './composableSampler.js';
import { relabel, type Intent } from './intent.js';
import { maybeParentBased, ParentBasedSampler } from './parentBased.js';
import {
  attributesMatch,
  compileRule,
  PARENT_LOCAL,
  PARENT_NONE,
  PARENT_REMOTE,
  type CompiledRule,
  type SamplingRule,
} from './samplingRule.js';
import { checkObject, checkSampler } from './validation.js';

export interface RuleSamplerOptions {
  /**
   * Wrap in parentBased() (default true). Only spans without a parent then reach the rules,
   * so `parent: 'local' | 'remote'` matchers need `parentBased: false`.
   */
  parentBased?: boolean;
}

/**
 * The first rule whose matchers all match picks the sampler; otherwise `fallback` decides.
 * Kept spans name the rule in `tracewise.sampler` (`rule[<name or #index>]>…`).
 *
 *     ruleSampler([
 *       { name: 'health', spanName: 'GET /health*', sampler: alwaysOff() },
 *       { name: 'checkout', attributes: { 'http.route': '/checkout' }, sampler: alwaysOn() },
 *       { name: 'search', attributes: { 'http.route': /^\/search/ }, sampler: headSampler({ ratio: 0.01 }) },
 *     ], headSampler({ ratio: 0.1 }))
 */
export function ruleSampler(rules: readonly SamplingRule[], fallback: Sampler, options: RuleSamplerOptions = {}): Sampler {
  if (!Array.isArray(rules)) {
    throw new InvalidConfigError('rules', 'expected an array of rules', 'Pass e.g. [{ spanName: "GET /health", sampler: alwaysOff() }].');
  }
  checkSampler('fallback', fallback);
  const o = checkObject('options', options, ['parentBased']);
  const wrapped = o.parentBased !== false;
  // Under the default parent-based wrapper rules only ever see root spans, so a parent-based
  // wrapper around a rule's sampler is redundant: unwrap it (same decisions, shorter labels).
  const node = (s: Sampler) => (wrapped && s instanceof ParentBasedSampler ? s.root : asComposable(s));
  const compiled = rules.map((rule, i) => {
    const c = compileRule(rule, i);
    return { ...c, target: new Labelled(c.label, node(rule.sampler)) };
  });
  return maybeParentBased(new RuleSampler(compiled, new Labelled('fallback', node(fallback))), o.parentBased);
}

/** A sampler under a label; the relabelled intent is cached per inner intent. */
class Labelled {
  private lastInner: Intent | undefined;
  private lastOuter: Intent | undefined;

  constructor(
    readonly label: string,
    readonly sampler: ComposableSampler,
  ) {}

  relabel(inner: Intent): Intent {
    // Static samplers return one intent forever; adaptive ones a new one a few times a second.
    if (inner !== this.lastInner) {
      this.lastOuter = relabel(inner, `${this.label}>${inner.description}`);
      this.lastInner = inner;
    }
    return this.lastOuter!;
  }
}

interface Rule extends CompiledRule {
  readonly target: Labelled;
}

class RuleSampler extends ComposableSampler {
  private readonly description: string;

  constructor(
    private readonly rules: readonly Rule[],
    private readonly fallback: Labelled,
  ) {
    super();
    const list = rules.map((r) => `${r.label}{${r.description}}=${r.target.sampler.toString()}`);
    this.description = `RuleSampler{rules=[${list.join(', ')}], fallback=${fallback.sampler.toString()}}`;
  }

  _decide(span: SpanInput): Intent {
    const parent = span.parent;
    const parentBit = parent === undefined ? PARENT_NONE : parent.isRemote ? PARENT_REMOTE : PARENT_LOCAL;
    const kindBit = 1 << span.spanKind;
    let target = this.fallback;
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i];
      // Cheapest checks first: bit masks, then string equality, then patterns.
      if ((r.parents & parentBit) === 0 || (r.kinds & kindBit) === 0) continue;
      if (r.nameExact !== undefined && span.spanName !== r.nameExact) continue;
      if (r.namePattern !== undefined && !r.namePattern.test(span.spanName)) continue;
      if (r.attributes.length !== 0 && !attributesMatch(r.attributes, span.attributes)) continue;
      target = r.target;
      break;
    }
    return target.relabel(target.sampler._decide(span));
  }

  toString(): string {
    return this.description;
  }
}

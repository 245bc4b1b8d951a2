import type { AttributeValue, Attributes, SpanKind } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { InvalidConfigError } from '../errors.js';
import { globMatcher, type TextMatcher } from './globMatcher.js';
import { checkObject, checkSampler } from './validation.js';

export type ParentKind = 'none' | 'local' | 'remote';

/**
 * An attribute matcher: a string, number or boolean matches that exact value (a string
 * containing `*` is a glob: `*` matches any run of characters); a RegExp is tested against the
 * value (numbers and booleans as strings). On array attributes any element may match.
 */
export type AttributeMatcher = string | number | boolean | RegExp;

export interface SamplingRule {
  /** Names the rule in `tracewise.sampler` (default: `#<index>`). */
  name?: string;
  /** Exact name, glob (`*` matches any run of characters; use a RegExp for a literal `*`) or RegExp. */
  spanName?: string | RegExp;
  spanKind?: SpanKind | readonly SpanKind[];
  /** Every listed attribute must be present and match. Only attributes given at span start are seen. */
  attributes?: Readonly<Record<string, AttributeMatcher>>;
  /** The parent: none (a root span), local (same process) or remote (propagated). */
  parent?: ParentKind | readonly ParentKind[];
  sampler: Sampler;
}

export const PARENT_NONE = 1;
export const PARENT_LOCAL = 2;
export const PARENT_REMOTE = 4;
const PARENT_BITS: Record<string, number> = { none: PARENT_NONE, local: PARENT_LOCAL, remote: PARENT_REMOTE };
const ALL_PARENTS = PARENT_NONE | PARENT_LOCAL | PARENT_REMOTE;
const KIND_NAMES = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const ALL_KINDS = 0b11111;

/** One attribute check: exact value or pattern. */
export interface AttributeCheck {
  readonly key: string;
  readonly exact: string | number | boolean | undefined;
  readonly pattern: TextMatcher | undefined;
}

/** A rule ready for the hot path: bit masks and precompiled patterns. */
export interface CompiledRule {
  readonly label: string;
  readonly parents: number;
  readonly kinds: number;
  readonly nameExact: string | undefined;
  readonly namePattern: TextMatcher | undefined;
  readonly attributes: readonly AttributeCheck[];
  readonly description: string;
}

const RULE_KEYS = ['name', 'spanName', 'spanKind', 'attributes', 'parent', 'sampler'];

export function compileRule(rule: SamplingRule, index: number): CompiledRule {
  const at = `rules[${index}]`;
  const r = checkObject(at, rule, RULE_KEYS) as Partial<SamplingRule>;
  checkSampler(`${at}.sampler`, r.sampler);
  if (r.name !== undefined && (typeof r.name !== 'string' || r.name === '')) {
    throw new InvalidConfigError(`${at}.name`, 'expected a non-empty string', 'Name the rule, e.g. "health-checks", or omit it.');
  }
  const parts: string[] = [];
  const name = compileString(`${at}.spanName`, r.spanName);
  if (r.spanName !== undefined) parts.push(`spanName=${show(r.spanName)}`);
  const kinds = r.spanKind === undefined ? ALL_KINDS : kindMask(`${at}.spanKind`, r.spanKind);
  if (r.spanKind !== undefined) parts.push(`spanKind=${maskNames(kinds, KIND_NAMES)}`);
  const parents = r.parent === undefined ? ALL_PARENTS : parentMask(`${at}.parent`, r.parent);
  if (r.parent !== undefined) parts.push(`parent=${maskNames(parents, ['none', 'local', 'remote'])}`);
  const attributes: AttributeCheck[] = [];
  if (r.attributes !== undefined) {
    if (typeof r.attributes !== 'object' || r.attributes === null || Array.isArray(r.attributes)) {
      throw new InvalidConfigError(`${at}.attributes`, 'expected an object of attribute matchers', 'Use e.g. { "http.route": "/checkout" }.');
    }
    for (const [key, m] of Object.entries(r.attributes)) {
      const c = compileString(`${at}.attributes.${key}`, m, true);
      attributes.push({ key, exact: c.exact, pattern: c.pattern });
      parts.push(`${key}=${show(m)}`);
    }
  }
  return {
    label: `rule[${r.name ?? `#${index}`}]`,
    parents,
    kinds,
    nameExact: name.exact as string | undefined,
    namePattern: name.pattern,
    attributes,
    description: parts.join(', '),
  };
}

/** Does `attributes` satisfy every check? */
export function attributesMatch(checks: readonly AttributeCheck[], attributes: Attributes): boolean {
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    const v = attributes[c.key];
    if (v === undefined || v === null) return false;
    if (Array.isArray(v) ? !v.some((e) => valueMatches(c, e)) : !valueMatches(c, v as AttributeValue)) return false;
  }
  return true;
}

function valueMatches(c: AttributeCheck, v: unknown): boolean {
  if (c.pattern === undefined) return v === c.exact;
  return v !== null && v !== undefined && c.pattern.test(typeof v === 'string' ? v : String(v));
}

function compileString(
  option: string,
  m: unknown,
  primitives = false,
): { exact: string | number | boolean | undefined; pattern: TextMatcher | undefined } {
  if (m === undefined) return { exact: undefined, pattern: undefined };
  if (m instanceof RegExp) {
    // test() on a global or sticky RegExp is stateful (lastIndex): strip those flags.
    return { exact: undefined, pattern: new RegExp(m.source, m.flags.replace(/[gy]/g, '')) };
  }
  if (typeof m === 'string') return m.includes('*') ? { exact: undefined, pattern: globMatcher(m) } : { exact: m, pattern: undefined };
  if (primitives && (typeof m === 'number' || typeof m === 'boolean')) return { exact: m, pattern: undefined };
  throw new InvalidConfigError(
    option,
    `expected a string${primitives ? ', number, boolean' : ''} or RegExp`,
    'Use an exact value, a glob such as "GET /api/*", or a RegExp.',
  );
}

function kindMask(option: string, value: unknown): number {
  const list = Array.isArray(value) ? value : [value];
  let mask = 0;
  for (const k of list) {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > 4) {
      throw new InvalidConfigError(option, `${String(k)} is not a SpanKind`, 'Use SpanKind.SERVER etc. from @opentelemetry/api.');
    }
    mask |= 1 << k;
  }
  return mask;
}

function parentMask(option: string, value: unknown): number {
  const list = Array.isArray(value) ? value : [value];
  let mask = 0;
  for (const p of list) {
    const bit = typeof p === 'string' ? PARENT_BITS[p] : undefined;
    if (bit === undefined) {
      throw new InvalidConfigError(option, `${JSON.stringify(p)} is not a parent kind`, 'Use "none", "local" or "remote".');
    }
    mask |= bit;
  }
  return mask;
}

function maskNames(mask: number, names: string[]): string {
  const on = names.filter((_, i) => (mask & (1 << i)) !== 0);
  return on.length === 1 ? on[0] : `[${on.join('|')}]`;
}

function show(m: unknown): string {
  return typeof m === 'string' ? JSON.stringify(m) : String(m);
}

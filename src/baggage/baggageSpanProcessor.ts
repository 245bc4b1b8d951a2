import { diag, propagation, type Attributes, type Context } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InvalidConfigError } from '../errors.js';

/** Which baggage keys may be copied into span attributes: a list, a prefix or a predicate. */
export type BaggageAllow = readonly string[] | { readonly prefix: string } | ((key: string) => boolean);

export const BAGGAGE_ALLOW_OPTION = 'baggage.allow';
/** Span attribute key for baggage key `k` is `baggage.<k>`. */
export const BAGGAGE_ATTRIBUTE_PREFIX = 'baggage.';

/**
 * A span processor that copies allowed baggage entries of the parent context into attributes
 * `baggage.<key>` when a span starts. Returns undefined when nothing is allowed (the default), so
 * the caller installs no processor at all and span start pays nothing.
 *
 * Why the default is none: baggage arrives from callers across trust boundaries and often carries
 * user or tenant identifiers; copying it into every span would ship that data to the tracing
 * backend without anyone deciding to.
 *
 * Throws InvalidConfigError for a malformed `allow` (construction time). `onStart` never throws:
 * a predicate that throws counts as "not allowed" (reported once through diag, key only).
 */
export function baggageSpanProcessor(allow: BaggageAllow | undefined): SpanProcessor | undefined {
  const rule = normalizeAllow(allow);
  if (!rule) return undefined;

  let predicateFailed = false;
  const allowed = (key: string): boolean => {
    try {
      return rule.predicate!(key) === true;
    } catch {
      if (!predicateFailed) {
        predicateFailed = true;
        diag.warn(`tracewise: the ${BAGGAGE_ALLOW_OPTION} predicate threw for key "${key}"; treating it as not allowed.`);
      }
      return false;
    }
  };

  return {
    onStart(span: Span, parentContext: Context): void {
      const baggage = propagation.getBaggage(parentContext);
      if (!baggage) return;
      try {
        const attributes: Attributes = {};
        let any = false;
        if (rule.keys) {
          // A short list: look the keys up rather than walking (and copying) every entry.
          for (const key of rule.keys) {
            const entry = baggage.getEntry(key);
            if (entry) {
              attributes[BAGGAGE_ATTRIBUTE_PREFIX + key] = entry.value;
              any = true;
            }
          }
        } else {
          for (const [key, entry] of baggage.getAllEntries()) {
            if (rule.prefix !== undefined ? key.startsWith(rule.prefix) : allowed(key)) {
              attributes[BAGGAGE_ATTRIBUTE_PREFIX + key] = entry.value;
              any = true;
            }
          }
        }
        if (any) span.setAttributes(attributes);
      } catch {
        // A foreign Baggage or Span implementation misbehaving must not break span start.
      }
    },
    onEnd() {},
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

interface AllowRule {
  keys?: readonly string[];
  prefix?: string;
  predicate?: (key: string) => boolean;
}

/** Normalises `allow` once; undefined means nothing is allowed. */
function normalizeAllow(allow: unknown): AllowRule | undefined {
  if (allow === undefined || allow === null) return undefined;
  if (typeof allow === 'function') return { predicate: allow as (key: string) => boolean };
  if (Array.isArray(allow)) {
    const keys = new Set<string>();
    for (const k of allow) {
      if (typeof k !== 'string' || k.trim() === '') {
        throw new InvalidConfigError(BAGGAGE_ALLOW_OPTION, 'every entry of the list must be a non-empty string', 'List baggage keys, e.g. `["tenant.tier"]`, or use `{ prefix }` or a predicate.');
      }
      keys.add(k.trim());
    }
    return keys.size === 0 ? undefined : { keys: [...keys] };
  }
  if (typeof allow === 'object' && typeof (allow as { prefix?: unknown }).prefix === 'string') {
    const prefix = (allow as { prefix: string }).prefix;
    if (prefix === '') {
      throw new InvalidConfigError(BAGGAGE_ALLOW_OPTION, 'an empty prefix would copy every baggage entry, including ones callers control', 'Use a real prefix such as `{ prefix: "app." }`, or a predicate `() => true` if you really mean every key.');
    }
    return { prefix };
  }
  throw new InvalidConfigError(BAGGAGE_ALLOW_OPTION, 'expected a list of keys, `{ prefix: string }` or a `(key) => boolean` predicate', 'See docs/baggage.md, "Baggage in span attributes".');
}

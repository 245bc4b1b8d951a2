import { InvalidConfigError } from '../errors.js';

/** The OTEL_PROPAGATORS values we implement. `b3` injects the single header, `b3multi` x-b3-*. */
export const PROPAGATOR_NAMES = ['tracecontext', 'baggage', 'b3', 'b3multi', 'none'] as const;
export type PropagatorName = (typeof PROPAGATOR_NAMES)[number];

export const DEFAULT_PROPAGATORS: readonly PropagatorName[] = Object.freeze(['tracecontext', 'baggage']);

const KNOWN: ReadonlySet<string> = new Set(PROPAGATOR_NAMES);

export function isPropagatorName(name: string): name is PropagatorName {
  return KNOWN.has(name);
}

/**
 * Checks propagator names given in code and returns them normalised (trimmed, lower-case,
 * duplicates removed, order kept). Throws InvalidConfigError: a typo here would silently break
 * trace continuity between services, which is far harder to notice than a startup error.
 */
export function validatePropagators(names: readonly unknown[]): PropagatorName[] {
  const fix = `Use some of ${PROPAGATOR_NAMES.map((n) => `'${n}'`).join(', ')}, e.g. ['tracecontext', 'baggage'].`;
  if (!Array.isArray(names)) {
    throw new InvalidConfigError('propagators', 'expected an array of propagator names', fix);
  }
  const out: PropagatorName[] = [];
  for (const raw of names) {
    const name = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (!isPropagatorName(name)) {
      throw new InvalidConfigError('propagators', `unknown propagator ${JSON.stringify(raw)}`, fix);
    }
    if (!out.includes(name)) out.push(name);
  }
  if (out.length === 0) {
    throw new InvalidConfigError('propagators', 'the list is empty', "Use ['none'] to disable propagation explicitly.");
  }
  if (out.length > 1 && out.includes('none')) {
    throw new InvalidConfigError('propagators', "'none' cannot be combined with other propagators", "Use ['none'] alone to disable propagation, or remove 'none'.");
  }
  return out;
}

import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InvalidConfigError } from '../errors.js';
import { checkBoolean, checkClock, checkObject, checkPositive } from '../sampling/validation.js';

/** Bounds of the buffer holding the provisional spans of undecided local traces. */
export interface ForcingBufferOptions {
  /** Undecided local traces held at once; the oldest is evicted beyond. Default 10 000. */
  maxTraces?: number;
  /** Ended spans buffered per local trace; later ones are not buffered (`truncatedSpans`). Default 1 000. */
  maxSpansPerTrace?: number;
  /** Estimated bytes of buffered spans; the oldest traces are evicted beyond. Default 32 MiB. */
  maxBytes?: number;
  /** A local trace whose root has not ended this long after it started is decided. Default 30 000 ms. */
  traceTimeoutMs?: number;
  /** Remembered keep decisions (per trace ID) for other local parts of a kept trace. Default 10 000. */
  decisionCacheSize?: number;
  /** Milliseconds, for trace timeouts (tests inject one). Default `performance.now()`. */
  clock?: () => number;
}

/** What forcing keeps beyond the head sampler's own decision. */
export interface ForcingOptions {
  /** Keep a local trace when one of its spans has status ERROR or recorded an exception. Default true. */
  forceErrors?: boolean;
  /** Keep a local trace whose root (or any span, see `latencyScope`) lasts at least this long. Default off. */
  forceSlowerThanMs?: number;
  /** Whose duration `forceSlowerThanMs` looks at. Default `'root'`. */
  latencyScope?: 'root' | 'any';
  /** Keep a local trace when this returns true for one of its ended spans (e.g. HTTP status >= 500). */
  forceWhen?: (span: ReadableSpan) => boolean;
  buffer?: ForcingBufferOptions;
}

/** ForcingOptions checked and completed with defaults. */
export interface ResolvedForcingOptions {
  readonly forceErrors: boolean;
  /** Infinity when latency forcing is off. */
  readonly slowerThanMs: number;
  readonly latencyScope: 'root' | 'any';
  readonly forceWhen: ((span: ReadableSpan) => boolean) | undefined;
  readonly maxTraces: number;
  readonly maxSpansPerTrace: number;
  readonly maxBytes: number;
  readonly traceTimeoutMs: number;
  readonly decisionCacheSize: number;
  readonly clock: (() => number) | undefined;
}

export const FORCING_DEFAULTS = {
  forceErrors: true,
  latencyScope: 'root' as const,
  maxTraces: 10_000,
  maxSpansPerTrace: 1_000,
  maxBytes: 32 * 1024 * 1024,
  traceTimeoutMs: 30_000,
  decisionCacheSize: 10_000,
};

export const FORCING_KEYS = ['forceErrors', 'forceSlowerThanMs', 'latencyScope', 'forceWhen', 'buffer'] as const;
const BUFFER_KEYS = ['maxTraces', 'maxSpansPerTrace', 'maxBytes', 'traceTimeoutMs', 'decisionCacheSize', 'clock'];

/**
 * Throws InvalidConfigError naming `${prefix}.<field>` for a bad value. `known` lists the keys
 * the caller accepts (the config form also takes `head` and `ratio`).
 */
export function resolveForcingOptions(
  options: ForcingOptions,
  prefix: string,
  known: readonly string[] = FORCING_KEYS,
): ResolvedForcingOptions {
  const o = checkObject(prefix, options, known);
  const b = checkObject(`${prefix}.buffer`, o.buffer ?? {}, BUFFER_KEYS);
  const field = (name: string) => `${prefix}.${name}`;
  const scope = o.latencyScope ?? FORCING_DEFAULTS.latencyScope;
  if (scope !== 'root' && scope !== 'any') {
    throw new InvalidConfigError(field('latencyScope'), `expected "root" or "any", got ${String(scope)}`, 'Use "root" (the local root\'s duration) or "any" (any span\'s).');
  }
  if (o.forceWhen !== undefined && typeof o.forceWhen !== 'function') {
    throw new InvalidConfigError(field('forceWhen'), 'expected a function of the ended span', 'Pass e.g. (span) => Number(span.attributes["http.response.status_code"]) >= 500.');
  }
  const count = (name: string, min: number, fallback: number) =>
    b[name] === undefined ? fallback : checkInteger(field(`buffer.${name}`), b[name], min);
  return {
    forceErrors: checkBoolean(field('forceErrors'), o.forceErrors, FORCING_DEFAULTS.forceErrors),
    slowerThanMs:
      o.forceSlowerThanMs === undefined
        ? Infinity
        : checkPositive(field('forceSlowerThanMs'), o.forceSlowerThanMs, 'Pass milliseconds, e.g. 2000.', 0),
    latencyScope: scope,
    forceWhen: o.forceWhen as ResolvedForcingOptions['forceWhen'],
    maxTraces: count('maxTraces', 1, FORCING_DEFAULTS.maxTraces),
    maxSpansPerTrace: count('maxSpansPerTrace', 1, FORCING_DEFAULTS.maxSpansPerTrace),
    maxBytes: count('maxBytes', 1024, FORCING_DEFAULTS.maxBytes),
    traceTimeoutMs:
      b.traceTimeoutMs === undefined
        ? FORCING_DEFAULTS.traceTimeoutMs
        : checkPositive(field('buffer.traceTimeoutMs'), b.traceTimeoutMs, 'Pass milliseconds, e.g. 30000.'),
    decisionCacheSize: count('decisionCacheSize', 0, FORCING_DEFAULTS.decisionCacheSize),
    clock: b.clock === undefined ? undefined : checkClock(field('buffer.clock'), b.clock),
  };
}

function checkInteger(option: string, v: unknown, min: number): number {
  const n = checkPositive(option, v, `Pass a whole number >= ${min}.`, min);
  if (!Number.isInteger(n)) {
    throw new InvalidConfigError(option, `expected a whole number, got ${n}`, `Pass a whole number >= ${min}.`);
  }
  return n;
}

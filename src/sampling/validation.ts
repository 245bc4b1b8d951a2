import { InvalidConfigError } from '../errors.js';

/**
 * Factory-time option checks. They throw InvalidConfigError naming the field and the fix;
 * nothing here runs per span.
 */

/** Milliseconds; must be monotonic enough for rates (the default is `performance.now()`). */
export type Clock = () => number;

export const defaultClock: Clock = () => performance.now();

export function checkClock(option: string, clock: unknown): Clock {
  if (clock === undefined) return defaultClock;
  if (typeof clock !== 'function') {
    throw new InvalidConfigError(option, `expected a function returning milliseconds, got ${describe(clock)}`, 'Pass e.g. `() => performance.now()`, or omit it.');
  }
  return clock as Clock;
}

export function checkRatio(option: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidConfigError(option, `expected a probability in [0, 1], got ${describe(value)}`, 'Use e.g. 0.1 to keep 10% of traces.');
  }
  return value;
}

export function checkPrecision(option: string, value: unknown): number {
  if (value === undefined) return 4;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 14) {
    throw new InvalidConfigError(option, `expected an integer number of hex digits in [1, 14], got ${describe(value)}`, 'Omit it for the recommended 4 digits.');
  }
  return value;
}

/** A finite number > 0 (or >= `min` when given). */
export function checkPositive(option: string, value: unknown, fix: string, min?: number): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (min === undefined ? value > 0 : value >= min);
  if (!ok) {
    const expected = min === undefined ? 'a finite number > 0' : `a finite number >= ${min}`;
    throw new InvalidConfigError(option, `expected ${expected}, got ${describe(value)}`, fix);
  }
  return value as number;
}

export function checkBoolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new InvalidConfigError(option, `expected true or false, got ${describe(value)}`, `Omit it for ${fallback}.`);
  }
  return value;
}

export function checkObject(option: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    throw new InvalidConfigError(option, `expected an options object, got ${describe(value)}`, `Pass an object with ${allowed.join(', ')}.`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new InvalidConfigError(`${option}.${key}`, 'unknown option', `Known options: ${allowed.join(', ')}.`);
    }
  }
  return value as Record<string, unknown>;
}

export function checkSampler(option: string, value: unknown): void {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { shouldSample?: unknown }).shouldSample !== 'function'
  ) {
    throw new InvalidConfigError(option, `expected an OpenTelemetry Sampler, got ${describe(value)}`, 'Pass e.g. headSampler({ ratio: 0.1 }).');
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

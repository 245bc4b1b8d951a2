import type { HrTime, TimeInput } from '@opentelemetry/api';
import { isTimeInputHrTime } from '@opentelemetry/core';

/**
 * Times of provisional spans are kept as plain numbers, milliseconds on the `performance.now()`
 * scale, and turned into HrTime (`performance.timeOrigin` + that) only for spans that are kept:
 * most provisional spans are discarded, and an HrTime costs three array allocations.
 */
const origin = performance.timeOrigin;

/** A user-given time as `performance.now()`-scale milliseconds (the SDK's rules for numbers). */
export function perfMsOf(t: TimeInput): number {
  if (typeof t === 'number') return t <= performance.now() ? t : t - origin;
  if (t instanceof Date) return t.getTime() - origin;
  if (isTimeInputHrTime(t)) return (t[0] - Math.trunc(origin / 1000)) * 1000 + t[1] / 1e6 - (origin % 1000);
  return performance.now();
}

/** "Now" for a span whose start time was given by the user: wall clock, as the SDK does. */
export function wallNowPerfMs(): number {
  return Date.now() - origin;
}

const ORIGIN_S = Math.trunc(origin / 1000);
const ORIGIN_NS = Math.round((origin % 1000) * 1e6);

/**
 * `performance.timeOrigin + ms` as HrTime. Unlike core's hrTime(), correct for negative `ms`
 * too (a start time given before the process started).
 */
export function hrTimeOf(ms: number): HrTime {
  let s = ORIGIN_S + Math.trunc(ms / 1000);
  let ns = ORIGIN_NS + Math.round((ms % 1000) * 1e6);
  if (ns >= 1e9) {
    ns -= 1e9;
    s++;
  } else if (ns < 0) {
    ns += 1e9;
    s--;
  }
  return [s, ns];
}

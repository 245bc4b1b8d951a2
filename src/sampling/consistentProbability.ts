/**
 * The arithmetic of OpenTelemetry consistent probability sampling ("TraceState: Probability
 * Sampling"): a 56-bit rejection threshold T, a 56-bit randomness R, keep iff R >= T, and the
 * `th` / `rv` sub-keys of the `ot` tracestate member.
 *
 * 56-bit values do not fit exactly in a double (2^56 > 2^53), so:
 *  - on the hot path R and T are compared as 14-digit lowercase hex strings, character by
 *    character (exact, allocation-free, and usually decided by the first digit);
 *  - probability -> threshold conversion uses BigInt, which only runs when a sampler is built
 *    or re-tuned, never per span.
 */

const TWO_56 = 2n ** 56n;
const TWO_56_NUMBER = 2 ** 56;
const TWO_28 = 2 ** 28;

/** A rejection threshold T in [0, 2^56]; T = 2^56 ("never") cannot be encoded as `th`. */
export interface Threshold {
  /** T as 14 lowercase hex digits; `''` when `never`. */
  readonly t14: string;
  /** The `th` encoding: T without trailing zeros (`'0'` for T = 0); `''` when `never`. */
  readonly th: string;
  /** (2^56 − T) / 2^56: the probability that R >= T. */
  readonly probability: number;
  /** T = 2^56: nothing is ever kept. */
  readonly never: boolean;
}

function makeThreshold(t14: string, probability: number): Threshold {
  let end = t14.length;
  while (end > 1 && t14.charCodeAt(end - 1) === 48 /* '0' */) end--;
  return Object.freeze({ t14, th: t14.slice(0, end), probability, never: false });
}

/** T = 0: every trace is kept (`th:0`, probability 1). */
export const ALWAYS_THRESHOLD: Threshold = makeThreshold('00000000000000', 1);
/** T = 2^56: no trace is kept; never written as `th`. */
export const NEVER_THRESHOLD: Threshold = Object.freeze({ t14: '', th: '', probability: 0, never: true });

const frexpView = new DataView(new ArrayBuffer(8));

/** The exponent e of `x = f * 2^e` with f in [0.5, 1) (Go's math.Frexp), for normal x > 0. */
function frexpExponent(x: number): number {
  frexpView.setFloat64(0, x);
  return ((frexpView.getUint16(0) >>> 4) & 0x7ff) - 1022;
}

/**
 * The threshold for sampling probability `p` in [0, 1], rounded to `precision` significant hex
 * digits (1..14; 4 is the spec's recommended SDK default). Like the collector's
 * ProbabilityToThresholdWithPrecision, leading `0` digits (p near 1) and leading `f` digits
 * (p near 0) do not count toward the precision, so the relative error stays small at the extremes.
 * Probabilities that round to 0 at 56 bits (p < 2^-57) mean "never", as in the JS and Java SDKs.
 * The caller validates `p` and `precision`.
 */
export function thresholdFromProbability(p: number, precision = 4): Threshold {
  if (p >= 1) return ALWAYS_THRESHOLD;
  // Multiplying by a power of two is exact; Math.round only matters below 2^53.
  const scaled = Math.round(p * TWO_56_NUMBER);
  if (!(scaled > 0)) return NEVER_THRESHOLD;
  let t = TWO_56 - BigInt(scaled);
  const digits = Math.min(
    14,
    Math.max(
      precision + Math.floor(-frexpExponent(p) / 4),
      precision + Math.floor(-frexpExponent(1 - p) / 4),
    ),
  );
  if (digits < 14) {
    const shift = BigInt(4 * (14 - digits));
    const rounded = ((t + (1n << (shift - 1n))) >> shift) << shift;
    // Rounding up to 2^56 would turn a small probability into "never": keep full precision then.
    if (rounded < TWO_56) t = rounded;
  }
  return makeThreshold(t.toString(16).padStart(14, '0'), Number(TWO_56 - t) / TWO_56_NUMBER);
}

const TH_SYNTAX = /^[0-9a-f]{1,14}$/;
const RV_SYNTAX = /^[0-9a-f]{14}$/;

/** Parses a `th` value (1..14 lowercase hex digits); undefined when malformed. */
export function thresholdFromTh(th: string): Threshold | undefined {
  if (!TH_SYNTAX.test(th)) return undefined;
  const t14 = th.padEnd(14, '0');
  const hi = parseInt(t14.slice(0, 7), 16);
  const lo = parseInt(t14.slice(7), 16);
  // (2^56 − T) computed from 28-bit halves: exact up to the final division.
  return makeThreshold(t14, ((TWO_28 - hi) * TWO_28 - lo) / TWO_56_NUMBER);
}

/** True iff threshold `a` keeps a superset of what `b` keeps (a <= b). */
export function thresholdAtMost(a: Threshold, b: Threshold): boolean {
  if (b.never) return true;
  if (a.never) return false;
  return a.t14 <= b.t14;
}

/**
 * R >= T, with R the 14 hex digits of `src` starting at `offset` (an `rv` value at 0, or a trace
 * ID at 18). Compares character codes instead of slicing and parsing: no allocation, and the
 * first differing digit decides (15 times in 16 the first one). `| 0x20` lower-cases A-F and
 * leaves digits alone, so upper-case trace IDs compare correctly.
 */
export function randomnessAtLeast(src: string, offset: number, t14: string): boolean {
  for (let i = 0; i < 14; i++) {
    const r = src.charCodeAt(offset + i) | 0x20;
    const t = t14.charCodeAt(i);
    if (r !== t) return r > t;
  }
  return true;
}

/**
 * The consistent decision: keep iff R >= T, R from `rv` when present, else the last 14 digits
 * of the trace ID (a malformed, not 32-digit, trace ID has no randomness: never kept).
 */
export function keeps(traceId: string, rv: string | undefined, t: Threshold): boolean {
  if (t.never) return false;
  if (rv !== undefined) return randomnessAtLeast(rv, 0, t.t14);
  return traceId.length === 32 && randomnessAtLeast(traceId, 18, t.t14);
}

/** The parsed value of the `ot` tracestate member. Malformed parts are treated as absent. */
export interface OtState {
  /** The raw value ('' when the member is absent). */
  readonly raw: string;
  /** False when the value as a whole is malformed (bad syntax, or over 256 characters). */
  readonly valid: boolean;
  readonly th: Threshold | undefined;
  /** Exactly 14 lowercase hex digits, or undefined. */
  readonly rv: string | undefined;
  /** The other sub-keys (`key:value`), in their original order, joined with ';'. */
  readonly extras: string;
}

/** No `ot` member at all. */
export const NO_OT: OtState = Object.freeze({ raw: '', valid: true, th: undefined, rv: undefined, extras: '' });

// key = lcalpha *(lcalpha / DIGIT); value = *(ALPHA / DIGIT / "." / "_" / "-"); list = member *(";" member)
const OT_SYNTAX = /^[a-z][a-z0-9]*:[a-zA-Z0-9._-]*(?:;[a-z][a-z0-9]*:[a-zA-Z0-9._-]*)*$/;
const MAX_OT_LENGTH = 256;

/** Parses an `ot` member value. Never throws: anything malformed is dropped. */
export function parseOtValue(value: string): OtState {
  if (value === '') return NO_OT;
  if (value.length > MAX_OT_LENGTH || !OT_SYNTAX.test(value)) {
    return { raw: value, valid: false, th: undefined, rv: undefined, extras: '' };
  }
  let th: Threshold | undefined;
  let rv: string | undefined;
  let sawTh = false;
  let sawRv = false;
  const extras: string[] = [];
  for (const member of value.split(';')) {
    const colon = member.indexOf(':');
    const key = member.slice(0, colon);
    const v = member.slice(colon + 1);
    if (key === 'th') {
      // A repeated key keeps its first occurrence; malformed values are dropped.
      if (!sawTh) th = thresholdFromTh(v);
      sawTh = true;
    } else if (key === 'rv') {
      if (!sawRv && RV_SYNTAX.test(v)) rv = v;
      sawRv = true;
    } else {
      extras.push(member);
    }
  }
  return { raw: value, valid: true, th, rv, extras: extras.join(';') };
}

/** Serialises `ot` with threshold `t` (or without `th`): th first, then rv, then the rest. */
export function formatOtValue(ot: OtState, t: Threshold | undefined): string {
  let out = t === undefined || t.never ? '' : `th:${t.th}`;
  if (ot.rv !== undefined) out += out === '' ? `rv:${ot.rv}` : `;rv:${ot.rv}`;
  if (ot.extras !== '') out += out === '' ? ot.extras : `;${ot.extras}`;
  return out;
}

/**
 * Re-sampling an already sampled span downstream (for example in a processor or exporter) may
 * only raise its threshold: returns the `ot` value with `th` = max(current, t), and
 * `consistent: false` (value unchanged) when `t` would lower the threshold.
 */
export function raiseThreshold(ot: OtState, t: Threshold): { ot: string; consistent: boolean } {
  if (ot.th !== undefined && !thresholdAtMost(ot.th, t)) {
    return { ot: formatOtValue(ot, ot.th), consistent: false };
  }
  return { ot: formatOtValue(ot, t), consistent: true };
}
